package dev.gpusr.bench;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.ConvLayer;
import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.cuda.CudaSrcnn;
import dev.gpusr.cuda.DeviceArray;
import dev.gpusr.cuda.Half;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import java.util.Arrays;

/**
 * The whole model on the GPU with the batch already on the card, checked against CpuSrcnn: the CUDA engine's own
 * forward pass and training step (fp32 and TF32: {@link CudaSrcnn#forwardStaged()}, {@link CudaSrcnn#trainStepStaged()}),
 * and an fp16 forward pass built from the engine's layer operation ({@link ConvLayer}), since the engine has no fp16
 * path. The device-only work a user's batch costs once its pixels are on the card, which is what PyTorch's numbers
 * measure.
 */
public final class ModelOps {
    private ModelOps() {}

    /** Side of the corner region of image 0 compared with the CPU engine (plus the halo the CPU needs). */
    static final int CHECK_CROP = 24;

    /** The engine's options for a benchmark precision (fp32: true fp32, the engine's default; tf32: TF32 math). */
    static CudaOptions engineOptions(Precision precision) {
        if (precision == Precision.FP16) throw new SkipException("the CUDA engine runs in fp32 or TF32, not fp16");
        return CudaOptions.defaults().withMath(precision == Precision.FP32 ? CudaOptions.MathMode.FMA
                : CudaOptions.MathMode.TF32);
    }

    /**
     * Multiply-adds per pixel of one training step: forward, backward-filter for every layer and backward-data for
     * layers 2-3 (the input needs no gradient).
     */
    public static double trainMacsPerPixel(SrcnnConfig cfg) {
        double layer1 = (double) cfg.f1() * cfg.f1() * cfg.channels() * cfg.n1();
        return 3.0 * cfg.macsPerPixel() - layer1;
    }

    /**
     * The top-left corner of image 0 of a single-channel forward pass against CpuSrcnn on the same input crop: there
     * the crop's zero padding is the image's, so outputs more than the model's halo from the crop's far edges must
     * agree. {@code input} and {@code output} hold at least the first rows of image 0 (row length {@code w}).
     */
    static Check cornerAgainstCpu(SrcnnWeights weights, float[] input, float[] output, int h, int w, double tolerance) {
        int halo = weights.config().halo();
        int rows = Math.min(h, CHECK_CROP + halo);
        int cols = Math.min(w, CHECK_CROP + halo);
        Tensor crop = new Tensor(1, 1, rows, cols);
        for (int y = 0; y < rows; y++) System.arraycopy(input, y * w, crop.data, y * cols, cols);
        Tensor expected;
        try (CpuSrcnn cpu = new CpuSrcnn(weights, 0)) {
            expected = cpu.forward(crop);
        }
        int validRows = rows < h ? rows - halo : rows;
        int validCols = cols < w ? cols - halo : cols;
        double[] e = new double[validRows * validCols];
        float[] a = new float[e.length];
        for (int y = 0; y < validRows; y++) {
            for (int x = 0; x < validCols; x++) {
                e[y * validCols + x] = expected.data[y * cols + x];
                a[y * validCols + x] = output[y * w + x];
            }
        }
        return Check.compare("inference corner vs CpuSrcnn", e, a, tolerance);
    }

    /** Rows [0, rows) of image 0 of the checked output: how many the corner check reads. */
    static int checkedRows(SrcnnWeights weights, int h) {
        return Math.min(h, CHECK_CROP + weights.config().halo());
    }

    /** An op that drives a CUDA engine of its own on the benchmark's GPU; times on the engine's stream. */
    abstract static class EngineOp extends OwningOp {
        final SrcnnWeights weights;
        final Precision precision;
        final CudaSrcnn engine;

        EngineOp(CudaContext ctx, SrcnnWeights weights, Precision precision) {
            super(ctx);
            this.weights = weights;
            this.precision = precision;
            engine = own(new CudaSrcnn(ctx.device(), weights, engineOptions(precision)));
        }

        @Override
        public CudaContext timedContext() {
            return engine.context();
        }

        @Override
        public String note() {
            return String.join(" | ", engine.planSummaries());
        }
    }

    /** The engine's forward pass over a batch already on the device (fp32 or TF32). */
    public static final class Inference extends EngineOp {
        private final Tensor input;

        public Inference(CudaContext ctx, SrcnnWeights weights, Precision precision, int n, int h, int w) {
            super(ctx, weights, precision);
            input = BenchData.image(n, weights.config().channels(), h, w, 30);
            engine.stageBatch(input, null);
        }

        @Override
        public void launch(int run) {
            engine.forwardStaged();
        }

        @Override
        public Check check() {
            engine.stageBatch(input, null);
            engine.forwardStaged();
            Tensor out = engine.stagedOutput();
            return cornerAgainstCpu(weights, input.data, out.data, input.h, input.w, precision.tolerance());
        }
    }

    /**
     * fp16 inference from the engine's layer operation: fp16 channels-last tensors and weights, fused conv + bias +
     * ReLU for layers 1-2, conv then bias add for layer 3 (identity activation would force one slow algorithm in the
     * fused call).
     */
    public static final class HalfInference extends OwningOp {
        private final SrcnnWeights weights;
        private final int h, w;
        private final ConvLayer[] layers = new ConvLayer[SrcnnConfig.LAYERS];
        private final DeviceArray[] weight = new DeviceArray[SrcnnConfig.LAYERS];
        private final DeviceArray[] bias = new DeviceArray[SrcnnConfig.LAYERS];
        /** act[0] the input, act[LAYERS] the output. */
        private final DeviceArray[] act = new DeviceArray[SrcnnConfig.LAYERS + 1];

