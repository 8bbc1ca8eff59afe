package dev.gpusr.cuda;

import dev.gpusr.resample.BicubicResampler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * gpu-sr's own CUDA kernels (kernels/*.cu, one fatbin packed in the jar, loaded once per context with
 * cuModuleLoadData). All pointers are device pointers; all launches are asynchronous on the given stream; every
 * driver status is checked. Tensors are NCHW float32, {@code hw = h * w}. Reductions are deterministic (fixed
 * order, no float atomics on results).
 *
 * <p>API contract shared by the CUDA engine and the benchmarks: keep these signatures.
 *
 * <p>Use from one thread at a time, with the context current that was current at {@link #load()}. One instance
 * owns a small device scratch for the bias-gradient reduction and the MSE's finishing counter, so its
 * {@link #biasActivationBackward} calls must not run concurrently on two streams, nor its {@link #mseLossAndGrad}
 * calls. The first {@link #bicubicUpscale}/{@link #bicubicDownscale} for a new
 * size uploads its tables with a synchronous copy (cached after that): make one such call before capturing a
 * CUDA graph. No launch allocates memory, so everything else can be captured. The table cache keeps the
 * {@value #MAX_CACHED_TABLES} most recently used sizes; a graph must not capture a resize (an evicted table is freed).
 */
public final class CudaKernels implements AutoCloseable {
    /** Where the build puts the fatbin inside the jar. */
    public static final String FATBIN_RESOURCE = "/dev/gpusr/cuda/gpusr_kernels.fatbin";

    /** The most scratch {@link #reductionScratchFloats} asks for, whatever the count: enough for any call. */
    public static final int MAX_REDUCTION_SCRATCH_FLOATS = 2 * Plans.MAX_REDUCTION_BLOCKS;

    /** The kernels in the fatbin, by their extern "C" names. */
    enum Kernel {
        BIAS_ACT_FORWARD("gpusr_bias_act_forward"),
        BIAS_ACT_BACKWARD_PARTIAL("gpusr_bias_act_backward_partial"),
        BIAS_GRAD_FINISH("gpusr_bias_grad_finish"),
        MSE("gpusr_mse"),
        SSE8_PARTIAL("gpusr_sse8_partial"),
        SSE8_FINISH("gpusr_sse8_finish"),
        SGD_MOMENTUM("gpusr_sgd_momentum"),
        ADAM("gpusr_adam"),
        BICUBIC_TAPS4("gpusr_bicubic_resize_taps4"),
        BICUBIC_TAPS8("gpusr_bicubic_resize_taps8"),
        BICUBIC_ANY("gpusr_bicubic_resize_any"),
        UNPACK_C1_B1("gpusr_unpack_c1_b1"),
        UNPACK_C1_B2("gpusr_unpack_c1_b2"),
        UNPACK_C3_B1("gpusr_unpack_c3_b1"),
        UNPACK_C3_B2("gpusr_unpack_c3_b2"),
        PACK_C1_B1("gpusr_pack_c1_b1"),
        PACK_C1_B2("gpusr_pack_c1_b2"),
        PACK_C3_B1("gpusr_pack_c3_b1"),
        PACK_C3_B2("gpusr_pack_c3_b2");

        final String symbol;

        Kernel(String symbol) {
            this.symbol = symbol;
        }
    }

    private static final String HINT_NOT_BUILT = "this jar has no CUDA kernels: it was built with "
            + "-Dgpusr.kernels=skip or without nvcc; rebuild with the CUDA toolkit on PATH";
    private static final String HINT_NO_CONTEXT = "no current CUDA context: call cudaSetDevice(device) and "
            + "cudaFree(0) on this thread before CudaKernels.load()";
    private static final String HINT_STALE = "the fatbin does not match this jar's code; rebuild the jar";

    private final CUmodule module;
    private final EnumMap<Kernel, CUfunction> functions;
    private final Pointer biasPartials;
    /** One unsigned int, 0 between calls: gpusr_mse's ticket counter (each launch leaves it 0 again). */
    private final Pointer mseTicket;
    /** gpusr_conv_narrow_c{cout}_f{f}, indexed [cout - 1][f / 2]. */
    private final CUfunction[][] narrowConv;
    /** Resize tables cached per (length, factor); bounded, so a folder of many image sizes does not grow it forever. */
    static final int MAX_CACHED_TABLES = 64;
    private final Map<TableKey, DeviceTable> tables = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TableKey, DeviceTable> eldest) {
            if (size() <= MAX_CACHED_TABLES) return false;
            // cudaFree waits for the launches already queued that may still read the table
            int status = JCuda.cudaFree(eldest.getValue().memory);
            if (status != cudaError.cudaSuccess) {
                throw CudaCheck.runtimeFailure(status, "cudaFree(resize table)");
            }
            return true;
        }
    };
    private boolean closed;

    /** Output channels {@link #narrowConvForward} handles (one kernel each). */
    public static final int NARROW_CONV_MAX_OUT_CHANNELS = 3;
    /** The largest (odd) filter size {@link #narrowConvForward} handles. */
    public static final int NARROW_CONV_MAX_FILTER = 9;
    /** The most input channels {@link #narrowConvForward} takes (SRCNN's widest layer feeds 32 or 64). */
    public static final int NARROW_CONV_MAX_IN_CHANNELS = 64;

    private CudaKernels(CUmodule module, EnumMap<Kernel, CUfunction> functions, CUfunction[][] narrowConv,
            Pointer biasPartials, Pointer mseTicket) {
        this.module = module;
        this.functions = functions;
        this.narrowConv = narrowConv;
        this.biasPartials = biasPartials;
        this.mseTicket = mseTicket;
    }

    /** True when the jar was built with kernels (-Dgpusr.kernels=skip leaves them out). */
    public static boolean bundled() {
        return CudaKernels.class.getResource(FATBIN_RESOURCE) != null;
    }

    /** Loads the module into the current context; throws CudaException with a hint when not built or not loadable. */
    public static CudaKernels load() {
        byte[] image = readFatbin();
        CudaCheck.driver(JCudaDriver.cuInit(0), "cuInit");
        CUcontext current = new CUcontext();
        CudaCheck.driver(JCudaDriver.cuCtxGetCurrent(current), "cuCtxGetCurrent");
        if (current.equals(new CUcontext())) throw CudaException.of("CudaKernels.load", "no context", HINT_NO_CONTEXT);

        CUmodule module = new CUmodule();
        CudaCheck.driver(JCudaDriver.cuModuleLoadData(module, image),
                "cuModuleLoadData(" + FATBIN_RESOURCE.substring(FATBIN_RESOURCE.lastIndexOf('/') + 1) + ")");
        Pointer scratch = null;
        Pointer ticket = null;
        try {
            KernelConstants.verify(symbol -> moduleInt(module, symbol));
            EnumMap<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                CUfunction f = new CUfunction();
                int status = JCudaDriver.cuModuleGetFunction(f, module, k.symbol);
                CudaCheck.driver(status, "cuModuleGetFunction(" + k.symbol + ")", HINT_STALE);
                functions.put(k, f);
            }
            CUfunction[][] narrow = new CUfunction[NARROW_CONV_MAX_OUT_CHANNELS][NARROW_CONV_MAX_FILTER / 2 + 1];
            for (int cout = 1; cout <= NARROW_CONV_MAX_OUT_CHANNELS; cout++) {
                for (int f = 1; f <= NARROW_CONV_MAX_FILTER; f += 2) {
                    String symbol = narrowConvSymbol(cout, f);
                    CUfunction fn = new CUfunction();
                    int status = JCudaDriver.cuModuleGetFunction(fn, module, symbol);
                    CudaCheck.driver(status, "cuModuleGetFunction(" + symbol + ")", HINT_STALE);
                    narrow[cout - 1][f / 2] = fn;
                }
            }
            scratch = CudaCheck.mallocDevice((long) Plans.BIAS_PARTIALS_CAPACITY * Sizeof.FLOAT, "bias-gradient scratch");
            ticket = CudaCheck.mallocDevice(Sizeof.INT, "MSE ticket counter");
            // finished before load returns: the counter must read 0 when the first gpusr_mse starts, and that may
            // be on a non-blocking stream, which does not wait for the default stream's memset
            CudaCheck.runtime(JCuda.cudaMemset(ticket, 0, Sizeof.INT), "cudaMemset(MSE ticket counter)");
            CudaCheck.runtime(JCuda.cudaStreamSynchronize(new cudaStream_t()), "cudaStreamSynchronize(default stream)");
            return new CudaKernels(module, functions, narrow, scratch, ticket);
        } catch (RuntimeException e) {
            if (ticket != null) JCuda.cudaFree(ticket);
            if (scratch != null) JCuda.cudaFree(scratch);
            JCudaDriver.cuModuleUnload(module);
            throw e;
        }
    }

    /** The int device global {@code symbol} of {@code module} (kernels/shared_constants.cu). */
    private static int moduleInt(CUmodule module, String symbol) {
        CUdeviceptr address = new CUdeviceptr();
        long[] bytes = {0};
        CudaCheck.driver(JCudaDriver.cuModuleGetGlobal(address, bytes, module, symbol),
                "cuModuleGetGlobal(" + symbol + ")", HINT_STALE);
        if (bytes[0] != Sizeof.INT) {
            throw new CudaException("kernel global " + symbol + " has " + bytes[0] + " bytes, expected an int ("
                    + HINT_STALE + ")");
        }
        int[] value = {0};
        CudaCheck.driver(JCudaDriver.cuMemcpyDtoH(Pointer.to(value), address, Sizeof.INT),
                "cuMemcpyDtoH(" + symbol + ")");
        return value[0];
    }

    private static byte[] readFatbin() {
        try (InputStream in = CudaKernels.class.getResourceAsStream(FATBIN_RESOURCE)) {
            if (in == null) throw CudaException.of("CudaKernels.load", "resource " + FATBIN_RESOURCE + " missing",
                    HINT_NOT_BUILT);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CudaException("CudaKernels.load failed: cannot read " + FATBIN_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Every gpusr_conv_narrow_* kernel {@link #load} looks up. */
    static List<String> narrowConvSymbols() {
        List<String> symbols = new ArrayList<>();
        for (int cout = 1; cout <= NARROW_CONV_MAX_OUT_CHANNELS; cout++) {
            for (int f = 1; f <= NARROW_CONV_MAX_FILTER; f += 2) symbols.add(narrowConvSymbol(cout, f));
        }
        return symbols;
    }

    private static String narrowConvSymbol(int cout, int f) {
        return "gpusr_conv_narrow_c" + cout + "_f" + f;
    }

    /**
     * True when {@link #narrowConvForward} handles a convolution with these channels and filter size: 1 to
     * {@value #NARROW_CONV_MAX_OUT_CHANNELS} outputs, 1 to {@value #NARROW_CONV_MAX_IN_CHANNELS} inputs, an odd
     * filter of at most {@value #NARROW_CONV_MAX_FILTER}.
     */
    public static boolean supportsNarrowConv(int cin, int cout, int f) {
        return cin >= 1 && cin <= NARROW_CONV_MAX_IN_CHANNELS && cout >= 1 && cout <= NARROW_CONV_MAX_OUT_CHANNELS
                && f >= 1 && f <= NARROW_CONV_MAX_FILTER && f % 2 == 1;
    }

    /**
     * y = conv(x, weight) + bias for few output channels: y[n,o,i,j] = bias[o] + sum over ci, ky, kx of
     * weight[o,ci,ky,kx] x[n,ci,i+ky-f/2,j+kx-f/2], zero outside the image (cross-correlation, 'same' padding, as
     * cuDNN's CUDNN_CROSS_CORRELATION with pad f/2 and PyTorch's Conv2d). x is n x cin x h x w, weight cout x cin x f
     * x f, bias cout, y n x cout x h x w and must not overlap x. Each output is summed in a fixed order (channels,
     * filter rows, filter columns, then the bias), so repeated calls give bit-identical results. Shapes outside
     * {@link #supportsNarrowConv} are refused.
     */
    public void narrowConvForward(CUstream s, Pointer x, Pointer weight, Pointer bias, Pointer y, int n, int cin,
            int cout, int h, int w, int f) {
        requireDevice(x, "x");
        requireDevice(weight, "weight");
        requireDevice(bias, "bias");
        requireDevice(y, "y");
        if (!supportsNarrowConv(cin, cout, f)) {
            throw new IllegalArgumentException("the narrow convolution takes 1.." + NARROW_CONV_MAX_IN_CHANNELS
                    + " input channels, 1.." + NARROW_CONV_MAX_OUT_CHANNELS + " output channels and an odd filter of "
                    + "1.." + NARROW_CONV_MAX_FILTER + ", got " + cin + " -> " + cout + " channels, filter " + f
                    + "; use cuDNN for this layer");
        }
        checkImages(n, h, w);
        long rowTiles = Plans.ceilDiv(h, Plans.NARROW_CONV_TILE_HEIGHT);
        if (rowTiles > Plans.MAX_GRID_YZ) {
            throw new IllegalArgumentException("images of " + h + " rows are too tall for the narrow convolution (at "
                    + "most " + (long) Plans.MAX_GRID_YZ * Plans.NARROW_CONV_TILE_HEIGHT + ")");
        }
        ensureOpen();
        launchFunction(narrowConv[cout - 1][f / 2], narrowConvSymbol(cout, f), s,
                (int) Plans.ceilDiv(w, Plans.NARROW_CONV_TILE_WIDTH), (int) rowTiles, Math.min(n, Plans.MAX_GRID_YZ),
                Plans.NARROW_CONV_TILE_WIDTH, Plans.NARROW_CONV_BLOCK_ROWS, 0, dev(x), dev(weight), dev(bias),
                dev(y), i32(n), i32(cin), i32(h), i32(w));
    }

    /** x[n,c,:] += bias[c], then ReLU when {@code relu}; in place. */
    public void biasActivation(CUstream s, Pointer x, Pointer bias, int n, int c, int hw, boolean relu) {
        requireDevice(x, "x");
        requireDevice(bias, "bias");
        checkShape(n, c, hw);
        long planes = (long) n * c;
        launch(Kernel.BIAS_ACT_FORWARD, s, Plans.biasForwardBlocks(hw),
                (int) Math.min(planes, Plans.MAX_GRID_YZ), 1, Plans.BLOCK, 1, 0,
                dev(x), dev(bias), i32(c), i64(hw), i64(planes), i32(relu ? 1 : 0));
    }

    /**
     * Backward of {@link #biasActivation}: when {@code relu}, dy[i] = 0 where y[i] <= 0 (in place); then
     * dbias[c] = sum over n and hw of dy (overwritten, not accumulated).
     *
     * <p>Without {@code relu}, {@code y} is not read and may be null. Uses this instance's internal scratch.
     */
    public void biasActivationBackward(CUstream s, Pointer dy, Pointer y, Pointer dbias, int n, int c, int hw,
            boolean relu) {
        requireDevice(dy, "dy");
        if (relu) requireDevice(y, "y");
        requireDevice(dbias, "dbias");
        checkShape(n, c, hw);
        Plans.BiasGrad plan = Plans.biasGrad(n, c, hw);
        boolean direct = plan.partialsPerChannel() == 1;
        launch(Kernel.BIAS_ACT_BACKWARD_PARTIAL, s, plan.chunks(), c, plan.groups(), Plans.BLOCK, 1, 0,
                dev(dy), dev(relu ? y : dy), dev(direct ? dbias : biasPartials), i32(c), i64(hw), i32(n),
                i32(plan.imagesPerGroup()), i64(plan.positionsPerChunk()), i32(relu ? 1 : 0));
        if (!direct) {
            launch(Kernel.BIAS_GRAD_FINISH, s, c, 1, 1, Plans.BLOCK, 1, 0,
                    dev(biasPartials), dev(dbias), i32(plan.partialsPerChannel()));
        }
    }

    /** Floats of scratch that {@link #mseLossAndGrad} and {@link #sumSquaredError} need for {@code count} elements. */
    public static int reductionScratchFloats(int count) {
        if (count < 1) throw new IllegalArgumentException("a reduction needs at least one element, got " + count);
        // the partials are doubles (MSE) or 64-bit integers (SSE): two floats each
        return 2 * Plans.reductionBlocks(count);
    }

    /**
     * loss[0] (one float) = mean((out - target)^2); dOut = 2 (out - target) / count. One launch: one pass, whose
     * last block to finish sums the blocks' partials in a fixed order, so repeated calls give bit-identical losses.
     *
     * <p>dOut is computed as (out - target) * (float) (2.0 / count); {@code scratch} holds at least
     * {@link #reductionScratchFloats}(count) floats and is 8-byte aligned (any cudaMalloc pointer is); its contents
     * before the call do not matter. Uses this instance's internal counter: calls must not overlap on two streams.
     */
    public void mseLossAndGrad(CUstream s, Pointer out, Pointer target, Pointer dOut, Pointer loss, Pointer scratch,
            int count) {
        requireDevice(out, "out");
        requireDevice(target, "target");
        requireDevice(dOut, "dOut");
        requireDevice(loss, "loss");
        requireDevice(scratch, "scratch");
        int blocks = Plans.reductionBlocks(count);
        launch(Kernel.MSE, s, blocks, 1, 1, Plans.BLOCK, 1, 0, dev(out), dev(target), dev(dOut), dev(scratch),
                dev(mseTicket), dev(loss), i64(count), i64(Plans.reductionPerBlock(count)), f32((float) (2.0 / count)));
    }

    /**
     * sse[0] (one double) = sum over the planes' inner region (shave pixels dropped at each border) of
     * (q(a) - q(b))^2 with q(v) = round(clamp(v, 0, 1) * 255): the PSNR-ready sum for validation.
     *
     * <p>{@code scratch} holds at least {@link #reductionScratchFloats}(planes * h * w) floats; the sum is exact.
     */
    public void sumSquaredError(CUstream s, Pointer a, Pointer b, Pointer sse, Pointer scratch, int planes, int h,
            int w, int shave) {
        requireDevice(a, "a");
        requireDevice(b, "b");
        requireDevice(sse, "sse");
        requireDevice(scratch, "scratch");
        if (planes < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("planes and sizes must be positive, got " + planes + " x " + h + "x" + w);
        }
        if (shave < 0 || 2L * shave >= h || 2L * shave >= w) {
            throw new IllegalArgumentException("shave " + shave + " leaves nothing of a " + w + "x" + h + " plane");
        }
        long count = (long) planes * h * w;
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("too many pixels for one call: " + count);
        int innerH = h - 2 * shave;
        long innerRows = (long) planes * innerH;
        long rowsPerBlock = Plans.ceilDiv(innerRows, Plans.reductionBlocks((int) count));
        int blocks = (int) Plans.ceilDiv(innerRows, rowsPerBlock);
        launch(Kernel.SSE8_PARTIAL, s, blocks, 1, 1, Plans.BLOCK, 1, 0, dev(a), dev(b), dev(scratch), i64(innerRows),
                i32(innerH), i32(h), i32(w), i32(shave), i64(rowsPerBlock));
        launch(Kernel.SSE8_FINISH, s, 1, 1, 1, Plans.BLOCK, 1, 0, dev(scratch), i32(blocks), dev(sse));
    }

    /**
     * SGD with momentum (PyTorch form) over the flat parameters: m = momentum m + g; p -= lr[l] m, where element i
     * is in layer l when layerEnds[l-1] <= i < layerEnds[l] (layerEnds has one end per layer, the last = count).
     */
    public void sgdMomentum(CUstream s, Pointer params, Pointer grads, Pointer m, int count, int[] layerEnds,
            float[] lr, float momentum) {
        requireDevice(params, "params");
        requireDevice(grads, "grads");
        requireDevice(m, "m");
        launch(Kernel.SGD_MOMENTUM, s, Plans.elementwiseBlocks(count), 1, 1, Plans.BLOCK, 1, 0, dev(params),
                dev(grads), dev(m), i32(count), Pointer.to(Plans.layerRates(count, layerEnds, lr)), f32(momentum));
    }

    /** Adam (PyTorch form, bias-corrected); {@code step} is the 1-based number of this update. */
    public void adam(CUstream s, Pointer params, Pointer grads, Pointer m, Pointer v, int count, int[] layerEnds,
            float[] lr, float beta1, float beta2, float eps, long step) {
        requireDevice(params, "params");
        requireDevice(grads, "grads");
        requireDevice(m, "m");
        requireDevice(v, "v");
        if (step < 1) throw new IllegalArgumentException("Adam's step is 1-based, got " + step);
        // PyTorch: step_size = lr / (1 - beta1^t), denominator sqrt(v) / sqrt(1 - beta2^t) + eps
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float[] stepSize = new float[lr.length];
        for (int l = 0; l < lr.length; l++) stepSize[l] = (float) (lr[l] / correction1);
        launch(Kernel.ADAM, s, Plans.elementwiseBlocks(count), 1, 1, Plans.BLOCK, 1, 0, dev(params), dev(grads),
                dev(m), dev(v), i32(count), Pointer.to(Plans.layerRates(count, layerEnds, stepSize)), f32(beta1),
                f32(beta2), f32(eps), f32((float) correction2Sqrt));
    }

    /**
     * MATLAB bicubic enlargement by k of {@code planes} planes of inH x inW: dst is (k inH) x (k inW) per plane,
     * equal to BicubicResampler.upscale within 1e-5.
     */
    public void bicubicUpscale(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int k) {
        resize(s, src, dst, planes, inH, inW, k, true);
    }

    /** Antialiased MATLAB bicubic shrink by k: dst is ceil(inH/k) x ceil(inW/k) per plane. */
    public void bicubicDownscale(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int k) {
        resize(s, src, dst, planes, inH, inW, k, false);
    }

    private void resize(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int k, boolean enlarge) {
        requireDevice(src, "src");
        requireDevice(dst, "dst");
        if (planes < 1 || inH < 1 || inW < 1) {
            throw new IllegalArgumentException("planes and sizes must be positive, got " + planes + " x " + inH + "x"
                    + inW);
        }
        if (k < 1) throw new IllegalArgumentException("resize factor must be >= 1, got " + k);
        Plans.ResizeTile tile = enlarge ? Plans.ENLARGE_TILE : Plans.SHRINK_TILE;
        DeviceTable rows = table(inH, k, enlarge, 0);
        DeviceTable cols = table(inW, k, enlarge, tile.width());
        launchResize(s, tile, src, dst, planes, inH, inW, rows.outLength, cols.outLength, rows.index, rows.weight,
                rows.taps, cols.index, cols.weight, cols.taps, cols.tileStart, cols.spanX);
    }

    /**
     * The enlarging kernel of {@link #bicubicUpscale} with tables the caller put on the device: {@code planes}
     * planes of inH x inW (a window of the image) to outH x outW (a region of the enlarged image). Row r of the output
     * takes the inputs {@code rowIndex[r * rowTaps + t]} (0-based rows of the window) with the weights
     * {@code rowWeight}, column x likewise; {@code colBlockStart[b]} is the first window column that output columns
     * [b * ENLARGE_TILE.width, (b + 1) * ENLARGE_TILE.width) read and {@code spanX} the widest such range (as
     * DeviceTilePlan makes them). With the full image's tables rebased onto a window, each output value is computed
     * exactly as by bicubicUpscale on the whole image.
     */
    public void bicubicEnlargeRegion(CUstream s, Pointer src, Pointer dst, int planes, int inH, int inW, int outH,
            int outW, Pointer rowIndex, Pointer rowWeight, int rowTaps, Pointer colIndex, Pointer colWeight,
            int colTaps, Pointer colBlockStart, int spanX) {
        requireDevice(src, "src");
        requireDevice(dst, "dst");
        if (planes < 1 || inH < 1 || inW < 1 || outH < 1 || outW < 1 || rowTaps < 1 || colTaps < 1 || spanX < 1
                || spanX > inW) {
            throw new IllegalArgumentException("planes " + planes + ", window " + inH + "x" + inW + ", region " + outH
                    + "x" + outW + ", taps " + rowTaps + "/" + colTaps + ", span " + spanX);
        }
        launchResize(s, Plans.ENLARGE_TILE, src, dst, planes, inH, inW, outH, outW, rowIndex, rowWeight, rowTaps,
                colIndex, colWeight, colTaps, colBlockStart, spanX);
    }

    private void launchResize(CUstream s, Plans.ResizeTile tile, Pointer src, Pointer dst, int planes, int inH,
            int inW, int outH, int outW, Pointer rowIndex, Pointer rowWeight, int rowTaps, Pointer colIndex,
            Pointer colWeight, int colTaps, Pointer colTileStart, int spanX) {
        int tileH = Plans.fitTileHeight(tile.height(), spanX);
        int blockRows = Math.min(tile.blockRows(), tileH);
        Kernel kernel = colTaps <= 4 ? Kernel.BICUBIC_TAPS4 : colTaps <= 8 ? Kernel.BICUBIC_TAPS8 : Kernel.BICUBIC_ANY;
        long gridY = Plans.ceilDiv(outH, tileH);
        if (gridY > Plans.MAX_GRID_YZ) { // a launch past the device's grid-y limit would fail, or worse, do nothing
            throw new IllegalArgumentException("a resize to " + outH + " rows needs " + gridY
                    + " row tiles of " + tileH + ", more than one launch may have (" + Plans.MAX_GRID_YZ
                    + "): resize fewer rows at a time");
        }
        launch(kernel, s,
                (int) Plans.ceilDiv(outW, tile.width()), (int) gridY,
                Math.min(planes, Plans.MAX_GRID_YZ), tile.width(), blockRows, tileH * spanX * Sizeof.FLOAT,
                dev(src), dev(dst), i32(planes), i32(inH), i32(inW), i32(outH), i32(outW),
                dev(rowIndex), dev(rowWeight), i32(rowTaps), dev(colIndex), dev(colWeight), i32(colTaps),
                dev(colTileStart), i32(spanX), i32(tileH));
    }

    /**
     * Interleaved 8-bit (bytesPerSample 1) or 16-bit little-endian (2) pixels with {@code channels} 1 or 3 (RGB) ->
     * float planes in [0, 1]; with {@code toYcbcr} and 3 channels the planes are MATLAB Y, Cb, Cr.
     */
    public void unpackPixels(CUstream s, Pointer packed, Pointer planes, int n, int h, int w, int channels,
            int bytesPerSample, boolean toYcbcr) {
        requireDevice(packed, "packed");
        requireDevice(planes, "planes");
        Kernel k = pixelKernel(true, channels, bytesPerSample);
        long hw = checkImages(n, h, w);
        launch(k, s, Plans.unpackBlocks(hw), Math.min(n, Plans.MAX_GRID_YZ), 1,
                Plans.BLOCK, 1, 0, dev(packed), dev(planes), i64(hw), i32(n), i32(toYcbcr ? 1 : 0));
    }

    /** The inverse of {@link #unpackPixels}: clamp, YCbCr -> RGB when asked, round to the sample size, interleave. */
    public void packPixels(CUstream s, Pointer planes, Pointer packed, int n, int h, int w, int channels,
            int bytesPerSample, boolean fromYcbcr) {
        requireDevice(planes, "planes");
        requireDevice(packed, "packed");
        Kernel k = pixelKernel(false, channels, bytesPerSample);
        long hw = checkImages(n, h, w);
        launch(k, s, Plans.elementwiseBlocks(hw % 4 == 0 ? hw / 4 : hw), Math.min(n, Plans.MAX_GRID_YZ), 1,
                Plans.BLOCK, 1, 0, dev(planes), dev(packed), i64(hw), i32(n), i32(fromYcbcr ? 1 : 0));
    }

    private static Kernel pixelKernel(boolean unpack, int channels, int bytesPerSample) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("pixels have 1 (gray) or 3 (RGB) channels here, got " + channels);
        }
        if (bytesPerSample != 1 && bytesPerSample != 2) {
            throw new IllegalArgumentException("samples are 1 or 2 bytes, got " + bytesPerSample);
        }
        if (channels == 1) {
            if (bytesPerSample == 1) return unpack ? Kernel.UNPACK_C1_B1 : Kernel.PACK_C1_B1;
            return unpack ? Kernel.UNPACK_C1_B2 : Kernel.PACK_C1_B2;
        }
        if (bytesPerSample == 1) return unpack ? Kernel.UNPACK_C3_B1 : Kernel.PACK_C3_B1;
        return unpack ? Kernel.UNPACK_C3_B2 : Kernel.PACK_C3_B2;
    }

    /** Frees the cached tables and the scratch and unloads the module; later calls throw IllegalStateException. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> failures = new ArrayList<>();
        for (DeviceTable t : tables.values()) {
            int status = JCuda.cudaFree(t.memory);
            if (status != cudaError.cudaSuccess) failures.add("cudaFree(resize table): " + CudaCheck.runtimeStatus(status));
        }
        tables.clear();
        int status = JCuda.cudaFree(biasPartials);
        if (status != cudaError.cudaSuccess) failures.add("cudaFree(bias-gradient scratch): " + CudaCheck.runtimeStatus(status));
        status = JCuda.cudaFree(mseTicket);
        if (status != cudaError.cudaSuccess) failures.add("cudaFree(MSE ticket counter): " + CudaCheck.runtimeStatus(status));
        status = JCudaDriver.cuModuleUnload(module);
        if (status != CUresult.CUDA_SUCCESS) failures.add("cuModuleUnload: " + CudaCheck.driverStatus(status));
        if (!failures.isEmpty()) {
            throw new CudaException("CudaKernels.close failed: " + String.join("; ", failures)
                    + " (an earlier kernel may have failed; the context is probably unusable)");
        }
    }

    // ---- resize tables ------------------------------------------------------------------------------------------

    private record TableKey(int inLength, int k, boolean enlarge, int tileWidth) {}

    /** One dimension's table on the device: one allocation with weights, indices and (columns) tile starts. */
    private record DeviceTable(Pointer memory, Pointer weight, Pointer index, Pointer tileStart, int outLength,
            int taps, int spanX) {}

    private DeviceTable table(int inLength, int k, boolean enlarge, int tileWidth) {
        ensureOpen();
        TableKey key = new TableKey(inLength, k, enlarge, tileWidth);
        DeviceTable cached = tables.get(key);
        if (cached != null) return cached;

        BicubicResampler.Contributions c = BicubicResampler.contributions(inLength, enlarge ? k : 1.0 / k);
        long expected = enlarge ? (long) inLength * k : Plans.ceilDiv(inLength, k);
        if (c.outLength() != expected) {
            throw new IllegalStateException("BicubicResampler.contributions(" + inLength + ", " + (enlarge ? "" : "1/")
                    + k + ") gave " + c.outLength() + " outputs, expected " + expected);
        }
        Plans.ColumnTiles tiles = tileWidth > 0 ? Plans.columnTiles(c, tileWidth) : new Plans.ColumnTiles(new int[0], 0);
        long cells = c.weight().length;
        long bytes = (2 * cells + tiles.start().length) * Sizeof.INT;
        Pointer memory = CudaCheck.mallocDevice(Math.max(bytes, Sizeof.INT), "resize table");
        try {
            Pointer weight = memory;
            Pointer index = memory.withByteOffset(cells * Sizeof.FLOAT);
            Pointer tileStart = memory.withByteOffset(2 * cells * Sizeof.INT);
            copyToDevice(weight, Pointer.to(c.weight()), cells * Sizeof.FLOAT);
            copyToDevice(index, Pointer.to(c.index()), cells * Sizeof.INT);
            if (tiles.start().length > 0) {
                copyToDevice(tileStart, Pointer.to(tiles.start()), (long) tiles.start().length * Sizeof.INT);
            }
            // cudaMemcpy from pageable memory may return before its DMA lands, ordered only on the legacy stream;
            // the kernel runs on the caller's stream (the engine's is non-blocking), so wait for the copies here
            CudaCheck.runtime(JCuda.cudaDeviceSynchronize(), "cudaDeviceSynchronize(after uploading a resize table)");
            DeviceTable t = new DeviceTable(memory, weight, index, tileStart, c.outLength(), c.taps(), tiles.span());
            tables.put(key, t);
            return t;
        } catch (RuntimeException e) {
            JCuda.cudaFree(memory);
            throw e;
        }
    }

    private static void copyToDevice(Pointer device, Pointer host, long bytes) {
        CudaCheck.runtime(JCuda.cudaMemcpy(device, host, bytes, cudaMemcpyKind.cudaMemcpyHostToDevice),
                "cudaMemcpy(resize table)");
    }

    // ---- launching ----------------------------------------------------------------------------------------------

    private void launch(Kernel kernel, CUstream stream, int gridX, int gridY, int gridZ, int blockX, int blockY,
            int sharedBytes, Pointer... args) {
        ensureOpen();
        launchFunction(functions.get(kernel), kernel.symbol, stream, gridX, gridY, gridZ, blockX, blockY, sharedBytes,
                args);
    }

    private static void launchFunction(CUfunction function, String symbol, CUstream stream, int gridX, int gridY,
            int gridZ, int blockX, int blockY, int sharedBytes, Pointer... args) {
        int status = JCudaDriver.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, 1, sharedBytes, stream,
                Pointer.to(args), null);
        // the call's name is built only when it is needed: a failure, or GPUSR_SYNC_DEBUG (off: no cost per launch)
        if (status != CUresult.CUDA_SUCCESS) {
            throw CudaCheck.driverFailure(status, launchName(symbol, gridX, gridY, gridZ, blockX, blockY));
        }
        if (CudaCheck.SYNC_DEBUG) CudaCheck.afterLaunch(stream, launchName(symbol, gridX, gridY, gridZ, blockX, blockY));
    }

    private static String launchName(String symbol, int gridX, int gridY, int gridZ, int blockX, int blockY) {
        return "cuLaunchKernel(" + symbol + ", grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX + "x"
                + blockY + ")";
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("CudaKernels used after close()");
    }

    private static void requireDevice(Pointer p, String name) {
        Objects.requireNonNull(p, () -> name + " must be a device pointer, got null");
    }

    private static void checkShape(int n, int c, int hw) {
        if (n < 1 || c < 1 || hw < 1) {
            throw new IllegalArgumentException("n, c and hw must be positive, got " + n + ", " + c + ", " + hw);
        }
        if (c > Plans.MAX_GRID_YZ) throw new IllegalArgumentException("at most " + Plans.MAX_GRID_YZ + " channels, got " + c);
    }

    private static long checkImages(int n, int h, int w) {
        if (n < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("image count and size must be positive, got " + n + " x " + w + "x" + h);
        }
        return (long) h * w;
    }

    private static Pointer dev(Pointer p) {
        return Pointer.to(p);
    }

    private static Pointer i32(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer i64(long v) {
        return Pointer.to(new long[] {v});
    }

    private static Pointer f32(float v) {
        return Pointer.to(new float[] {v});
    }
}
