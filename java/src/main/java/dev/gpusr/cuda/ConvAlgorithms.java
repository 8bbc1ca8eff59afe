package dev.gpusr.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToLongFunction;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnDeterminism;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.JCuda;

/**
 * Chooses one cuDNN algorithm per convolution direction. Normal mode times the candidates on the real buffers
 * (cudnnFind*AlgorithmEx) and keeps the fastest admissible one; deterministic mode takes cuDNN's heuristic ranking
 * (cudnnGet*_v7), which does not depend on timing noise, and admits only CUDNN_DETERMINISTIC algorithms.
 * FMA math admits no tensor-core (TF32) algorithm.
 */
public final class ConvAlgorithms {
    private ConvAlgorithms() {}

    public enum Direction {
        FORWARD, BACKWARD_DATA, BACKWARD_FILTER
    }

    /** The algorithm to run, the workspace it needs and the math type to set on its convolution descriptor. */
    record Choice(Direction direction, int algo, long workspaceBytes, int mathType, float findTimeMs, boolean deterministic) {
        String algoName() {
            return switch (direction) {
                case FORWARD -> cudnnConvolutionFwdAlgo.stringFor(algo);
                case BACKWARD_DATA -> cudnnConvolutionBwdDataAlgo.stringFor(algo);
                case BACKWARD_FILTER -> cudnnConvolutionBwdFilterAlgo.stringFor(algo);
            };
        }

        @Override
        public String toString() {
            return algoName().replace("CUDNN_CONVOLUTION_", "") + " (" + cudnnMathType.stringFor(mathType)
                    + ", workspace " + CudaCheck.formatBytes(workspaceBytes)
                    + (findTimeMs >= 0 ? String.format(Locale.ROOT, ", %.3f ms", findTimeMs) : "")
                    + (deterministic ? "" : ", non-deterministic") + ")";
        }
    }

    /**
     * What the search may pick; {@code math}: the convolution's data and math mode (the engine's follows
     * {@code options.math()}); {@code quick}: cuDNN's heuristic ranking instead of timing (edge tiles).
     */
    record Constraints(CudaOptions options, ConvMath math, long workspaceLimit, boolean quick) {
        Constraints(CudaOptions options, long workspaceLimit) {
            this(options, ConvMath.of(options.math()), workspaceLimit, false);
        }

        Constraints(CudaOptions options, long workspaceLimit, boolean quick) {
            this(options, ConvMath.of(options.math()), workspaceLimit, quick);
        }

        boolean heuristic() {
            return options.deterministic() || quick;
        }
    }

    private record Candidate(int algo, int status, float time, long memory, int determinism, int mathType) {
        @Override
        public String toString() {
            return "algo " + algo + " status " + status + " time " + time + " memory " + memory + " determinism "
                    + determinism + " math " + mathType;
        }
    }

    /** Bytes cuDNN may use as workspace for one convolution now: the option's limit, at most half the free memory. */
    static long workspaceLimit(CudaOptions options) {
        long[] ft = CudaCheck.memoryFreeTotal();
        long limit = options.workspaceLimitBytes();
        return ft == null ? limit : Math.min(limit, ft[0] / 2);
    }

