package dev.gpusr.bench;

import dev.gpusr.cuda.CudaKernels;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * The whole SRCNN resident on the GPU, layer by layer on cuDNN plus gpu-sr's kernels, for one batch shape: the
 * device-only work a user's batch costs once its pixels are on the card, which is what PyTorch's numbers measure.
 * Inference: fused conv + bias + ReLU for layers 1-2, conv then bias add for layer 3 (identity activation would
 * force one slow algorithm in the fused call). Training (fp32 and TF32): that forward, then our MSE loss and
 * gradient, cuDNN backward-data / backward-filter, our fused ReLU-mask + bias-gradient kernel and our SGD update,
 * over one flat parameter block in {@link SrcnnConfig}'s layout.
 */
public final class SrcnnPipeline implements AutoCloseable {
    private final GpuContext ctx;
    private final SrcnnConfig cfg;
    private final Precision precision;
    private final int n;
    private final int h;
    private final int w;
    private final boolean training;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final CudnnConv[] layers = new CudnnConv[SrcnnConfig.LAYERS];
    private final Pointer[] weight = new Pointer[SrcnnConfig.LAYERS];
    private final Pointer[] bias = new Pointer[SrcnnConfig.LAYERS];
    private final DeviceBuffer params;
    private final DeviceBuffer x;
    private final DeviceBuffer a1;
    private final DeviceBuffer a2;
    private final DeviceBuffer out;
    // training only
    private DeviceBuffer target, dOut, d1, d2, grads, momentum, loss, scratch;
    private OptimizerConfig optimizer;
    private int[] layerEnds;

