package dev.gpusr.bench;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.cuda.CudaSrcnn;
import dev.gpusr.device.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * The CUDA engine as a user calls it ({@link Engines#open} with the GPU index): forward on host tensors and a
 * training step on host batches, timed on the host clock. Unlike the pipeline rows these include the copies between
 * Java arrays and the card, so they compare with PyTorch's host-to-host numbers, not its device-only ones.
 */
public final class EngineBenchmarks {
    private EngineBenchmarks() {}

    /** Training steps per timed repeat; only the last reads the loss back, as a training loop would. */
    static final int STEPS_PER_REPEAT = 10;
    /** The engine's default precision is its own choice: judge it at the TF32 tolerance. */
    static final double TOLERANCE = Precision.TF32.tolerance();

    public static void run(int device, BenchPlan plan, PrintStream notices, Consumer<BenchRow> done) {
        List<SrcnnConfig> models = plan.quick() ? BenchPlan.models().subList(0, 1) : BenchPlan.models();
        for (SrcnnConfig cfg : models) {
            SrcnnWeights weights = BenchData.weights(cfg, 7);
            int n = plan.inferBatch(), h = plan.inferHeight(), w = plan.inferWidth();
            double pixels = (double) n * h * w;
            BenchRow infer = new BenchRow("engine", "engine forward h2h").model(cfg.filterName()).precision("default")
                    .shape(BenchPlan.shape(n, 1, h, w)).key("engine_infer/" + cfg.filterName())
                    .work(new Work(pixels, 0, 2 * pixels * cfg.macsPerPixel()))
                    .note("host tensors in and out, incl. PCIe copies");
            int b = plan.trainSmallBatch(), s = plan.trainSmallSize();
            double trainPixels = (double) b * s * s;
            BenchRow train = new BenchRow("engine", "engine train step h2d").model(cfg.filterName()).precision("default")
                    .shape(BenchPlan.shape(b, 1, s, s)).key("engine_train/" + cfg.filterName() + "/" + b + "x" + s)
                    .work(new Work(trainPixels, 0, 2 * trainPixels * ModelOps.trainMacsPerPixel(cfg)))
                    .note("host batch each step; loss read every " + STEPS_PER_REPEAT + " steps");
            BenchRow inferDevice = new BenchRow("engine", "engine forward on device").model(cfg.filterName())
                    .precision("fp32").shape(BenchPlan.shape(n, 1, h, w)).key("engine_infer_device/" + cfg.filterName())
                    .work(new Work(pixels, 0, 2 * pixels * cfg.macsPerPixel()))
                    .note("CudaSrcnn's own forward (its math and algorithm choice), input already on the GPU");
            try (SrcnnEngine engine = Engines.open(Integer.toString(device), weights, notices)) {
                infer.note(infer.note() + "; " + engine.name());
                runInference(engine, weights, plan, infer);
                done.accept(infer);
                if (engine instanceof CudaSrcnn cuda) {
                    runDeviceInference(cuda, weights, plan, inferDevice);
                    done.accept(inferDevice);
                }
                runTraining(engine, weights, plan, train);
                done.accept(train);
            } catch (Exception | LinkageError e) {
                for (BenchRow r : new BenchRow[] {infer, inferDevice, train}) {
                    if (r.timing() == null && r.status() == BenchRow.Status.OK) {
                        CpuBenchmarks.fail(r, e);
                        done.accept(r);
                    }
                }
            }
        }
    }

    private static void runInference(SrcnnEngine engine, SrcnnWeights weights, BenchPlan plan, BenchRow row) {
        try {
            Tensor small = BenchData.image(2, 1, 40, 52, 60);
            Tensor got = engine.forward(small);
            row.check(againstCpu(weights, cpu -> Check.compare("engine forward vs CpuSrcnn",
                    BenchData.toDouble(cpu.forward(small).data), got.data, TOLERANCE)));
            Tensor input = BenchData.image(plan.inferBatch(), 1, plan.inferHeight(), plan.inferWidth(), 61);
            row.timing(HostTimer.measure(r -> engine.forward(input), plan.gpuWarmups(), plan.gpuTargetMs(),
                    plan.gpuMinRepeats(), plan.gpuMaxRepeats()));
        } catch (Exception | LinkageError e) {
            CpuBenchmarks.fail(row, e);
        }
    }

    /**
     * The engine's forward with nothing crossing PCIe: what users get per batch once frames are on the card. The
     * timed input is the bench's image data, staged once; the output's corner is checked against the CPU engine at
     * the tolerance of the engine's math before timing, on the engine's stream with CUDA events.
     */
    private static void runDeviceInference(CudaSrcnn engine, SrcnnWeights weights, BenchPlan plan, BenchRow row) {
        try {
            Tensor input = BenchData.image(plan.inferBatch(), 1, plan.inferHeight(), plan.inferWidth(), 61);
            engine.stageBatch(input, null);
            engine.forwardStaged();
            Tensor out = engine.stagedOutput();
            boolean fp32 = engine.options().math() == CudaOptions.MathMode.FMA;
            row.precision(fp32 ? "fp32" : "tf32");
            row.check(ModelOps.cornerAgainstCpu(weights, input.data, out.data, input.h, input.w,
                    (fp32 ? Precision.FP32 : Precision.TF32).tolerance()));
            row.timing(new GpuTimer(plan).measure(engine.context(), r -> engine.forwardStaged()));
        } catch (Exception | LinkageError e) {
            CpuBenchmarks.fail(row, e);
        }
    }

    private static void runTraining(SrcnnEngine engine, SrcnnWeights weights, BenchPlan plan, BenchRow row) {
        try {
            Tensor sx = BenchData.image(2, 1, 17, 17, 62);
            Tensor st = BenchData.image(2, 1, 17, 17, 63);
            engine.loadWeights(weights);
            double loss = engine.computeGradients(sx, st);
            float[] grads = engine.gradients();
            row.check(againstCpu(weights, cpu -> {
                double cpuLoss = cpu.computeGradients(sx, st);
                return Check.compare("engine loss", new double[] {cpuLoss}, new float[] {(float) loss}, TOLERANCE)
                        .and(Check.compare("engine gradients", BenchData.toDouble(cpu.gradients()), grads, TOLERANCE));
            }));
            engine.setOptimizer(OptimizerConfig.paperSgd(), null);
            Tensor x = BenchData.image(plan.trainSmallBatch(), 1, plan.trainSmallSize(), plan.trainSmallSize(), 64);
            Tensor t = BenchData.image(plan.trainSmallBatch(), 1, plan.trainSmallSize(), plan.trainSmallSize(), 65);
            Timing blocks = HostTimer.measure(r -> {
                for (int i = 1; i < STEPS_PER_REPEAT; i++) engine.trainStep(x, t, false);
                engine.trainStep(x, t, true);
            }, 1, plan.gpuTargetMs(), plan.gpuMinRepeats(), plan.gpuMaxRepeats());
            double[] perStep = blocks.hostMs().clone();
            for (int i = 0; i < perStep.length; i++) perStep[i] /= STEPS_PER_REPEAT;
            row.timing(Timing.host(perStep));
        } catch (Exception | LinkageError e) {
            CpuBenchmarks.fail(row, e);
        }
    }

    private interface CpuCheck {
        Check run(CpuSrcnn cpu);
    }

    private static Check againstCpu(SrcnnWeights weights, CpuCheck check) {
        try (CpuSrcnn cpu = new CpuSrcnn(weights, 0)) {
            return check.run(cpu);
        }
    }
}
