package dev.gpusr.cuda;

/**
 * gpu-sr's kernels ({@link CudaKernels}) on one context's stream, over {@link DeviceArray}s: what the benchmarks
 * launch and time. Every call is asynchronous; the shapes are checked as {@link CudaKernels} checks them, and each
 * array against the bytes the call will touch, so a wrong size is an IllegalArgumentException naming the call and the
 * array instead of an illegal address that ends the CUDA context.
 */
public final class DeviceKernels {
    private final CudaContext ctx;
    private final CudaKernels k;

    DeviceKernels(CudaContext ctx, CudaKernels kernels) {
        this.ctx = ctx;
        this.k = kernels;
    }

    /** Floats of scratch that {@link #mseLossAndGrad} and {@link #sumSquaredError} need for {@code count} elements. */
    public static int reductionScratchFloats(int count) {
        return CudaKernels.reductionScratchFloats(count);
    }

    /** Throws unless an array of {@code have} bytes holds {@code count} elements of {@code elementBytes} each. */
    static void requireBytes(long have, long count, int elementBytes, String call, String array) {
        if (count < 0) throw new IllegalArgumentException(call + ": negative element count " + count + " for " + array);
        long need = Math.multiplyExact(count, (long) elementBytes);
        if (have < need) {
            throw new IllegalArgumentException(call + ": " + array + " holds " + have + " bytes, the call touches "
                    + need + " (" + count + " x " + elementBytes + ")");
        }
    }

    private static long product(int... dims) {
        long p = 1;
        for (int d : dims) p = Math.multiplyExact(p, (long) d);
        return p;
    }

    private static long ceilDiv(int a, int b) {
        return b < 1 ? 0 : (a + (long) b - 1) / b;
    }

    /** x[n,c,:] += bias[c], then ReLU when {@code relu}; in place. */
    public void biasActivation(DeviceArray x, DeviceArray bias, int n, int c, int hw, boolean relu) {
        requireBytes(x.bytes(), product(n, c, hw), 4, "biasActivation", "x");
        requireBytes(bias.bytes(), c, 4, "biasActivation", "bias");
        k.biasActivation(ctx.cuStream(), x.ptr(), bias.ptr(), n, c, hw, relu);
    }

    /** The ReLU mask of dy (in place, when {@code relu}) and the per-channel bias gradient into dbias. */
    public void biasActivationBackward(DeviceArray dy, DeviceArray y, DeviceArray dbias, int n, int c, int hw,
            boolean relu) {
        requireBytes(dy.bytes(), product(n, c, hw), 4, "biasActivationBackward", "dy");
        requireBytes(y.bytes(), product(n, c, hw), 4, "biasActivationBackward", "y");
        requireBytes(dbias.bytes(), c, 4, "biasActivationBackward", "dbias");
        k.biasActivationBackward(ctx.cuStream(), dy.ptr(), y.ptr(), dbias.ptr(), n, c, hw, relu);
    }

    /** loss = mean((out - target)^2) and dOut = 2 (out - target) / count in one pass. */
    public void mseLossAndGrad(DeviceArray out, DeviceArray target, DeviceArray dOut, DeviceArray loss,
            DeviceArray scratch, int count) {
        for (DeviceArray a : new DeviceArray[] {out, target, dOut}) {
            requireBytes(a.bytes(), count, 4, "mseLossAndGrad", a == out ? "out" : a == target ? "target" : "dOut");
        }
        requireBytes(loss.bytes(), 1, 4, "mseLossAndGrad", "loss");
        requireBytes(scratch.bytes(), reductionScratchFloats(count), 4, "mseLossAndGrad", "scratch");
        k.mseLossAndGrad(ctx.cuStream(), out.ptr(), target.ptr(), dOut.ptr(), loss.ptr(), scratch.ptr(), count);
    }