    public SrcnnPipeline(GpuContext ctx, SrcnnWeights weights, Precision precision, int n, int h, int w,
            boolean training) {
        this.ctx = ctx;
        this.cfg = weights.config();
        this.precision = precision;
        this.n = n;
        this.h = h;
        this.w = w;
        this.training = training;
        if (training && precision == Precision.FP16) {
            throw new SkipException("the training pipeline runs in fp32 or TF32 (fp16 training needs loss scaling)");
        }
        if (training) ctx.kernels(); // skips first, with the reason, when our kernels are not available
        boolean ok = false;
        try {
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                layers[l] = own(new CudnnConv(ctx, precision, n, cfg.inChannels(l), cfg.outChannels(l), cfg.filter(l), h, w));
            }
            long hw = (long) h * w;
            int bytes = precision.bytesPerValue;
            x = own(DeviceBuffer.allocate(n * cfg.channels() * hw * bytes, "input"));
            a1 = own(DeviceBuffer.allocate(n * cfg.n1() * hw * bytes, "layer 1 activations"));
            a2 = own(DeviceBuffer.allocate(n * cfg.n2() * hw * bytes, "layer 2 activations"));
            out = own(DeviceBuffer.allocate(n * cfg.channels() * hw * bytes, "output"));
            if (precision == Precision.FP16) {
                params = null;
                for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                    DeviceBuffer wb = own(DeviceBuffer.allocate(2L * cfg.size(Param.weight(l)), "fp16 weights"));
                    wb.upload(Half.fromFloats(toChannelsLast(weights.tensor(Param.weight(l)), cfg.outChannels(l),
                            cfg.inChannels(l), cfg.filter(l))));
                    DeviceBuffer bb = own(DeviceBuffer.allocate(2L * cfg.size(Param.bias(l)), "fp16 bias"));
                    bb.upload(Half.fromFloats(weights.tensor(Param.bias(l))));
                    weight[l] = wb.ptr();
                    bias[l] = bb.ptr();
                }
            } else {
                params = own(DeviceBuffer.floats(weights.params(), "parameters"));
                for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                    weight[l] = params.floatAt(cfg.offset(Param.weight(l)));
                    bias[l] = params.floatAt(cfg.offset(Param.bias(l)));
                }
            }
            if (training) {
                long count = (long) n * cfg.channels() * hw;
                target = own(DeviceBuffer.floats(count, "target"));
                dOut = own(DeviceBuffer.floats(count, "output gradient"));
                d1 = own(DeviceBuffer.floats(n * cfg.n1() * hw, "layer 1 gradient"));
                d2 = own(DeviceBuffer.floats(n * cfg.n2() * hw, "layer 2 gradient"));
                grads = own(DeviceBuffer.floats(cfg.paramCount(), "parameter gradients").zero());
                momentum = own(DeviceBuffer.floats(cfg.paramCount(), "momentum").zero());
                loss = own(DeviceBuffer.floats(1, "loss"));
                scratch = own(DeviceBuffer.floats(Math.max(1, CudaKernels.reductionScratchFloats((int) count)),
                        "reduction scratch"));
                optimizer = OptimizerConfig.paperSgd();
                layerEnds = new int[SrcnnConfig.LAYERS];
                for (int l = 0; l < SrcnnConfig.LAYERS; l++) layerEnds[l] = cfg.layerEnd(l);
            }
            ok = true;
        } finally {
            if (!ok) close();
        }
    }

    private <T extends AutoCloseable> T own(T t) {
        owned.add(t);
        return t;
    }

    /** [out, in, f, f] -> [out, f, f, in] (cuDNN's NHWC filter layout). */
    static float[] toChannelsLast(float[] w, int out, int in, int f) {
        float[] r = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < f; y++) {
                    for (int xx = 0; xx < f; xx++) {
                        r[((o * f + y) * f + xx) * in + c] = w[((o * in + c) * f + y) * f + xx];
                    }
                }
            }
        }
        return r;
    }

    public DeviceBuffer input() { return x; }
    public DeviceBuffer output() { return out; }
    public DeviceBuffer target() { return target; }
    public DeviceBuffer parameters() { return params; }
    public DeviceBuffer gradients() { return grads; }
    public OptimizerConfig optimizer() { return optimizer; }
    public int[] layerEnds() { return layerEnds.clone(); }

    private DeviceBuffer layerInput(int l) {
        return l == 0 ? x : l == 1 ? a1 : a2;
    }

    private DeviceBuffer layerOutput(int l) {
        return l == 0 ? a1 : l == 1 ? a2 : out;
    }

    private DeviceBuffer outputGradient(int l) {
        return l == 0 ? d1 : l == 1 ? d2 : dOut;
    }

    private Pointer weightGradient(int l) {
        return grads.floatAt(cfg.offset(Param.weight(l)));
    }

    private Pointer biasGradient(int l) {
        return grads.floatAt(cfg.offset(Param.bias(l)));
    }

    /** Runs cuDNN's algorithm search for every convolution this pipeline uses (overwrites activations and grads). */
    public void findAlgorithms() {
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
            layers[l].findForward(layerInput(l).ptr(), weight[l], layerOutput(l).ptr());
            if (training) {
                layers[l].findBackwardFilter(layerInput(l).ptr(), outputGradient(l).ptr(), weightGradient(l));
                if (l > 0) layers[l].findBackwardData(weight[l], outputGradient(l).ptr(), outputGradient(l - 1).ptr());
            }
        }
        if (training) grads.zero();
    }

    public void forward() {
        layers[0].forwardBiasRelu(x.ptr(), weight[0], bias[0], a1.ptr());
        layers[1].forwardBiasRelu(a1.ptr(), weight[1], bias[1], a2.ptr());
        layers[2].forward(a2.ptr(), weight[2], out.ptr());
        layers[2].addBias(bias[2], out.ptr());
    }

    /** Forward, MSE loss and gradient, backward, SGD update; nothing is read back. */
    public void trainStep() {
        if (!training) throw new IllegalStateException("this pipeline was built for inference");
        CudaKernels k = ctx.kernels();
        int hw = h * w;
        int count = n * cfg.channels() * hw;
        forward();
        k.mseLossAndGrad(ctx.cuStream(), out.ptr(), target.ptr(), dOut.ptr(), loss.ptr(), scratch.ptr(), count);
        k.biasActivationBackward(ctx.cuStream(), dOut.ptr(), out.ptr(), biasGradient(2), n, cfg.channels(), hw, false);
        for (int l = SrcnnConfig.LAYERS - 1; l >= 0; l--) {
            if (l < SrcnnConfig.LAYERS - 1) {
                k.biasActivationBackward(ctx.cuStream(), outputGradient(l).ptr(), layerOutput(l).ptr(), biasGradient(l),
                        n, cfg.outChannels(l), hw, true);
            }
            layers[l].backwardFilter(layerInput(l).ptr(), outputGradient(l).ptr(), weightGradient(l));
            if (l > 0) layers[l].backwardData(weight[l], outputGradient(l).ptr(), outputGradient(l - 1).ptr());
        }
        k.sgdMomentum(ctx.cuStream(), params.ptr(), grads.ptr(), momentum.ptr(), cfg.paramCount(), layerEnds,
                optimizer.lr(), optimizer.momentum());
    }

    public float lastLoss() {
        ctx.sync();
        return loss.downloadFloats(0, 1)[0];
    }

    /** The first {@code rows} rows of image {@code image}'s first plane of a tensor of this pipeline, as floats. */
    public float[] planeRows(DeviceBuffer t, int image, int rows) {
        ctx.sync();
        long start = (long) image * cfg.channels() * h * w;
        if (precision == Precision.FP16) return Half.toFloats(t.downloadShorts(start, rows * w));
        return t.downloadFloats(start, rows * w);
    }

    /**
     * Multiply-adds per pixel of one training step: forward, backward-filter for every layer and backward-data for
     * layers 2-3 (the input needs no gradient).
     */
    public static double trainMacsPerPixel(SrcnnConfig cfg) {
        double layer1 = (double) cfg.f1() * cfg.f1() * cfg.channels() * cfg.n1();
        return 3.0 * cfg.macsPerPixel() - layer1;
    }

    public String algorithms() {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) b.append(l > 0 ? "; " : "").append("L").append(l + 1).append(' ')
                .append(layers[l].algorithms());
        return b.toString();
    }

    @Override
    public void close() {
        OwningOp.closeAll(owned);
    }
}
