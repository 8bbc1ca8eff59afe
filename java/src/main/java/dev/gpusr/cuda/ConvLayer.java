package dev.gpusr.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * One SRCNN convolution layer on cuDNN for one batch shape, at {@link ConvMath} fp32, TF32 or fp16: zero 'same'
 * padding, cross-correlation (PyTorch weights as they are), descriptors for input, output, filter and bias, one
 * convolution descriptor per direction, algorithms chosen by the engine's search ({@link ConvAlgorithms}: cuDNN's
 * Find, the fastest admissible candidate) and run in the context's shared workspace. The layer operation of the
 * benchmarks' per-layer and fp16 rows; activations propagate NaN as the engine's do.
 */
public final class ConvLayer implements AutoCloseable {
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});
    /** The most workspace the search may give one algorithm: 2 GiB, and at most an eighth of the free memory. */
    private static final long MAX_WORKSPACE = 2L << 30;

    private final CudaContext ctx;
    private final ConvMath math;
    private final int n, cin, cout, f, h, w;
    private final List<Runnable> destroy = new ArrayList<>();
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
    /** Whether cuDNN's fused conv + bias + activation is used; false after it refused this configuration. */
    private boolean fused = true;
    private boolean fusedConfirmed;

    public ConvLayer(CudaContext ctx, ConvMath math, int n, int cin, int cout, int f, int h, int w) {
        this.ctx = ctx;
        this.math = math;
        this.n = n;
        this.cin = cin;
        this.cout = cout;
        this.f = f;
        this.h = h;
        this.w = w;
        ctx.cudnn(); // a CudaUnavailableException here, with the reason, when cuDNN is not loadable
        try {
            xDesc = tensor(math.format, n, cin, h, w, "x");
            yDesc = tensor(math.format, n, cout, h, w, "y");
            biasDesc = tensor(cudnnTensorFormat.CUDNN_TENSOR_NCHW, 1, cout, 1, 1, "bias");
            wDesc = new cudnnFilterDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateFilterDescriptor(wDesc), "cudnnCreateFilterDescriptor");
            destroy.add(() -> JCudnn.cudnnDestroyFilterDescriptor(wDesc));
            CudaCheck.cudnn(JCudnn.cudnnSetFilter4dDescriptor(wDesc, math.dataType, math.format, cout, cin, f, f),
                    "cudnnSetFilter4dDescriptor" + shapeText());
            fwdConv = convolution();
            bwdDataConv = convolution();
            bwdFilterConv = convolution();
            relu = activation(cudnnActivationMode.CUDNN_ACTIVATION_RELU);
            identity = activation(cudnnActivationMode.CUDNN_ACTIVATION_IDENTITY);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private cudnnTensorDescriptor tensor(int format, int tn, int tc, int th, int tw, String what) {
        cudnnTensorDescriptor d = new cudnnTensorDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
        destroy.add(() -> JCudnn.cudnnDestroyTensorDescriptor(d));
        CudaCheck.cudnn(JCudnn.cudnnSetTensor4dDescriptor(d, format, math.dataType, tn, tc, th, tw),
                "cudnnSetTensor4dDescriptor(" + what + ")" + shapeText());
        return d;
    }

    private cudnnConvolutionDescriptor convolution() {
        cudnnConvolutionDescriptor c = new cudnnConvolutionDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateConvolutionDescriptor(c), "cudnnCreateConvolutionDescriptor");
        destroy.add(() -> JCudnn.cudnnDestroyConvolutionDescriptor(c));
        // cross-correlation, as PyTorch's Conv2d; fp32 accumulation in every mode
        CudaCheck.cudnn(JCudnn.cudnnSetConvolution2dDescriptor(c, f / 2, f / 2, 1, 1, 1, 1,
                cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor" + shapeText());
        CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(c, math.initialMathType), "cudnnSetConvolutionMathType");
        return c;
    }

    private cudnnActivationDescriptor activation(int mode) {
        cudnnActivationDescriptor d = new cudnnActivationDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateActivationDescriptor(d), "cudnnCreateActivationDescriptor");
        destroy.add(() -> JCudnn.cudnnDestroyActivationDescriptor(d));
        // NaN propagates as through Java's Math.max in the CPU engine (and in the CUDA engine)
        CudaCheck.cudnn(JCudnn.cudnnSetActivationDescriptor(d, mode, cudnnNanPropagation.CUDNN_PROPAGATE_NAN, 0),
                "cudnnSetActivationDescriptor (" + cudnnActivationMode.stringFor(mode) + ")");
        return d;
    }

    public ConvMath math() {
        return math;
    }

    public long inputValues() { return (long) n * cin * h * w; }
    public long outputValues() { return (long) n * cout * h * w; }
    public long filterValues() { return (long) cout * cin * f * f; }

    private ConvAlgorithms.Constraints constraints() {
        long[] ft = ctx.memoryFreeTotal();
        return new ConvAlgorithms.Constraints(math.layerOptions(), math, Math.min(MAX_WORKSPACE, ft[0] / 8), false);
    }

    /** Times cuDNN's forward candidates on these buffers (which it may overwrite) and keeps the fastest admissible. */
    public void findForward(DeviceArray x, DeviceArray weight, DeviceArray y) {
        forward = ConvAlgorithms.forward(ctx.cudnn(), constraints(), shapeText(), xDesc, x.ptr(), wDesc, weight.ptr(),
                fwdConv, yDesc, y.ptr());
        ctx.workspace(forward.workspaceBytes());
    }

    public void findBackwardData(DeviceArray weight, DeviceArray dy, DeviceArray dx) {
        backwardData = ConvAlgorithms.backwardData(ctx.cudnn(), constraints(), shapeText(), wDesc, weight.ptr(), yDesc,
                dy.ptr(), bwdDataConv, xDesc, dx.ptr());
        ctx.workspace(backwardData.workspaceBytes());
    }

    public void findBackwardFilter(DeviceArray x, DeviceArray dy, DeviceArray dw) {
        backwardFilter = ConvAlgorithms.backwardFilter(ctx.cudnn(), constraints(), shapeText(), xDesc, x.ptr(), yDesc,
                dy.ptr(), bwdFilterConv, wDesc, dw.ptr());
        ctx.workspace(backwardFilter.workspaceBytes());
    }

    /** y = conv(x, w). */
    public void forward(DeviceArray x, DeviceArray weight, DeviceArray y) {
        ConvAlgorithms.Choice a = require(forward, "forward");
        DeviceBuffer ws = ctx.workspace(a.workspaceBytes());
        CudaCheck.cudnn(JCudnn.cudnnConvolutionForward(ctx.cudnn(), ONE, xDesc, x.ptr(), wDesc, weight.ptr(), fwdConv,
                a.algo(), ws.pointer(), a.workspaceBytes(), ZERO, yDesc, y.ptr()), "cudnnConvolutionForward"
                + shapeText());
        ctx.debugSync("cudnnConvolutionForward" + shapeText());
    }

    /**
     * y = act(conv(x, w) + bias), act ReLU or identity: cuDNN's fused call where it supports the configuration,
     * else (decided on the first call and kept) the convolution, a bias add and the activation as three calls.
     */
    public void forwardBiasActivation(DeviceArray x, DeviceArray weight, DeviceArray bias, DeviceArray y,
            boolean withRelu) {
        ConvAlgorithms.Choice a = require(forward, "forward");
        if (fused) {
            DeviceBuffer ws = ctx.workspace(a.workspaceBytes());
            int status = JCudnn.cudnnConvolutionBiasActivationForward(ctx.cudnn(), ONE, xDesc, x.ptr(), wDesc,
                    weight.ptr(), fwdConv, a.algo(), ws.pointer(), a.workspaceBytes(), ZERO, yDesc, y.ptr(), biasDesc,
                    bias.ptr(), withRelu ? relu : identity, yDesc, y.ptr());
            if (status == 0) {
                fusedConfirmed = true;
                ctx.debugSync("cudnnConvolutionBiasActivationForward" + shapeText());
                return;
            }
            if (fusedConfirmed) {
                throw CudaCheck.cudnnFailure(status, "cudnnConvolutionBiasActivationForward" + shapeText());
            }
            fused = false; // refused before anything ran: three calls do the same job
        }
        forward(x, weight, y);
        addBias(bias, y);
        if (withRelu) {
            CudaCheck.cudnn(JCudnn.cudnnActivationForward(ctx.cudnn(), relu, ONE, yDesc, y.ptr(), ZERO, yDesc, y.ptr()),
                    "cudnnActivationForward" + shapeText());
            ctx.debugSync("cudnnActivationForward" + shapeText());
        }
    }

    /** y += bias (per output channel). */
    public void addBias(DeviceArray bias, DeviceArray y) {
        CudaCheck.cudnn(JCudnn.cudnnAddTensor(ctx.cudnn(), ONE, biasDesc, bias.ptr(), ONE, yDesc, y.ptr()),
                "cudnnAddTensor" + shapeText());
        ctx.debugSync("cudnnAddTensor" + shapeText());
    }

    /** dx = gradient with respect to the input for output gradient dy. */
    public void backwardData(DeviceArray weight, DeviceArray dy, DeviceArray dx) {
        ConvAlgorithms.Choice a = require(backwardData, "backward-data");
        DeviceBuffer ws = ctx.workspace(a.workspaceBytes());
        CudaCheck.cudnn(JCudnn.cudnnConvolutionBackwardData(ctx.cudnn(), ONE, wDesc, weight.ptr(), yDesc, dy.ptr(),
                bwdDataConv, a.algo(), ws.pointer(), a.workspaceBytes(), ZERO, xDesc, dx.ptr()),
                "cudnnConvolutionBackwardData" + shapeText());
        ctx.debugSync("cudnnConvolutionBackwardData" + shapeText());
    }

    /** dw = gradient with respect to the filter (overwritten). */
    public void backwardFilter(DeviceArray x, DeviceArray dy, DeviceArray dw) {
        ConvAlgorithms.Choice a = require(backwardFilter, "backward-filter");
        DeviceBuffer ws = ctx.workspace(a.workspaceBytes());
        CudaCheck.cudnn(JCudnn.cudnnConvolutionBackwardFilter(ctx.cudnn(), ONE, xDesc, x.ptr(), yDesc, dy.ptr(),
                bwdFilterConv, a.algo(), ws.pointer(), a.workspaceBytes(), ZERO, wDesc, dw.ptr()),
                "cudnnConvolutionBackwardFilter" + shapeText());
        ctx.debugSync("cudnnConvolutionBackwardFilter" + shapeText());
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

    private String shapeText() {
        return " [" + math.name().toLowerCase() + " " + n + "x" + cin + "x" + h + "x" + w + " -> " + cout + " ch, " + f
                + "x" + f + "]";
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

    /** Destroys the descriptors (last created first); the workspace belongs to the context. */
    @Override
    public void close() {
        for (int i = destroy.size() - 1; i >= 0; i--) destroy.get(i).run();
        destroy.clear();
    }
}
