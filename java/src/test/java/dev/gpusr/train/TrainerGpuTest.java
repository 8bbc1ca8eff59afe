package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.cuda.CudaSrcnn;
import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the CUDA engine: exact resume with --deterministic, a falling loss, CPU-equal validation. */
@Tag("gpu")
class TrainerGpuTest {
    @TempDir
    Path dir;

    private static final SrcnnConfig TINY = new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y);
    private static final int BATCH = 8;
    private static final CudaOptions DETERMINISTIC = CudaOptions.defaults().withDeterministic(true);

    @BeforeEach
    void gpu() {
        Assumptions.assumeTrue(GpuAvailability.usable(),
                () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse("?"));
    }

    private static PatchDataset data() {
        List<Picture> pics = List.of(
                new Picture("a", 48, 40, new float[][] {TrainingData.texturedPlane(48, 40, 1)}),
                new Picture("b", 40, 48, new float[][] {TrainingData.texturedPlane(40, 48, 2)}));
        return PatchDataset.build(pics, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 15, 6, PatchDataset.Augment.ALL));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static Trainer.Settings settings(long target, Path ckpt) {
        return new Trainer.Settings(BATCH, target, 5, 0, 0, ckpt, null, Map.of(), false, 1e9);
    }

    @Test
    void resumingOnTheGpuWithDeterministicAlgorithmsGivesBitIdenticalWeights() throws Exception {
        PatchDataset data = data();
        OptimizerConfig adam = OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-4f});
        long half = data.size() / BATCH + 2;
        SrcnnWeights init = SrcnnWeights.gaussian(TINY, 0.05, 3);
        SrcnnWeights straight;
        try (CudaSrcnn engine = new CudaSrcnn(0, init, DETERMINISTIC)) {
            new Trainer(engine, data, null, adam, settings(2 * half, null), quiet(), quiet())
                    .run(TrainingState.fresh(11), null);
            straight = engine.weights();
        }
        Path ckpt = dir.resolve("gpu.ckpt.safetensors");
        try (CudaSrcnn engine = new CudaSrcnn(0, init, DETERMINISTIC)) {
            new Trainer(engine, data, null, adam, settings(half, ckpt), quiet(), quiet()).run(TrainingState.fresh(11), null);
        }
        Checkpoint c = Checkpoint.read(ckpt);
        try (CudaSrcnn engine = new CudaSrcnn(0, c.weights(), DETERMINISTIC)) {
            new Trainer(engine, data, null, c.optimizer(), settings(2 * half, null), quiet(), quiet())
                    .run(c.progress(), c.optimizerState());
            assertArrayEquals(straight.params(), engine.weights().params(), "resumed GPU run differs from a straight one");
        }
    }

    @Test
    void twoHundredAdamStepsOnTheGpuHalveTheLoss() throws Exception {
        PatchDataset data = data();
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        var batch = data.newBatch(all.length);
        data.fill(batch[0], batch[1], all);
        SrcnnWeights init = SrcnnWeights.gaussian(TINY, 0.001, 1);
        try (CudaSrcnn engine = new CudaSrcnn(0, init); CpuSrcnn oracle = new CpuSrcnn(init, 0)) {
            double before = oracle.computeGradients(batch[0], batch[1]); // output ~0: loss ~ mean(label^2)
            Trainer.Result r = new Trainer(engine, data, null, OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-3f}),
                    settings(200, null), quiet(), quiet()).run(TrainingState.fresh(1), null);
            oracle.loadWeights(engine.weights());
            double after = oracle.computeGradients(batch[0], batch[1]);
            assertTrue(before > 0.1, "initial loss " + before);
            assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
            assertTrue(Double.isFinite(r.lastLoss()));
        }
    }

    @Test
    void validationScoresOnTheGpuMatchTheCpu() {
        ValidationSet val = ValidationSet.of(List.of("v"), List.of(TrainingData.gray(52, 44, 5)), 2,
                SrcnnConfig.ColorSpace.Y);
        SrcnnWeights w = SrcnnWeights.gaussian(TINY, 0.05, 8);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            ValidationSet.Scores g = val.evaluate(gpu);
            ValidationSet.Scores c = val.evaluate(cpu);
            assertEquals(c.psnr(), g.psnr(), 0.01);
            assertEquals(c.ssim(), g.ssim(), 1e-4);
            assertEquals(c.bicubicPsnr(), g.bicubicPsnr(), 0);
        }
    }
}