    static Choice forward(cudnnHandle handle, Constraints c, String what, cudnnTensorDescriptor x, Pointer xData,
            cudnnFilterDescriptor w, Pointer wData, cudnnConvolutionDescriptor conv, cudnnTensorDescriptor y,
            Pointer yData) {
        int[] max = {0};
        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(handle, max),
                "cudnnGetConvolutionForwardAlgorithmMaxCount");
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[max[0]];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionFwdAlgoPerf();
        int[] returned = {0};
        if (c.heuristic()) {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(handle, x, w, conv, y, perf.length, returned,
                    perf), "cudnnGetConvolutionForwardAlgorithm_v7 (" + what + ")");
        } else {
            long bytes = findWorkspace(c, Direction.FORWARD,
                    cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_COUNT, algo -> {
                long[] size = {0};
                return JCudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, algo, size) == 0
                        ? size[0] : -1;
            });
            try (Scratch ws = Scratch.allocate(bytes)) {
                CudaCheck.cudnn(JCudnn.cudnnFindConvolutionForwardAlgorithmEx(handle, x, xData, w, wData, conv, y,
                        yData, perf.length, returned, perf, ws.pointer, ws.bytes),
                        "cudnnFindConvolutionForwardAlgorithmEx (" + what + ")");
            }
        }
        List<Candidate> list = new ArrayList<>();
        for (int i = 0; i < returned[0]; i++) {
            cudnnConvolutionFwdAlgoPerf p = perf[i];
            list.add(new Candidate(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType));
        }
        Choice choice = pick(Direction.FORWARD, c, what, list);
        useMathType(conv, choice);
        long[] size = {0};
        int status = JCudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, choice.algo(), size);
        return withWorkspace(choice, status, size[0]);
    }

    static Choice backwardData(cudnnHandle handle, Constraints c, String what, cudnnFilterDescriptor w, Pointer wData,
            cudnnTensorDescriptor dy, Pointer dyData, cudnnConvolutionDescriptor conv, cudnnTensorDescriptor dx,
            Pointer dxData) {
        int[] max = {0};
        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, max),
                "cudnnGetConvolutionBackwardDataAlgorithmMaxCount");
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[max[0]];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
        int[] returned = {0};
        if (c.heuristic()) {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, w, dy, conv, dx, perf.length,
                    returned, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7 (" + what + ")");
        } else {
            long bytes = findWorkspace(c, Direction.BACKWARD_DATA,
                    cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, algo -> {
                long[] size = {0};
                return JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(handle, w, dy, conv, dx, algo, size) == 0
                        ? size[0] : -1;
            });
            try (Scratch ws = Scratch.allocate(bytes)) {
                CudaCheck.cudnn(JCudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(handle, w, wData, dy, dyData, conv,
                        dx, dxData, perf.length, returned, perf, ws.pointer, ws.bytes),
                        "cudnnFindConvolutionBackwardDataAlgorithmEx (" + what + ")");
            }
        }
        List<Candidate> list = new ArrayList<>();
        for (int i = 0; i < returned[0]; i++) {
            cudnnConvolutionBwdDataAlgoPerf p = perf[i];
            list.add(new Candidate(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType));
        }
        Choice choice = pick(Direction.BACKWARD_DATA, c, what, list);
        useMathType(conv, choice);
        long[] size = {0};
        int status = JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(handle, w, dy, conv, dx, choice.algo(), size);
        return withWorkspace(choice, status, size[0]);
    }

    static Choice backwardFilter(cudnnHandle handle, Constraints c, String what, cudnnTensorDescriptor x,
            Pointer xData, cudnnTensorDescriptor dy, Pointer dyData, cudnnConvolutionDescriptor conv,
            cudnnFilterDescriptor dw, Pointer dwData) {
        int[] max = {0};
        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, max),
                "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount");
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[max[0]];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        int[] returned = {0};
        if (c.heuristic()) {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, x, dy, conv, dw, perf.length,
                    returned, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7 (" + what + ")");
        } else {
            long bytes = findWorkspace(c, Direction.BACKWARD_FILTER,
                    cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, algo -> {
                long[] size = {0};
                return JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, x, dy, conv, dw, algo, size) == 0
                        ? size[0] : -1;
            });
            try (Scratch ws = Scratch.allocate(bytes)) {
                CudaCheck.cudnn(JCudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(handle, x, xData, dy, dyData, conv,
                        dw, dwData, perf.length, returned, perf, ws.pointer, ws.bytes),
                        "cudnnFindConvolutionBackwardFilterAlgorithmEx (" + what + ")");
            }
        }
        List<Candidate> list = new ArrayList<>();
        for (int i = 0; i < returned[0]; i++) {
            cudnnConvolutionBwdFilterAlgoPerf p = perf[i];
            list.add(new Candidate(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType));
        }
        Choice choice = pick(Direction.BACKWARD_FILTER, c, what, list);
        useMathType(conv, choice);
        long[] size = {0};
        int status = JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, x, dy, conv, dw, choice.algo(), size);
        return withWorkspace(choice, status, size[0]);
    }

    /**
     * Runs the chosen algorithm with the math type it was chosen with: cuDNN executes with the descriptor's math type,
     * and an algorithm found as tensor-op runs slowly (or not at all) under another one.
     */
    private static void useMathType(cudnnConvolutionDescriptor conv, Choice choice) {
        CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(conv, choice.mathType()),
                "cudnnSetConvolutionMathType (" + cudnnMathType.stringFor(choice.mathType()) + ")");
    }

    /**
     * The workspace cuDNN says the algorithm needs as configured, if more than the search reported. A failed query
     * leaves the search's figure: the algorithm ran (Find) or was offered (heuristics) with it.
     */
    private static Choice withWorkspace(Choice choice, int status, long bytes) {
        if (status != 0 || bytes <= choice.workspaceBytes()) return choice;
        return new Choice(choice.direction(), choice.algo(), bytes, choice.mathType(), choice.findTimeMs(),
                choice.deterministic());
    }

    /** The workspace to time candidates with: the largest any admissible algorithm asks for, within the limit. */
    private static long findWorkspace(Constraints c, Direction dir, int algoCount, IntToLongFunction sizeOf) {
        long largest = 0;
        for (int algo = 0; algo < algoCount; algo++) {
            if (!c.options().transformAlgorithms() && isTransform(dir, algo)) continue;
            long s = sizeOf.applyAsLong(algo);
            if (s >= 0 && s <= c.workspaceLimit()) largest = Math.max(largest, s);
        }
        return largest;
    }

    /**
     * FFT and Winograd algorithms compute the convolution in a transformed domain, which rounds differently from (and
     * less accurately than) a direct fp32 sum; the GEMM-like and direct algorithms sum the products as the CPU does.
     */
    public static boolean isTransform(Direction dir, int algo) {
        return switch (dir) {
            case FORWARD -> algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_FFT
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED;
            case BACKWARD_DATA -> algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT
                    || algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING
                    || algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD
                    || algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED;
            case BACKWARD_FILTER -> algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT
                    || algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING
                    || algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD
                    || algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED;
        };
    }

    /**
     * cuDNN lists candidates best first (fastest measured, or heuristic rank); take the first admissible one.
     *
     * <p>The math type JCudnn reports is trustworthy only for backward-filter results: its natives do not copy
     * {@code mathType} for forward and backward-data results, which then read 0 (CUDNN_DEFAULT_MATH). So FMA mode
     * rejects only explicit tensor-op results and keeps its descriptors at CUDNN_FMA_MATH, which already stops
     * cuDNN from considering or running tensor-core algorithms. fp16 keeps its descriptors at CUDNN_TENSOR_OP_MATH
     * for the same reason.
     */
    private static Choice pick(Direction dir, Constraints c, String what, List<Candidate> candidates) {
        boolean fmaOnly = c.math() == ConvMath.FP32;
        for (Candidate k : candidates) {
            if (k.status() != 0) continue;
            if (k.memory() > c.workspaceLimit()) continue;
            if (!c.options().transformAlgorithms() && isTransform(dir, k.algo())) continue;
            boolean deterministic = k.determinism() == cudnnDeterminism.CUDNN_DETERMINISTIC;
            if (c.options().deterministic() && !deterministic) continue;
            if (fmaOnly && (k.mathType() == cudnnMathType.CUDNN_TENSOR_OP_MATH
                    || k.mathType() == cudnnMathType.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION)) {
                continue;
            }
            int math = c.math().fixedMathType >= 0 ? c.math().fixedMathType : k.mathType();
            return new Choice(dir, k.algo(), k.memory(), math, c.heuristic() ? -1f : k.time(), deterministic);
        }
        throw new CudaException("no cuDNN " + dir.name().toLowerCase().replace('_', ' ') + " algorithm for " + what
                + " fits these constraints: " + c.options() + ", workspace <= "
                + CudaCheck.formatBytes(c.workspaceLimit()) + "; cuDNN offered " + candidates
                + " (try without deterministic mode, with transform algorithms, or with more workspace)");
    }

    /** A temporary device block for timing candidates; a smaller one (down to none) when memory is short. */
    private static final class Scratch implements AutoCloseable {
        final Pointer pointer;
        final long bytes;

        private Scratch(Pointer pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }

        static Scratch allocate(long bytes) {
            for (long b = bytes; b > 0; b /= 2) {
                Pointer p = new Pointer();
                if (JCuda.cudaMalloc(p, b) == 0) return new Scratch(p, b);
                JCuda.cudaGetLastError(); // not sticky; clear it so later checks only see their own failures
                if (b < 1 << 20) break;
            }
            // too little memory for a useful workspace: cuDNN then times only the algorithms that need none
            return new Scratch(new Pointer(), 0);
        }

        @Override
        public void close() {
            if (bytes > 0) CudaCheck.runtime(JCuda.cudaFree(pointer), "cudaFree (algorithm search workspace)");
        }
    }
}
