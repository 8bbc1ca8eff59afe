package dev.gpusr.bench;

import dev.gpusr.cuda.ConvAlgorithms;
import static dev.gpusr.bench.GpuContext.checkCudnn;

import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * One SRCNN convolution layer on cuDNN for one batch shape: zero 'same' padding, cross-correlation (PyTorch
 * weights as they are), descriptors for input, output, filter and bias, and one convolution descriptor per
 * direction. Algorithms come from cuDNN's Find (each candidate run and timed, as PyTorch's benchmark mode does)
 * within the context's shared workspace; the first one that succeeded, fits, and keeps the mode's promise wins.
 */
public final class CudnnConv implements AutoCloseable {
    private static final int MAX_ALGOS = 10;
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private final GpuContext ctx;
    private final Precision precision;
    private final int n, cin, cout, f, h, w;
    private final cudnnTensorDescriptor xDesc = new cudnnTensorDescriptor();
    private final cudnnTensorDescriptor yDesc = new cudnnTensorDescriptor();
    private final cudnnTensorDescriptor biasDesc = new cudnnTensorDescriptor();
    private final cudnnFilterDescriptor wDesc = new cudnnFilterDescriptor();
    private final cudnnConvolutionDescriptor fwdConv = new cudnnConvolutionDescriptor();
    private final cudnnConvolutionDescriptor bwdDataConv = new cudnnConvolutionDescriptor();
    private final cudnnConvolutionDescriptor bwdFilterConv = new cudnnConvolutionDescriptor();
    private final cudnnActivationDescriptor relu = new cudnnActivationDescriptor();
    private int fwdAlgo = -1, bwdDataAlgo = -1, bwdFilterAlgo = -1;
    private long fwdWorkspace, bwdDataWorkspace, bwdFilterWorkspace;
    private boolean fusedBiasRelu = true;

