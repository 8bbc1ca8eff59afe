package dev.gpusr.cuda;

/**
 * gpu-sr's kernels ({@link CudaKernels}) on one context's stream, over {@link DeviceArray}s: what the benchmarks
 * launch and time. Every call is asynchronous; the shapes are checked as {@link CudaKernels} checks them.
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

    /** x[n,c,:] += bias[c], then ReLU when {@code relu}; in place. */
    public void biasActivation(DeviceArray x, DeviceArray bias, int n, int c, int hw, boolean relu) {
        k.biasActivation(ctx.cuStream(), x.ptr(), bias.ptr(), n, c, hw, relu);
    }

    /** The ReLU mask of dy (in place, when {@code relu}) and the per-channel bias gradient into dbias. */
    public void biasActivationBackward(DeviceArray dy, DeviceArray y, DeviceArray dbias, int n, int c, int hw,
            boolean relu) {
        k.biasActivationBackward(ctx.cuStream(), dy.ptr(), y.ptr(), dbias.ptr(), n, c, hw, relu);
    }

    /** loss = mean((out - target)^2) and dOut = 2 (out - target) / count in one pass. */
    public void mseLossAndGrad(DeviceArray out, DeviceArray target, DeviceArray dOut, DeviceArray loss,
            DeviceArray scratch, int count) {
        k.mseLossAndGrad(ctx.cuStream(), out.ptr(), target.ptr(), dOut.ptr(), loss.ptr(), scratch.ptr(), count);
    }

    /** The PSNR numerator (a double in {@code sse}) of 8-bit-quantised planes inside a shaved border. */
    public void sumSquaredError(DeviceArray a, DeviceArray b, DeviceArray sse, DeviceArray scratch, int planes, int h,
            int w, int shave) {
        k.sumSquaredError(ctx.cuStream(), a.ptr(), b.ptr(), sse.ptr(), scratch.ptr(), planes, h, w, shave);
    }

    /** SGD with momentum (PyTorch's form) over a flat parameter block with per-layer learning rates. */
    public void sgdMomentum(DeviceArray params, DeviceArray grads, DeviceArray m, int count, int[] layerEnds,
            float[] lr, float momentum) {
        k.sgdMomentum(ctx.cuStream(), params.ptr(), grads.ptr(), m.ptr(), count, layerEnds, lr, momentum);
    }

    /** MATLAB bicubic enlargement by k of 1-channel planes. */
    public void bicubicUpscale(DeviceArray src, DeviceArray dst, int planes, int inH, int inW, int scale) {
        k.bicubicUpscale(ctx.cuStream(), src.ptr(), dst.ptr(), planes, inH, inW, scale);
    }

    /** Antialiased MATLAB bicubic shrink by k. */
    public void bicubicDownscale(DeviceArray src, DeviceArray dst, int planes, int inH, int inW, int scale) {
        k.bicubicDownscale(ctx.cuStream(), src.ptr(), dst.ptr(), planes, inH, inW, scale);
    }

    /** Interleaved 8/16-bit samples to float planes (YCbCr when {@code ycbcr} and 3 channels). */
    public void unpackPixels(DeviceArray packed, DeviceArray planes, int n, int h, int w, int channels,
            int bytesPerSample, boolean ycbcr) {
        k.unpackPixels(ctx.cuStream(), packed.ptr(), planes.ptr(), n, h, w, channels, bytesPerSample, ycbcr);
    }

    /** The inverse of {@link #unpackPixels}. */
    public void packPixels(DeviceArray planes, DeviceArray packed, int n, int h, int w, int channels,
            int bytesPerSample, boolean ycbcr) {
        k.packPixels(ctx.cuStream(), planes.ptr(), packed.ptr(), n, h, w, channels, bytesPerSample, ycbcr);
    }
}
