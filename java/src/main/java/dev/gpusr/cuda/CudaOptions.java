package dev.gpusr.cuda;

import java.util.Objects;

/**
 * How the CUDA engine computes.
 *
 * @param math               {@link MathMode#FMA} (default): true fp32, cuDNN may not use TF32 tensor cores, results
 *                           match the CPU engine to ~1e-6; {@link MathMode#TF32}: tensor cores with 10-bit mantissa
 *                           inputs, faster, ~1e-3 relative error
 * @param deterministic      bit-reproducible results: only algorithms cuDNN flags CUDNN_DETERMINISTIC, chosen by cuDNN's
 *                           heuristics (cudnnGet*_v7) rather than by timing, because timing-based choices can differ
 *                           from run to run and different algorithms round differently
 * @param transformAlgorithms also admit cuDNN's FFT and Winograd algorithms: sometimes faster, but they round
 *                           differently from a direct fp32 sum (errors around 1e-5 instead of 1e-6), so they are off
 *                           by default; PyTorch's fp32 convolutions do admit them
 * @param cudaGraphs         replay the training step of a fixed batch shape as one CUDA graph (captured on its second
 *                           step); when capture fails the engine says why ({@link CudaSrcnn#graphFallbackReason()})
 *                           and keeps using the plain path
 * @param maxBatchPixels     inference runs at most this many pixels (n*h*w) per cuDNN call, splitting the batch by
 *                           images; 0 = as many images as fit in free GPU memory
 * @param workspaceLimitBytes the most cuDNN workspace one convolution may use (also bounded by half the free memory)
 * @param narrowConv         the last layer's forward (few output channels) runs as gpu-sr's own kernel
 *                           ({@link CudaKernels#narrowConvForward}) instead of cuDNN, whose GEMM tiles waste most of
 *                           their work on 1-3 output channels (conv3 of 9-1-5: 11 ms of 25 on 8 x 1080p, H200); fp32
 *                           FMAs in a fixed order, so results stay deterministic. Its backward always uses cuDNN
 */
public record CudaOptions(MathMode math, boolean deterministic, boolean transformAlgorithms, boolean cudaGraphs,
        long maxBatchPixels, long workspaceLimitBytes, boolean narrowConv) {

    public enum MathMode {
        /** fp32 multiply-adds (CUDNN_FMA_MATH). */
        FMA,
        /** TF32 tensor cores allowed (CUDNN_DEFAULT_MATH, then the math type cuDNN chose per algorithm). */
        TF32;

        public static MathMode parse(String s) {
            for (MathMode m : values()) {
                if (m.name().equalsIgnoreCase(s)) return m;
            }
            throw new IllegalArgumentException("unknown math mode '" + s + "' (expected fma or tf32)");
        }
    }

    public static final long DEFAULT_WORKSPACE_LIMIT = 1L << 30;

    /** The options before {@code narrowConv} existed; it is on. */
    public CudaOptions(MathMode math, boolean deterministic, boolean transformAlgorithms, boolean cudaGraphs,
            long maxBatchPixels, long workspaceLimitBytes) {
        this(math, deterministic, transformAlgorithms, cudaGraphs, maxBatchPixels, workspaceLimitBytes, true);
    }

    public CudaOptions {
        Objects.requireNonNull(math, "math");
        if (maxBatchPixels < 0) throw new IllegalArgumentException("maxBatchPixels must be >= 0, got " + maxBatchPixels);
        if (workspaceLimitBytes < 0) {
            throw new IllegalArgumentException("workspaceLimitBytes must be >= 0, got " + workspaceLimitBytes);
        }
    }

    /**
     * FMA math, the fastest direct-summation algorithms, CUDA graphs on, automatic batch splitting, 1 GiB workspace
     * limit, the narrow-convolution kernel for the last layer.
     */
    public static CudaOptions defaults() {
        return new CudaOptions(MathMode.FMA, false, false, true, 0, DEFAULT_WORKSPACE_LIMIT, true);
    }

    public CudaOptions withMath(MathMode m) {
        return new CudaOptions(m, deterministic, transformAlgorithms, cudaGraphs, maxBatchPixels,
                workspaceLimitBytes, narrowConv);
    }

    public CudaOptions withDeterministic(boolean d) {
        return new CudaOptions(math, d, transformAlgorithms, cudaGraphs, maxBatchPixels,
                workspaceLimitBytes, narrowConv);
    }

    public CudaOptions withTransformAlgorithms(boolean t) {
        return new CudaOptions(math, deterministic, t, cudaGraphs, maxBatchPixels, workspaceLimitBytes, narrowConv);
    }

    public CudaOptions withCudaGraphs(boolean g) {
        return new CudaOptions(math, deterministic, transformAlgorithms, g, maxBatchPixels,
                workspaceLimitBytes, narrowConv);
    }

    public CudaOptions withMaxBatchPixels(long p) {
        return new CudaOptions(math, deterministic, transformAlgorithms, cudaGraphs, p,
                workspaceLimitBytes, narrowConv);
    }

    public CudaOptions withWorkspaceLimitBytes(long b) {
        return new CudaOptions(math, deterministic, transformAlgorithms, cudaGraphs, maxBatchPixels, b, narrowConv);
    }

    public CudaOptions withNarrowConv(boolean narrow) {
        return new CudaOptions(math, deterministic, transformAlgorithms, cudaGraphs, maxBatchPixels,
                workspaceLimitBytes, narrow);
    }

    @Override
    public String toString() {
        return "math=" + math.name().toLowerCase() + (deterministic ? " deterministic" : "")
                + (transformAlgorithms ? " fft/winograd" : "") + (cudaGraphs ? " graphs" : " no-graphs")
                + (maxBatchPixels > 0 ? " maxBatchPixels=" + maxBatchPixels : "")
                + " workspace<=" + CudaCheck.formatBytes(workspaceLimitBytes)
                + (narrowConv ? "" : " no-narrow-conv");
    }
}
