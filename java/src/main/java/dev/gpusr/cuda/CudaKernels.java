package dev.gpusr.cuda;

import jcuda.Pointer;
import jcuda.driver.CUstream;

/**
 * gpu-sr's own CUDA kernels (kernels/*.cu, one fatbin packed in the jar, loaded once per context with
 * cuModuleLoadData). All pointers are device pointers; all launches are asynchronous on the given stream; every
 * driver status is checked. Tensors are NCHW float32, {@code hw = h * w}. Reductions are deterministic (fixed
 * order, no float atomics on results).
 *
 * <p>API contract shared by the CUDA engine and the benchmarks: keep these signatures.
 */
public final class CudaKernels implements AutoCloseable {
    /** Where the build puts the fatbin inside the jar. */
    public static final String FATBIN_RESOURCE = "/dev/gpusr/cuda/gpusr_kernels.fatbin";

    private CudaKernels() {}

    /** True when the jar was built with kernels (-Dgpusr.kernels=skip leaves them out). */
    public static boolean bundled() {
        return CudaKernels.class.getResource(FATBIN_RESOURCE) != null;
    }

    /** Loads the module into the current context; throws CudaException with a hint when not built or not loadable. */
    public static CudaKernels load() {
        throw new UnsupportedOperationException("not yet");
    }

    /** x[n,c,:] += bias[c], then ReLU when {@code relu}; in place. */
    public void biasActivation(CUstream s, Pointer x, Pointer bias, int n, int c, int hw, boolean relu) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Backward of {@link #biasActivation}: when {@code relu}, dy[i] = 0 where y[i] <= 0 (in place); then
     * dbias[c] = sum over n and hw of dy (overwritten, not accumulated).
     */
    public void biasActivationBackward(CUstream s, Pointer dy, Pointer y, Pointer dbias, int n, int c, int hw,
            boolean relu) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Floats of scratch that {@link #mseLossAndGrad} and {@link #sumSquaredError} need for {@code count} elements. */
    public static int reductionScratchFloats(int count) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * loss[0] (one float) = mean((out - target)^2); dOut = 2 (out - target) / count. One pass plus a fixed-order
     * final reduction.
     */
    public void mseLossAndGrad(CUstream s, Pointer out, Pointer target, Pointer dOut, Pointer loss, Pointer scratch,
            int count) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * sse[0] (one double) = sum over the planes' inner region (shave pixels dropped at each border) of
     * (q(a) - q(b))^2 with q(v) = round(clamp(v, 0, 1) * 255): the PSNR-ready sum for validation.
     */
    public void sumSquaredError(CUstream s, Pointer a, Pointer b, Pointer sse, Pointer scratch, int planes, int h,
            int w, int shave) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * SGD with momentum (PyTorch form) over the flat parameters: m = momentum m + g; p -= lr[l] m, where element i
     * is in layer l when layerEnds[l-1] <= i < layerEnds[l] (layerEnds has one end per layer, the last = count).
     */
    public void sgdMomentum(CUstream s, Pointer params, Pointer grads, Pointer m, int count, int[] layerEnds,
            float[] lr, float momentum) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Adam (PyTorch form, bias-corrected); {@code step} is the 1-based number of this update. */
    public void adam(CUstream s, Pointer params, Pointer grads, Pointer m, Pointer v, int count, int[] layerEnds,
            float[] lr, float beta1, float beta2, float eps, long step) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * MATLAB bicubic enlargement by k of {@code planes} planes of inH x inW: dst is (k inH) x (k inW) per plane,
     * equal to BicubicResampler.upscale within 1e-5.
     */
    public void bicubicUpscale(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int k) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Antialiased MATLAB bicubic shrink by k: dst is ceil(inH/k) x ceil(inW/k) per plane. */
    public void bicubicDownscale(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int k) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Interleaved 8-bit (bytesPerSample 1) or 16-bit little-endian (2) pixels with {@code channels} 1 or 3 (RGB) ->
     * float planes in [0, 1]; with {@code toYcbcr} and 3 channels the planes are MATLAB Y, Cb, Cr.
     */
    public void unpackPixels(CUstream s, Pointer packed, Pointer planes, int n, int h, int w, int channels,
            int bytesPerSample, boolean toYcbcr) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The inverse of {@link #unpackPixels}: clamp, YCbCr -> RGB when asked, round to the sample size, interleave. */
    public void packPixels(CUstream s, Pointer planes, Pointer packed, int n, int h, int w, int channels,
            int bytesPerSample, boolean fromYcbcr) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
        // unloads the module
    }
}
