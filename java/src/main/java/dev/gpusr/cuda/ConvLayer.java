package dev.gpusr.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * One SRCNN convolution layer on cuDNN for one batch shape, at {@link ConvMath} fp32, TF32 or fp16: zero 'same'
 * padding, cross-correlation (PyTorch weights as they are), descriptors for input, output, filter and bias, one
 * convolution descriptor per direction (each carrying the math type of the algorithm chosen for it), ReLU and
 * identity activations that propagate NaN, and the chosen algorithms ({@link ConvAlgorithms}). The layer operation
 * of both the CUDA engine (each {@link ShapePlan} holds one per layer; {@link LayerOps} runs them on the engine's
 * buffers and workspace) and the benchmarks' per-layer and fp16 rows (the public methods, on {@link DeviceArray}s,
 * with the context's shared workspace).
 */
public final class ConvLayer implements AutoCloseable {
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});
    /** The most workspace the search may give one algorithm here: 2 GiB, and at most an eighth of the free memory. */
    private static final long MAX_WORKSPACE = 2L << 30;

    private final CudaContext ctx;
    private final ConvMath math;
    private final int n, cin, cout, f, h, w;
    /** Names the layer in failures: "conv1 on 8x1080x1920" in the engine, the shape and math in the benchmarks. */
    private final String label;
    /** How to destroy each descriptor (its cuDNN call and status), last created first on close. */
    private record Release(String call, IntSupplier run) {}

    private final List<Release> destroy = new ArrayList<>();
    private final cudnnTensorDescriptor xDesc;
    private final cudnnTensorDescriptor yDesc;
    private final cudnnTensorDescriptor biasDesc;
    private final cudnnFilterDescriptor wDesc;
    private final cudnnConvolutionDescriptor fwdConv;
    private final cudnnConvolutionDescriptor bwdDataConv;
    private final cudnnConvolutionDescriptor bwdFilterConv;
    private final cudnnActivationDescriptor relu;
    private final cudnnActivationDescriptor identity;
    private ConvAlgorithms.Choice forward, backwardData, backwardFilter;
    /** The fused call has succeeded once, so a later failure is a real error, not "unsupported". */
    private boolean fusedConfirmed;
    /** The public {@link #forwardBiasActivation}: false once cuDNN refused the fused call for this configuration. */
    private boolean fused = true;

    /** A layer for the benchmarks: failures name its math and shape. */
    public ConvLayer(CudaContext ctx, ConvMath math, int n, int cin, int cout, int f, int h, int w) {
        this(ctx, math, n, cin, cout, f, h, w, null);
    }

    ConvLayer(CudaContext ctx, ConvMath math, int n, int cin, int cout, int f, int h, int w, String label) {
        this.ctx = ctx;
        this.math = math;
        this.n = n;
        this.cin = cin;
        this.cout = cout;
        this.f = f;
        this.h = h;
        this.w = w;
        this.label = label != null ? label : math.name().toLowerCase() + " " + n + "x" + cin + "x" + h + "x" + w
                + " -> " + cout + " ch, " + f + "x" + f;
        ctx.cudnn(); // a CudaUnavailableException here, with the reason, when cuDNN is not loadable
        try {
            xDesc = tensor(math.format, n, cin, h, w);
            yDesc = tensor(math.format, n, cout, h, w);
            biasDesc = tensor(cudnnTensorFormat.CUDNN_TENSOR_NCHW, 1, cout, 1, 1);
            wDesc = new cudnnFilterDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateFilterDescriptor(wDesc), "cudnnCreateFilterDescriptor");
            destroy.add(new Release("cudnnDestroyFilterDescriptor", () -> JCudnn.cudnnDestroyFilterDescriptor(wDesc)));
            CudaCheck.cudnn(JCudnn.cudnnSetFilter4dDescriptor(wDesc, math.dataType, math.format, cout, cin, f, f),
                    "cudnnSetFilter4dDescriptor (" + this.label + ")");
            fwdConv = convolution();
            bwdDataConv = convolution();
            bwdFilterConv = convolution();
            relu = activation(cudnnActivationMode.CUDNN_ACTIVATION_RELU);
            identity = activation(cudnnActivationMode.CUDNN_ACTIVATION_IDENTITY);
            checkOutputShape();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private cudnnTensorDescriptor tensor(int format, int tn, int tc, int th, int tw) {
        cudnnTensorDescriptor d = new cudnnTensorDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
        destroy.add(new Release("cudnnDestroyTensorDescriptor", () -> JCudnn.cudnnDestroyTensorDescriptor(d)));
        CudaCheck.cudnn(JCudnn.cudnnSetTensor4dDescriptor(d, format, math.dataType, tn, tc, th, tw),
                "cudnnSetTensor4dDescriptor (" + tn + "x" + tc + "x" + th + "x" + tw + ")");
        return d;
    }

    private cudnnConvolutionDescriptor convolution() {
        cudnnConvolutionDescriptor c = new cudnnConvolutionDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateConvolutionDescriptor(c), "cudnnCreateConvolutionDescriptor");
        destroy.add(new Release("cudnnDestroyConvolutionDescriptor", () -> JCudnn.cudnnDestroyConvolutionDescriptor(c)));
        // cross-correlation, as PyTorch's Conv2d, so its weights load unflipped; fp32 accumulation in every mode
        CudaCheck.cudnn(JCudnn.cudnnSetConvolution2dDescriptor(c, f / 2, f / 2, 1, 1, 1, 1,
                cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor (pad " + f / 2 + ")");
        CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(c, math.initialMathType),
                "cudnnSetConvolutionMathType (" + cudnnMathType.stringFor(math.initialMathType) + ")");
        return c;
    }

    private cudnnActivationDescriptor activation(int mode) {
        cudnnActivationDescriptor d = new cudnnActivationDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateActivationDescriptor(d), "cudnnCreateActivationDescriptor");
        destroy.add(new Release("cudnnDestroyActivationDescriptor", () -> JCudnn.cudnnDestroyActivationDescriptor(d)));
        // NaN propagates as through Java's Math.max in the CPU engine
        CudaCheck.cudnn(JCudnn.cudnnSetActivationDescriptor(d, mode, cudnnNanPropagation.CUDNN_PROPAGATE_NAN, 0),
                "cudnnSetActivationDescriptor (" + cudnnActivationMode.stringFor(mode) + ")");
        return d;
    }

    /** 'Same' padding must keep h x w; a mismatch here means the descriptors disagree with the layer's shape. */
    private void checkOutputShape() {
        int[] on = {0};
        int[] oc = {0};
        int[] oh = {0};
        int[] ow = {0};
        CudaCheck.cudnn(JCudnn.cudnnGetConvolution2dForwardOutputDim(fwdConv, xDesc, wDesc, on, oc, oh, ow),
                "cudnnGetConvolution2dForwardOutputDim (" + label + ")");
        if (on[0] != n || oc[0] != cout || oh[0] != h || ow[0] != w) {
            throw new IllegalStateException("cuDNN computes a " + on[0] + "x" + oc[0] + "x" + oh[0] + "x" + ow[0]
                    + " output for " + label + ", expected " + n + "x" + cout + "x" + h + "x" + w);
        }
    }

    public ConvMath math() {
        return math;
    }

    public long inputValues() { return (long) n * cin * h * w; }
    public long outputValues() { return (long) n * cout * h * w; }
    public long filterValues() { return (long) cout * cin * f * f; }

    ConvAlgorithms.Choice forwardChoice() { return forward; }
    ConvAlgorithms.Choice backwardDataChoice() { return backwardData; }
    ConvAlgorithms.Choice backwardFilterChoice() { return backwardFilter; }

    // ---- algorithm choice (the search may overwrite the buffers it is given) ------------------------------------

    void chooseForward(ConvAlgorithms.Constraints c, Pointer x, Pointer weight, Pointer y) {
        forward = ConvAlgorithms.forward(ctx.cudnn(), c, label, xDesc, x, wDesc, weight, fwdConv, yDesc, y);
    }

    void chooseBackwardData(ConvAlgorithms.Constraints c, Pointer weight, Pointer dy, Pointer dx) {
        backwardData = ConvAlgorithms.backwardData(ctx.cudnn(), c, label, wDesc, weight, yDesc, dy, bwdDataConv,
                xDesc, dx);
    }

    void chooseBackwardFilter(ConvAlgorithms.Constraints c, Pointer x, Pointer dy, Pointer dw) {
        backwardFilter = ConvAlgorithms.backwardFilter(ctx.cudnn(), c, label, xDesc, x, yDesc, dy, bwdFilterConv,
                wDesc, dw);
    }

    /** The benchmarks' constraints: this math, cuDNN's Find, at most {@link #MAX_WORKSPACE} or free / 8. */
    private ConvAlgorithms.Constraints constraints() {
        long[] ft = ctx.memoryFreeTotal();
        return new ConvAlgorithms.Constraints(math.layerOptions(), math, Math.min(MAX_WORKSPACE, ft[0] / 8), false);
    }

    /** Times cuDNN's forward candidates on these buffers (which it may overwrite) and keeps the fastest admissible. */
    public void findForward(DeviceArray x, DeviceArray weight, DeviceArray y) {
        chooseForward(constraints(), x.ptr(), weight.ptr(), y.ptr());
        ctx.workspace(forward.workspaceBytes());
    }

    public void findBackwardData(DeviceArray weight, DeviceArray dy, DeviceArray dx) {
        chooseBackwardData(constraints(), weight.ptr(), dy.ptr(), dx.ptr());
        ctx.workspace(backwardData.workspaceBytes());
    }

    public void findBackwardFilter(DeviceArray x, DeviceArray dy, DeviceArray dw) {
        chooseBackwardFilter(constraints(), x.ptr(), dy.ptr(), dw.ptr());
        ctx.workspace(backwardFilter.workspaceBytes());
    }

    // ---- running, on device addresses and a workspace of at least the chosen algorithm's size -------------------

    /** y = conv(x, w). */
    void forward(Pointer x, Pointer weight, Pointer y, Pointer ws, long wsBytes) {
        ConvAlgorithms.Choice a = require(forward, "forward");
        run("cudnnConvolutionForward", a, () -> JCudnn.cudnnConvolutionForward(ctx.cudnn(), ONE, xDesc, x, wDesc,
                weight, fwdConv, a.algo(), ws, wsBytes, ZERO, yDesc, y));
    }

    /** Runs one cuDNN call of this layer with algorithm {@code a}; failures (and, when debugging, waits) name both. */
    private void run(String function, ConvAlgorithms.Choice a, IntSupplier call) {
        String name = function + " (" + label + ", " + a.algoName() + ")";
        CudaCheck.cudnn(call.getAsInt(), name);
        ctx.debugSync(name);
    }

    /**
     * y = act(conv(x, w) + bias) as cuDNN's one fused call. Returns 0 when it ran; cuDNN's status, having run
     * nothing, when cuDNN refuses the configuration on first use (the caller then does the same job in steps). A
     * refusal after a success throws.
     */
    int forwardFused(Pointer x, Pointer weight, Pointer bias, Pointer y, boolean withRelu, Pointer ws,
            long wsBytes) {
        ConvAlgorithms.Choice a = require(forward, "forward");
        String call = "cudnnConvolutionBiasActivationForward (" + label + ", " + a.algoName() + ")";
        // y = act(conv(x) + 0 * z + bias); z must be a valid tensor even when its weight is zero, so it is y
        int status = JCudnn.cudnnConvolutionBiasActivationForward(ctx.cudnn(), ONE, xDesc, x, wDesc, weight, fwdConv,
                a.algo(), ws, wsBytes, ZERO, yDesc, y, biasDesc, bias, withRelu ? relu : identity, yDesc, y);
        if (status == 0) {
            fusedConfirmed = true;
            ctx.debugSync(call);
            return 0;
        }
        if (fusedConfirmed) throw CudaCheck.cudnnFailure(status, call);
        return status;
    }

    /** dx = gradient with respect to the input for output gradient dy. */
    void backwardData(Pointer weight, Pointer dy, Pointer dx, Pointer ws, long wsBytes) {
        ConvAlgorithms.Choice a = require(backwardData, "backward-data");
        run("cudnnConvolutionBackwardData", a, () -> JCudnn.cudnnConvolutionBackwardData(ctx.cudnn(), ONE, wDesc,
                weight, yDesc, dy, bwdDataConv, a.algo(), ws, wsBytes, ZERO, xDesc, dx));
    }

    /** dw = gradient with respect to the filter (overwritten). */
    void backwardFilter(Pointer x, Pointer dy, Pointer dw, Pointer ws, long wsBytes) {
        ConvAlgorithms.Choice a = require(backwardFilter, "backward-filter");
        run("cudnnConvolutionBackwardFilter", a, () -> JCudnn.cudnnConvolutionBackwardFilter(ctx.cudnn(), ONE, xDesc,
                x, yDesc, dy, bwdFilterConv, a.algo(), ws, wsBytes, ZERO, wDesc, dw));
    }

    // ---- the same on DeviceArrays with the context's workspace (the benchmarks) --------------------------------

    public void forward(DeviceArray x, DeviceArray weight, DeviceArray y) {
        DeviceBuffer ws = ctx.workspace(require(forward, "forward").workspaceBytes());
        forward(x.ptr(), weight.ptr(), y.ptr(), ws.pointer(), forward.workspaceBytes());
    }

    /**
     * y = act(conv(x, w) + bias), act ReLU or identity: cuDNN's fused call where it supports the configuration,
     * else (decided on the first call and kept) the convolution, a bias add and the activation as three calls.
     */
    public void forwardBiasActivation(DeviceArray x, DeviceArray weight, DeviceArray bias, DeviceArray y,
            boolean withRelu) {
        DeviceBuffer ws = ctx.workspace(require(forward, "forward").workspaceBytes());
        if (fused && forwardFused(x.ptr(), weight.ptr(), bias.ptr(), y.ptr(), withRelu, ws.pointer(),
                forward.workspaceBytes()) == 0) {
            return;
        }
        fused = false; // refused before anything ran: three calls do the same job
        forward(x, weight, y);
        addBias(bias, y);
        if (withRelu) {
            String call = "cudnnActivationForward (" + label + ")";
            CudaCheck.cudnn(JCudnn.cudnnActivationForward(ctx.cudnn(), relu, ONE, yDesc, y.ptr(), ZERO, yDesc, y.ptr()),
                    call);
            ctx.debugSync(call);
        }
    }

    /** y += bias (per output channel). */
    public void addBias(DeviceArray bias, DeviceArray y) {
        String call = "cudnnAddTensor (" + label + ")";
        CudaCheck.cudnn(JCudnn.cudnnAddTensor(ctx.cudnn(), ONE, biasDesc, bias.ptr(), ONE, yDesc, y.ptr()), call);
        ctx.debugSync(call);
    }

    public void backwardData(DeviceArray weight, DeviceArray dy, DeviceArray dx) {
        DeviceBuffer ws = ctx.workspace(require(backwardData, "backward-data").workspaceBytes());
        backwardData(weight.ptr(), dy.ptr(), dx.ptr(), ws.pointer(), backwardData.workspaceBytes());
    }

    public void backwardFilter(DeviceArray x, DeviceArray dy, DeviceArray dw) {
        DeviceBuffer ws = ctx.workspace(require(backwardFilter, "backward-filter").workspaceBytes());
        backwardFilter(x.ptr(), dy.ptr(), dw.ptr(), ws.pointer(), backwardFilter.workspaceBytes());
    }

    private static ConvAlgorithms.Choice require(ConvAlgorithms.Choice c, String direction) {
        if (c == null) throw new IllegalStateException("find the " + direction + " algorithm before running it");
        return c;
    }

    /** Which algorithms were chosen, for a benchmark row's note. */
    public String algorithms() {
        List<String> parts = new ArrayList<>();
        if (forward != null) parts.add("fwd " + forward + (fused ? "" : " (unfused)"));
        if (backwardData != null) parts.add("bwd data " + backwardData);
        if (backwardFilter != null) parts.add("bwd filter " + backwardFilter);
        return String.join(", ", parts);
    }

    /** [out, in, f, f] -> [out, f, f, in]: the NHWC filter layout of {@link ConvMath#FP16}. */
    public static float[] toChannelsLast(float[] weights, int out, int in, int f) {
        float[] r = new float[weights.length];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < f; y++) {
                    for (int x = 0; x < f; x++) r[((o * f + y) * f + x) * in + c] = weights[((o * in + c) * f + y) * f + x];
                }
            }
        }
        return r;
    }

    /**
     * Destroys the descriptors, last created first; throws the first failure after destroying all it can. The
     * workspace belongs to the context (or the engine).
     */
    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = destroy.size() - 1; i >= 0; i--) {
            Release r = destroy.get(i);
            int status = r.run().getAsInt();
            if (status != 0 && first == null) first = CudaCheck.cudnnFailure(status, r.call());
        }
        destroy.clear();
        if (first != null) throw first;
    }
}
