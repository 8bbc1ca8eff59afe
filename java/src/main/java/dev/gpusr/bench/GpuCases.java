package dev.gpusr.bench;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The list of GPU benchmarks for a plan, in run order, shared by {@code gpu-sr bench} and the JMH GPU benchmark.
 * Sizes come from the plan; work per run (pixels, bytes, FLOPs) and the ceiling each row is judged against are
 * fixed here, next to the shapes they follow from.
 */
public final class GpuCases {
    private GpuCases() {}

    /** Bytes of the copy that measures bandwidth: far beyond any L2, small enough for any 8 GB card. */
    public static final long COPY_BYTES = 1L << 30;

    /** Border the PSNR sum leaves out (the scale, as the SRCNN protocol shaves). */
    static final int SSE_SHAVE = 3;

    public static List<GpuCase> all(BenchPlan plan) {
        List<GpuCase> cases = new ArrayList<>();
        if (plan.runs("ceiling")) ceiling(plan, cases);
        if (plan.runs("kernel")) kernels(plan, cases);
        if (plan.runs("bicubic")) bicubic(plan, cases);
        if (plan.runs("conv")) conv(plan, cases);
        if (plan.runs("inference")) inference(plan, cases);
        if (plan.runs("train")) train(plan, cases);
        return cases;
    }

    public static GpuCase find(BenchPlan plan, String id) {
        for (GpuCase c : all(plan)) if (c.id().equals(id)) return c;
        throw new IllegalArgumentException("no GPU benchmark '" + id + "'");
    }

    private static String floatsShape(long n, long c, long h, long w) {
        return BenchPlan.shape(n, c, h, w);
    }

