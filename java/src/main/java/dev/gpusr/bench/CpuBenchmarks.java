package dev.gpusr.bench;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The CPU part of {@code gpu-sr bench}: the pure-Java engine's forward pass and training step and the CPU bicubic
 * resampler, at the plan's reduced sizes (full mode adds a 1024x1024 forward pass and a training batch of 128),
 * host-timed. These are the references the GPU rows are checked against, so their check column says "ref".
 */
public final class CpuBenchmarks {
    private CpuBenchmarks() {}

    private static final int MAX_REPEATS = 50;
    /** The side of the large forward rows (full mode). */
    static final int LARGE_INFER_SIZE = 1024;
    /** The training batch of the paper-style runs (gpu-sr train's default). */
    static final int LARGE_TRAIN_BATCH = 128;

    public static List<BenchRow> run(BenchPlan plan, Consumer<BenchRow> done) {
        List<BenchRow> rows = new ArrayList<>();
        int threads = Runtime.getRuntime().availableProcessors();
        String threadNote = threads + " threads";
        int h = plan.cpuBicubicHeight(), w = plan.cpuBicubicWidth();
        float[] plane = BenchData.uniform(h * w, 50, 0, 1);
        for (int k : BenchPlan.BICUBIC_SCALES) {
            double out = (double) h * w * k * k;
            BenchRow row = new BenchRow("cpu", "bicubic up x" + k).where("cpu").precision("fp32")
                    .shape(BenchPlan.shape(1, 1, h, w)).work(new Work(out, 4 * (out + (double) h * w), 0))
                    .note("single thread");
            measure(row, plan, r -> BicubicResampler.upscale(plane, w, h, k));
            rows.add(row);
            done.accept(row);
        }
        List<SrcnnConfig> models = BenchPlan.models();
        // full mode adds the 1024x1024 image issue 9 compares with PyTorch's CPU path (srcnn_torch_cpu.py --large)
        int[][] sizes = plan.quick() ? new int[][] {{plan.cpuInferHeight(), plan.cpuInferWidth()}}
                : new int[][] {{plan.cpuInferHeight(), plan.cpuInferWidth()}, {LARGE_INFER_SIZE, LARGE_INFER_SIZE}};
        for (SrcnnConfig cfg : models) for (int[] size : sizes) {
            int ih = size[0], iw = size[1];
            double pixels = (double) ih * iw;
            BenchRow row = new BenchRow("cpu", "srcnn forward").where("cpu").model(cfg.filterName()).precision("fp32")
                    .shape(BenchPlan.shape(1, 1, ih, iw)).work(new Work(pixels, 0, 2 * pixels * cfg.macsPerPixel()))
                    .note(threadNote);
            Tensor input = BenchData.image(1, 1, ih, iw, 51);
            withEngine(row, cfg, engine -> measure(row, plan, r -> engine.forward(input)));
            rows.add(row);
            done.accept(row);
        }
        // full mode: the small batch and the paper-sized one (training speed at both is what issue 9 compares
        // with PyTorch's CPU path; benchmarks/peer/srcnn_torch_cpu.py measures the same rows there)
        int[] batches = plan.quick() ? new int[] {plan.cpuTrainBatch()} : new int[] {plan.cpuTrainBatch(), LARGE_TRAIN_BATCH};
        for (SrcnnConfig cfg : plan.quick() ? models.subList(0, 1) : models) for (int b : batches) {
            int s = plan.cpuTrainSize();
            double pixels = (double) b * s * s;
            BenchRow row = new BenchRow("cpu", "train step sgd").where("cpu").model(cfg.filterName()).precision("fp32")
                    .shape(BenchPlan.shape(b, 1, s, s))
                    .work(new Work(pixels, 0, 2 * pixels * ModelOps.trainMacsPerPixel(cfg))).note(threadNote);
            Tensor x = BenchData.image(b, 1, s, s, 52);
            Tensor t = BenchData.image(b, 1, s, s, 53);
            withEngine(row, cfg, engine -> {
                engine.setOptimizer(OptimizerConfig.paperSgd(), null);
                measure(row, plan, r -> engine.trainStep(x, t, true));
            });
            rows.add(row);
            done.accept(row);
        }
        return rows;
    }

    private interface EngineUse {
        void use(CpuSrcnn engine) throws Exception;
    }

    private static void withEngine(BenchRow row, SrcnnConfig cfg, EngineUse use) {
        try (CpuSrcnn engine = new CpuSrcnn(BenchData.weights(cfg, 7), 0)) {
            use.use(engine);
        } catch (Exception | LinkageError e) {
            fail(row, e);
        }
    }

    private static void measure(BenchRow row, BenchPlan plan, HostTimer.Run body) {
        try {
            row.timing(HostTimer.measure(body, plan.cpuWarmups(), plan.cpuWarmupMs(), plan.cpuTargetMs(),
                    plan.cpuMinRepeats(), MAX_REPEATS));
            row.check(Check.reference());
        } catch (Exception | LinkageError e) {
            fail(row, e);
        }
    }

    static void fail(BenchRow row, Throwable e) {
        String skip = SkipException.skipReason(e);
        if (skip != null) row.skipped(skip);
        else row.error(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