    public CudnnConv(GpuContext ctx, Precision precision, int n, int cin, int cout, int f, int h, int w) {
        this.ctx = ctx;
        this.precision = precision;
        this.n = n;
        this.cin = cin;
        this.cout = cout;
        this.f = f;
        this.h = h;
        this.w = w;
        ctx.cudnn(); // skips here, with the reason, when cuDNN is not loadable
        checkCudnn(JCudnn.cudnnCreateTensorDescriptor(xDesc), "cudnnCreateTensorDescriptor");
        checkCudnn(JCudnn.cudnnCreateTensorDescriptor(yDesc), "cudnnCreateTensorDescriptor");
        checkCudnn(JCudnn.cudnnCreateTensorDescriptor(biasDesc), "cudnnCreateTensorDescriptor");
        checkCudnn(JCudnn.cudnnCreateFilterDescriptor(wDesc), "cudnnCreateFilterDescriptor");
        checkCudnn(JCudnn.cudnnCreateConvolutionDescriptor(fwdConv), "cudnnCreateConvolutionDescriptor");
        checkCudnn(JCudnn.cudnnCreateConvolutionDescriptor(bwdDataConv), "cudnnCreateConvolutionDescriptor");
        checkCudnn(JCudnn.cudnnCreateConvolutionDescriptor(bwdFilterConv), "cudnnCreateConvolutionDescriptor");
        checkCudnn(JCudnn.cudnnCreateActivationDescriptor(relu), "cudnnCreateActivationDescriptor");
        int t = precision.dataType;
        checkCudnn(JCudnn.cudnnSetTensor4dDescriptor(xDesc, precision.format, t, n, cin, h, w), "cudnnSetTensor4dDescriptor(x)");
        checkCudnn(JCudnn.cudnnSetTensor4dDescriptor(yDesc, precision.format, t, n, cout, h, w), "cudnnSetTensor4dDescriptor(y)");
        checkCudnn(JCudnn.cudnnSetTensor4dDescriptor(biasDesc, cudnnTensorFormat.CUDNN_TENSOR_NCHW, t, 1, cout, 1, 1),
                "cudnnSetTensor4dDescriptor(bias)");
        checkCudnn(JCudnn.cudnnSetFilter4dDescriptor(wDesc, t, precision.format, cout, cin, f, f), "cudnnSetFilter4dDescriptor");
        for (cudnnConvolutionDescriptor c : new cudnnConvolutionDescriptor[] {fwdConv, bwdDataConv, bwdFilterConv}) {
            checkCudnn(JCudnn.cudnnSetConvolution2dDescriptor(c, f / 2, f / 2, 1, 1, 1, 1,
                    cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                    "cudnnSetConvolution2dDescriptor");
            checkCudnn(JCudnn.cudnnSetConvolutionMathType(c, precision.mathType), "cudnnSetConvolutionMathType");
        }
        checkCudnn(JCudnn.cudnnSetActivationDescriptor(relu, cudnnActivationMode.CUDNN_ACTIVATION_RELU,
                cudnnNanPropagation.CUDNN_NOT_PROPAGATE_NAN, 0), "cudnnSetActivationDescriptor");
    }

    public long inputValues() { return (long) n * cin * h * w; }
    public long outputValues() { return (long) n * cout * h * w; }
    public long filterValues() { return (long) cout * cin * f * f; }

    /**
     * The workspace the chosen algorithm needs as this descriptor is configured, at least what the search reported;
     * -1 when that does not fit the shared workspace. The descriptors keep the mode's math type: JCudnn's natives
     * do not copy {@code mathType} out of forward and backward-data results (it reads 0), so it cannot be trusted
     * to set, and the mode's type already permits (or, for fp32, forbids) tensor cores.
     */
    private long workspaceFor(int status, long[] queried, long reported, DeviceBuffer ws) {
        if (status != 0) return -1;
        long need = Math.max(reported, queried[0]);
        return need <= ws.bytes() ? need : -1;
    }

    public void findForward(Pointer x, Pointer weight, Pointer y) {
        DeviceBuffer ws = ctx.workspace();
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[MAX_ALGOS];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionFwdAlgoPerf();
        int[] count = {0};
        checkCudnn(JCudnn.cudnnFindConvolutionForwardAlgorithmEx(ctx.cudnn(), xDesc, x, wDesc, weight, fwdConv, yDesc, y,
                perf.length, count, perf, ws.ptr(), ws.bytes()), "cudnnFindConvolutionForwardAlgorithmEx" + shapeText());
        for (int i = 0; i < count[0]; i++) {
            cudnnConvolutionFwdAlgoPerf p = perf[i];
            if (p.status == 0 && p.memory <= ws.bytes() && precision.allows(p.mathType)
                    && precision.admits(ConvAlgorithms.Direction.FORWARD, p.algo)) {
                long[] size = {0};
                long need = workspaceFor(JCudnn.cudnnGetConvolutionForwardWorkspaceSize(ctx.cudnn(), xDesc, wDesc,
                        fwdConv, yDesc, p.algo, size), size, p.memory, ws);
                if (need < 0) continue;
                fwdAlgo = p.algo;
                fwdWorkspace = need;
                return;
            }
        }
        throw new SkipException("cuDNN found no usable forward algorithm" + shapeText());
    }

    public void findBackwardData(Pointer weight, Pointer dy, Pointer dx) {
        DeviceBuffer ws = ctx.workspace();
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[MAX_ALGOS];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
        int[] count = {0};
        checkCudnn(JCudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(ctx.cudnn(), wDesc, weight, yDesc, dy, bwdDataConv,
                xDesc, dx, perf.length, count, perf, ws.ptr(), ws.bytes()),
                "cudnnFindConvolutionBackwardDataAlgorithmEx" + shapeText());
        for (int i = 0; i < count[0]; i++) {
            cudnnConvolutionBwdDataAlgoPerf p = perf[i];
            if (p.status == 0 && p.memory <= ws.bytes() && precision.allows(p.mathType)
                    && precision.admits(ConvAlgorithms.Direction.BACKWARD_DATA, p.algo)) {
                long[] size = {0};
                long need = workspaceFor(JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(ctx.cudnn(), wDesc, yDesc,
                        bwdDataConv, xDesc, p.algo, size), size, p.memory, ws);
                if (need < 0) continue;
                bwdDataAlgo = p.algo;
                bwdDataWorkspace = need;
                return;
            }
        }
        throw new SkipException("cuDNN found no usable backward-data algorithm" + shapeText());
    }

    public void findBackwardFilter(Pointer x, Pointer dy, Pointer dw) {
        DeviceBuffer ws = ctx.workspace();
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[MAX_ALGOS];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        int[] count = {0};
        checkCudnn(JCudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(ctx.cudnn(), xDesc, x, yDesc, dy, bwdFilterConv,
                wDesc, dw, perf.length, count, perf, ws.ptr(), ws.bytes()),
                "cudnnFindConvolutionBackwardFilterAlgorithmEx" + shapeText());
        for (int i = 0; i < count[0]; i++) {
            cudnnConvolutionBwdFilterAlgoPerf p = perf[i];
            if (p.status == 0 && p.memory <= ws.bytes() && precision.allows(p.mathType)
                    && precision.admits(ConvAlgorithms.Direction.BACKWARD_FILTER, p.algo)) {
                long[] size = {0};
                long need = workspaceFor(JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(ctx.cudnn(), xDesc,
                        yDesc, bwdFilterConv, wDesc, p.algo, size), size, p.memory, ws);
                if (need < 0) continue;
                bwdFilterAlgo = p.algo;
                bwdFilterWorkspace = need;
                return;
            }
        }
        throw new SkipException("cuDNN found no usable backward-filter algorithm" + shapeText());
    }

    /** y = conv(x, w). */
    public void forward(Pointer x, Pointer weight, Pointer y) {
        requireFound(fwdAlgo, "forward");
        checkCudnn(JCudnn.cudnnConvolutionForward(ctx.cudnn(), ONE, xDesc, x, wDesc, weight, fwdConv, fwdAlgo,
                ctx.workspace().ptr(), fwdWorkspace, ZERO, yDesc, y), "cudnnConvolutionForward" + shapeText());
    }

    /**
     * y = relu(conv(x, w) + bias): cuDNN's fused call where it supports the configuration, else (decided on the
     * first call and kept) convolution, bias add and activation as three calls.
     */
    public void forwardBiasRelu(Pointer x, Pointer weight, Pointer bias, Pointer y) {
        requireFound(fwdAlgo, "forward");
        if (fusedBiasRelu) {
            int status = JCudnn.cudnnConvolutionBiasActivationForward(ctx.cudnn(), ONE, xDesc, x, wDesc, weight, fwdConv,
                    fwdAlgo, ctx.workspace().ptr(), fwdWorkspace, ZERO, yDesc, y, biasDesc, bias, relu, yDesc, y);
            if (status == 0) return;
            fusedBiasRelu = false;
        }
        forward(x, weight, y);
        addBias(bias, y);
        checkCudnn(JCudnn.cudnnActivationForward(ctx.cudnn(), relu, ONE, yDesc, y, ZERO, yDesc, y),
                "cudnnActivationForward" + shapeText());
    }

    /** y += bias (per output channel). */
    public void addBias(Pointer bias, Pointer y) {
        checkCudnn(JCudnn.cudnnAddTensor(ctx.cudnn(), ONE, biasDesc, bias, ONE, yDesc, y), "cudnnAddTensor" + shapeText());
    }

    /** dx = gradient with respect to the input for output gradient dy. */
    public void backwardData(Pointer weight, Pointer dy, Pointer dx) {
        requireFound(bwdDataAlgo, "backward-data");
        checkCudnn(JCudnn.cudnnConvolutionBackwardData(ctx.cudnn(), ONE, wDesc, weight, yDesc, dy, bwdDataConv,
                bwdDataAlgo, ctx.workspace().ptr(), bwdDataWorkspace, ZERO, xDesc, dx),
                "cudnnConvolutionBackwardData" + shapeText());
    }

    /** dw = gradient with respect to the filter (overwritten). */
    public void backwardFilter(Pointer x, Pointer dy, Pointer dw) {
        requireFound(bwdFilterAlgo, "backward-filter");
        checkCudnn(JCudnn.cudnnConvolutionBackwardFilter(ctx.cudnn(), ONE, xDesc, x, yDesc, dy, bwdFilterConv,
                bwdFilterAlgo, ctx.workspace().ptr(), bwdFilterWorkspace, ZERO, wDesc, dw),
                "cudnnConvolutionBackwardFilter" + shapeText());
    }

    private void requireFound(int algo, String direction) {
        if (algo < 0) throw new IllegalStateException("find the " + direction + " algorithm before running it");
    }

    /** Which algorithms were chosen, for the row's note. */
    public String algorithms() {
        StringBuilder b = new StringBuilder();
        if (fwdAlgo >= 0) b.append("fwd=").append(fwdAlgo).append(fusedBiasRelu ? "" : " (unfused)");
        if (bwdDataAlgo >= 0) b.append(b.length() > 0 ? " " : "").append("bwdData=").append(bwdDataAlgo);
        if (bwdFilterAlgo >= 0) b.append(b.length() > 0 ? " " : "").append("bwdFilter=").append(bwdFilterAlgo);
        return b.toString();
    }

    private String shapeText() {
        return " [" + precision.id + " " + n + "x" + cin + "x" + h + "x" + w + " -> " + cout + " ch, " + f + "x" + f + "]";
    }

    @Override
    public void close() {
        JCudnn.cudnnDestroyActivationDescriptor(relu);
        JCudnn.cudnnDestroyConvolutionDescriptor(bwdFilterConv);
        JCudnn.cudnnDestroyConvolutionDescriptor(bwdDataConv);
        JCudnn.cudnnDestroyConvolutionDescriptor(fwdConv);
        JCudnn.cudnnDestroyFilterDescriptor(wDesc);
        JCudnn.cudnnDestroyTensorDescriptor(biasDesc);
        JCudnn.cudnnDestroyTensorDescriptor(yDesc);
        JCudnn.cudnnDestroyTensorDescriptor(xDesc);
    }
}