    private static void ceiling(BenchPlan plan, List<GpuCase> cases) {
        cases.add(new GpuCase("copy-d2d",
                new BenchRow("ceiling", "d2d copy").shape("1 GiB").key("copy_d2d")
                        .work(new Work(0, 2.0 * COPY_BYTES, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                        .note("cudaMemcpyAsync; bytes = read + written"),
                ctx -> new KernelOps.DeviceCopy(ctx, COPY_BYTES)));
        int floats = plan.inferBatch() * plan.inferHeight() * plan.inferWidth();
        String shape = floatsShape(plan.inferBatch(), 1, plan.inferHeight(), plan.inferWidth());
        cases.add(new GpuCase("copy-h2d",
                new BenchRow("ceiling", "h2d copy java float[]").precision("fp32").shape(shape).key("h2d")
                        .work(new Work(floats, 4.0 * floats, 0)).note("pageable host memory, as engines copy tensors"),
                ctx -> new KernelOps.HostCopy(ctx, floats, true)));
        cases.add(new GpuCase("copy-d2h",
                new BenchRow("ceiling", "d2h copy java float[]").precision("fp32").shape(shape).key("d2h")
                        .work(new Work(floats, 4.0 * floats, 0)).note("pageable host memory"),
                ctx -> new KernelOps.HostCopy(ctx, floats, false)));
    }

    private static void kernels(BenchPlan plan, List<GpuCase> cases) {
        SrcnnConfig cfg = BenchPlan.models().get(0);
        int n = plan.trainLargeBatch();
        int c = cfg.n1();
        int hw = plan.trainLargeSize() * plan.trainLargeSize();
        double count = (double) n * c * hw;
        String act = floatsShape(n, c, plan.trainLargeSize(), plan.trainLargeSize());
        cases.add(new GpuCase("bias-relu-fwd",
                new BenchRow("kernel", "bias+relu fwd").precision("fp32").shape(act).key("bias_relu_fwd")
                        .work(new Work((double) n * hw, 8 * count, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                        .note("in place; layer-1 activations of the 256x256 training batch"),
                ctx -> new KernelOps.BiasReluForward(ctx, n, c, hw)));
        cases.add(new GpuCase("bias-relu-bwd",
                new BenchRow("kernel", "bias+relu bwd").precision("fp32").shape(act).key("bias_relu_bwd")
                        .work(new Work((double) n * hw, 12 * count, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                        .note("ReLU mask in place + bias gradient"),
                ctx -> new KernelOps.BiasReluBackward(ctx, n, c, hw)));
        int big = plan.inferBatch() * plan.inferHeight() * plan.inferWidth();
        String bigShape = floatsShape(plan.inferBatch(), 1, plan.inferHeight(), plan.inferWidth());
        cases.add(new GpuCase("mse-large",
                new BenchRow("kernel", "mse loss+grad").precision("fp32").shape(bigShape).key("mse_large")
                        .work(new Work(big, 12.0 * big, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH),
                ctx -> new KernelOps.Mse(ctx, big)));
        int small = plan.trainLargeBatch() * plan.trainLargeSize() * plan.trainLargeSize();
        cases.add(new GpuCase("mse-train",
                new BenchRow("kernel", "mse loss+grad").precision("fp32")
                        .shape(floatsShape(plan.trainLargeBatch(), 1, plan.trainLargeSize(), plan.trainLargeSize()))
                        .key("mse_train").work(new Work(small, 12.0 * small, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                        .note("training-batch size: launch-bound"),
                ctx -> new KernelOps.Mse(ctx, small)));
        cases.add(new GpuCase("sse",
                new BenchRow("kernel", "psnr sse (u8 quantised)").precision("fp32").shape(bigShape)
                        .work(new Work(big, 8.0 * big, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH),
                ctx -> new KernelOps.SumSquaredError(ctx, plan.inferBatch(), plan.inferHeight(), plan.inferWidth(),
                        SSE_SHAVE)));
        String rgbShape = floatsShape(plan.inferBatch(), 3, plan.inferHeight(), plan.inferWidth());
        cases.add(new GpuCase("unpack",
                new BenchRow("kernel", "unpack rgb8->ycbcr").precision("u8>fp32").shape(rgbShape)
                        .work(new Work(big, 15.0 * big, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH),
                ctx -> new KernelOps.Pixels(ctx, plan.inferBatch(), plan.inferHeight(), plan.inferWidth(), true)));
        cases.add(new GpuCase("pack",
                new BenchRow("kernel", "pack ycbcr->rgb8").precision("fp32>u8").shape(rgbShape)
                        .work(new Work(big, 15.0 * big, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH),
                ctx -> new KernelOps.Pixels(ctx, plan.inferBatch(), plan.inferHeight(), plan.inferWidth(), false)));
        SrcnnConfig large = BenchPlan.models().get(1);
        int[] ends = new int[SrcnnConfig.LAYERS];
        for (int l = 0; l < ends.length; l++) ends[l] = large.layerEnd(l);
        OptimizerConfig sgd = OptimizerConfig.paperSgd();
        cases.add(new GpuCase("sgd",
                new BenchRow("kernel", "sgd momentum").model(large.filterName()).precision("fp32")
                        .shape(large.paramCount() + " params").work(new Work(0, 20.0 * large.paramCount(), 0))
                        .note("one launch per training step: launch-bound"),
                ctx -> new KernelOps.Sgd(ctx, ends, sgd.lr(), sgd.momentum())));
    }

    private static void bicubic(BenchPlan plan, List<GpuCase> cases) {
        int p = plan.bicubicBatch(), h = plan.bicubicHeight(), w = plan.bicubicWidth();
        double in = (double) p * h * w;
        for (int k : BenchPlan.BICUBIC_SCALES) {
            double out = in * k * k;
            cases.add(new GpuCase("bicubic-up-x" + k,
                    new BenchRow("bicubic", "bicubic up x" + k).precision("fp32").shape(floatsShape(p, 1, h, w))
                            .key("bicubic_up_x" + k).work(new Work(out, 4 * (in + out), 0))
                            .ceiling(BenchRow.Ceiling.BANDWIDTH).note("Mpix/s counts output pixels"),
                    ctx -> new KernelOps.Bicubic(ctx, true, p, h, w, k)));
        }
        int k = 3;
        int bh = plan.inferHeight(), bw = plan.inferWidth();
        double bin = (double) p * bh * bw;
        double bout = (double) p * KernelOps.Bicubic.outSide(bh, k, false) * KernelOps.Bicubic.outSide(bw, k, false);
        cases.add(new GpuCase("bicubic-down-x3",
                new BenchRow("bicubic", "bicubic down /3 (aa)").precision("fp32").shape(floatsShape(p, 1, bh, bw))
                        .key("bicubic_down_x3").work(new Work(bout, 4 * (bin + bout), 0))
                        .ceiling(BenchRow.Ceiling.BANDWIDTH).note("antialiased; Mpix/s counts output pixels"),
                ctx -> new KernelOps.Bicubic(ctx, false, p, bh, bw, k)));
    }

    private static void conv(BenchPlan plan, List<GpuCase> cases) {
        List<SrcnnConfig> models = plan.quick() ? BenchPlan.models().subList(0, 1) : BenchPlan.models();
        for (SrcnnConfig cfg : models) {
            SrcnnWeights weights = BenchData.weights(cfg, 7);
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                convCase(cases, weights, l, ConvOps.Direction.FORWARD, plan.inferBatch(), plan.inferHeight(),
                        plan.inferWidth());
            }
            int n = plan.trainLargeBatch(), s = plan.trainLargeSize();
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                convCase(cases, weights, l, ConvOps.Direction.FORWARD, n, s, s);
                if (l > 0) convCase(cases, weights, l, ConvOps.Direction.BACKWARD_DATA, n, s, s);
                convCase(cases, weights, l, ConvOps.Direction.BACKWARD_FILTER, n, s, s);
            }
        }
    }

    private static void convCase(List<GpuCase> cases, SrcnnWeights weights, int layer, ConvOps.Direction d, int n,
            int h, int w) {
        SrcnnConfig cfg = weights.config();
        int cin = cfg.inChannels(layer), cout = cfg.outChannels(layer), f = cfg.filter(layer);
        double pixels = (double) n * h * w;
        double macs = pixels * cin * cout * f * f;
        double bytes = 4.0 * (pixels * (cin + cout) + (double) cout * cin * f * f);
        String op = "conv" + (layer + 1) + " " + f + "x" + f + " " + cin + "->" + cout + " " + d.id;
        String tag = n + "x" + h + "x" + w;
        cases.add(new GpuCase("conv" + (layer + 1) + "-" + d.id + "-" + cfg.filterName() + "-" + tag,
                new BenchRow("conv", op).model(cfg.filterName()).precision("fp32")
                        .shape(BenchPlan.shape(n, cin, h, w)).work(new Work(pixels, bytes, 2 * macs))
                        .key("conv" + (layer + 1) + "_" + d.id + "/" + cfg.filterName() + "/fp32/" + tag)
                        .ceiling(BenchRow.Ceiling.FP32_FMA),
                ctx -> new ConvOps.Layer(ctx, weights, layer, d, Precision.FP32, n, h, w)));
    }

    private static void inference(BenchPlan plan, List<GpuCase> cases) {
        int n = plan.inferBatch(), h = plan.inferHeight(), w = plan.inferWidth();
        double pixels = (double) n * h * w;
        for (SrcnnConfig cfg : BenchPlan.models()) {
            SrcnnWeights weights = BenchData.weights(cfg, 7);
            for (Precision p : Precision.values()) {
                BenchRow row = new BenchRow("inference", "srcnn forward").model(cfg.filterName()).precision(p.id)
                        .shape(BenchPlan.shape(n, 1, h, w)).key("infer/" + cfg.filterName() + "/" + p.id)
                        .work(new Work(pixels, 0, 2 * pixels * cfg.macsPerPixel()));
                row.ceiling(p == Precision.FP32 ? BenchRow.Ceiling.FP32_FMA : BenchRow.Ceiling.NONE);
                cases.add(new GpuCase("infer-" + cfg.filterName() + "-" + p.id, row,
                        ctx -> p == Precision.FP16 ? new ModelOps.HalfInference(ctx, weights, n, h, w)
                                : new ModelOps.Inference(ctx, weights, p, n, h, w)));
            }
        }
    }

    private static void train(BenchPlan plan, List<GpuCase> cases) {
        int[][] sizes = {{plan.trainSmallBatch(), plan.trainSmallSize()}, {plan.trainLargeBatch(), plan.trainLargeSize()}};
        List<Precision> precisions = plan.quick() ? List.of(Precision.FP32) : List.of(Precision.FP32, Precision.TF32);
        for (SrcnnConfig cfg : BenchPlan.models()) {
            SrcnnWeights weights = BenchData.weights(cfg, 7);
            for (int[] bs : sizes) {
                int batch = bs[0], size = bs[1];
                double pixels = (double) batch * size * size;
                for (Precision p : precisions) {
                    String tag = batch + "x" + size;
                    BenchRow row = new BenchRow("train", "train step sgd").model(cfg.filterName()).precision(p.id)
                            .shape(BenchPlan.shape(batch, 1, size, size))
                            .key("train/" + cfg.filterName() + "/" + p.id + "/" + tag)
                            .work(new Work(pixels, 0, 2 * pixels * ModelOps.trainMacsPerPixel(cfg)))
                            .ceiling(p == Precision.FP32 ? BenchRow.Ceiling.FP32_FMA : BenchRow.Ceiling.NONE);
                    cases.add(new GpuCase("train-" + cfg.filterName() + "-" + p.id + "-" + tag, row,
                            ctx -> new ModelOps.TrainStep(ctx, weights, p, batch, size)));
                }
            }
        }
    }
}