        public HalfInference(CudaContext ctx, SrcnnWeights weights, int n, int h, int w) {
            super(ctx);
            this.weights = weights;
            this.h = h;
            this.w = w;
            SrcnnConfig cfg = weights.config();
            long hw = (long) h * w;
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                layers[l] = own(new ConvLayer(ctx, Precision.FP16.math, n, cfg.inChannels(l), cfg.outChannels(l),
                        cfg.filter(l), h, w));
                weight[l] = own(DeviceArray.halves(Half.fromFloats(ConvLayer.toChannelsLast(
                        weights.tensor(Param.weight(l)), cfg.outChannels(l), cfg.inChannels(l), cfg.filter(l))),
                        "fp16 weights"));
                bias[l] = own(DeviceArray.halves(Half.fromFloats(weights.tensor(Param.bias(l))), "fp16 bias"));
            }
            for (int i = 0; i <= SrcnnConfig.LAYERS; i++) {
                int channels = i == 0 ? cfg.channels() : cfg.outChannels(i - 1);
                act[i] = own(DeviceArray.allocate(n * channels * hw * Precision.FP16.math.bytesPerValue,
                        i == 0 ? "input" : i == SrcnnConfig.LAYERS ? "output" : "layer " + i + " activations"));
            }
            act[0].fillUniformHalf(30, 0, 1);
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) layers[l].findForward(act[l], weight[l], act[l + 1]);
        }

        @Override
        public void launch(int run) {
            int last = SrcnnConfig.LAYERS - 1;
            for (int l = 0; l < last; l++) layers[l].forwardBiasActivation(act[l], weight[l], bias[l], act[l + 1], true);
            layers[last].forward(act[last], weight[last], act[last + 1]);
            layers[last].addBias(bias[last], act[last + 1]);
        }

        @Override
        public Check check() {
            launch(0);
            ctx.sync();
            // one channel: channels-last planes are laid out as NCHW ones
            int count = checkedRows(weights, h) * w;
            float[] in = Half.toFloats(act[0].downloadShorts(0, count));
            float[] out = Half.toFloats(act[SrcnnConfig.LAYERS].downloadShorts(0, count));
            return cornerAgainstCpu(weights, in, out, h, w, Precision.FP16.tolerance());
        }

        @Override
        public String note() {
            StringBuilder b = new StringBuilder();
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                b.append(l > 0 ? "; " : "").append("L").append(l + 1).append(' ').append(layers[l].algorithms());
            }
            return b.toString();
        }
    }

    /** The engine's SGD training step on a batch already on the device (fp32 or TF32; CUDA graphs as the engine uses them). */
    public static final class TrainStep extends EngineOp {
        private final Tensor x;
        private final Tensor t;

        public TrainStep(CudaContext ctx, SrcnnWeights weights, Precision precision, int batch, int size) {
            super(ctx, weights, precision);
            int c = weights.config().channels();
            x = BenchData.image(batch, c, size, size, 31);
            t = BenchData.image(batch, c, size, size, 32);
            engine.setOptimizer(OptimizerConfig.paperSgd(), null);
            engine.stageBatch(x, t);
        }

        @Override
        public void launch(int run) {
            engine.trainStepStaged();
        }

        /**
         * One step of the engine on a small batch: loss and every parameter tensor's gradient against
         * CpuSrcnn.computeGradients, and the SGD update against its formula applied to the engine's own gradients.
         * Then the engine is reset and the timed batch staged again.
         */
        @Override
        public Check check() {
            SrcnnConfig cfg = weights.config();
            int n = 2, size = 17;
            Tensor sx = BenchData.image(n, cfg.channels(), size, size, 40);
            Tensor st = BenchData.image(n, cfg.channels(), size, size, 41);
            OptimizerConfig sgd = OptimizerConfig.paperSgd();
            engine.loadWeights(weights);
            float gpuLoss = (float) engine.computeGradients(sx, st);
            float[] gpuGrads = engine.gradients();
            engine.setOptimizer(sgd, null);
            engine.applyOptimizer();
            float[] after = engine.weights().params();
            int[] layerEnds = new int[SrcnnConfig.LAYERS];
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) layerEnds[l] = cfg.layerEnd(l);
            double[][] expected = CpuReference.sgdMomentum(weights.params(), gpuGrads, new float[cfg.paramCount()],
                    layerEnds, sgd.lr(), sgd.momentum());
            Check update = Check.compare("sgd update", expected[0], after, 1e-6);
            double cpuLoss;
            float[] cpuGrads;
            try (CpuSrcnn cpu = new CpuSrcnn(weights, 0)) {
                cpuLoss = cpu.computeGradients(sx, st);
                cpuGrads = cpu.gradients();
            }
            double tol = Math.max(1e-3, precision.tolerance());
            Check c = Check.compare("loss", new double[] {cpuLoss}, new float[] {gpuLoss}, tol);
            for (Param p : Param.values()) {
                int off = cfg.offset(p);
                int len = cfg.size(p);
                c = c.and(Check.compare(p.tensorName + " gradient", Arrays.copyOfRange(cpuGrads, off, off + len),
                        Arrays.copyOfRange(gpuGrads, off, off + len), tol));
            }
            engine.loadWeights(weights);
            engine.setOptimizer(sgd, null);
            engine.stageBatch(x, t);
            return c.and(update);
        }
    }
}