    /** The PSNR numerator (a double in {@code sse}) of 8-bit-quantised planes inside a shaved border. */
    public void sumSquaredError(DeviceArray a, DeviceArray b, DeviceArray sse, DeviceArray scratch, int planes, int h,
            int w, int shave) {
        requireBytes(a.bytes(), product(planes, h, w), 4, "sumSquaredError", "a");
        requireBytes(b.bytes(), product(planes, h, w), 4, "sumSquaredError", "b");
        requireBytes(sse.bytes(), 1, 8, "sumSquaredError", "sse");
        requireBytes(scratch.bytes(), reductionScratchFloats((int) Math.min(product(planes, h, w), Integer.MAX_VALUE)), 4,
                "sumSquaredError", "scratch");
        k.sumSquaredError(ctx.cuStream(), a.ptr(), b.ptr(), sse.ptr(), scratch.ptr(), planes, h, w, shave);
    }

    /** SGD with momentum (PyTorch's form) over a flat parameter block with per-layer learning rates. */
    public void sgdMomentum(DeviceArray params, DeviceArray grads, DeviceArray m, int count, int[] layerEnds,
            float[] lr, float momentum) {
        requireBytes(params.bytes(), count, 4, "sgdMomentum", "params");
        requireBytes(grads.bytes(), count, 4, "sgdMomentum", "grads");
        requireBytes(m.bytes(), count, 4, "sgdMomentum", "m");
        k.sgdMomentum(ctx.cuStream(), params.ptr(), grads.ptr(), m.ptr(), count, layerEnds, lr, momentum);
    }

    /** MATLAB bicubic enlargement by k of 1-channel planes. */
    public void bicubicUpscale(DeviceArray src, DeviceArray dst, int planes, int inH, int inW, int scale) {
        requireBytes(src.bytes(), product(planes, inH, inW), 4, "bicubicUpscale", "src");
        requireBytes(dst.bytes(), Math.multiplyExact(product(planes, inH, inW), product(scale, scale)), 4,
                "bicubicUpscale", "dst");
        k.bicubicUpscale(ctx.cuStream(), src.ptr(), dst.ptr(), planes, inH, inW, scale);
    }

    /** Antialiased MATLAB bicubic shrink by k. */
    public void bicubicDownscale(DeviceArray src, DeviceArray dst, int planes, int inH, int inW, int scale) {
        requireBytes(src.bytes(), product(planes, inH, inW), 4, "bicubicDownscale", "src");
        requireBytes(dst.bytes(), Math.multiplyExact((long) planes, ceilDiv(inH, scale) * ceilDiv(inW, scale)), 4,
                "bicubicDownscale", "dst");
        k.bicubicDownscale(ctx.cuStream(), src.ptr(), dst.ptr(), planes, inH, inW, scale);
    }

    /** Interleaved 8/16-bit samples to float planes (YCbCr when {@code ycbcr} and 3 channels). */
    public void unpackPixels(DeviceArray packed, DeviceArray planes, int n, int h, int w, int channels,
            int bytesPerSample, boolean ycbcr) {
        requireBytes(packed.bytes(), product(n, h, w, channels), bytesPerSample, "unpackPixels", "packed");
        requireBytes(planes.bytes(), product(n, h, w, channels), 4, "unpackPixels", "planes");
        k.unpackPixels(ctx.cuStream(), packed.ptr(), planes.ptr(), n, h, w, channels, bytesPerSample, ycbcr);
    }

    /** The inverse of {@link #unpackPixels}. */
    public void packPixels(DeviceArray planes, DeviceArray packed, int n, int h, int w, int channels,
            int bytesPerSample, boolean ycbcr) {
        requireBytes(planes.bytes(), product(n, h, w, channels), 4, "packPixels", "planes");
        requireBytes(packed.bytes(), product(n, h, w, channels), bytesPerSample, "packPixels", "packed");
        k.packPixels(ctx.cuStream(), planes.ptr(), packed.ptr(), n, h, w, channels, bytesPerSample, ycbcr);
    }
}
