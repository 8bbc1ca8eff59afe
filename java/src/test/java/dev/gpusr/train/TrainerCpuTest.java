package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on the real CPU engine with small models: exact resume (direct and Winograd kernels) and a loss that falls. */
class TrainerCpuTest {
    @TempDir
    Path dir;

    private static final SrcnnConfig TINY = new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y);
    /** The bundled models' 9-5-5 shape, narrowed to 16 channels: its 5x5 layers take the Winograd kernels both ways. */
    private static final SrcnnConfig WINOGRAD_955 = new SrcnnConfig(1, 16, 16, 9, 5, 5, 2, SrcnnConfig.ColorSpace.Y);
    private static final int BATCH = 8;

    private static PatchDataset data(boolean augment) {
        List<Picture> pics = List.of(
                new Picture("a", 48, 40, new float[][] {TrainingData.texturedPlane(48, 40, 1)}),
                new Picture("b", 40, 48, new float[][] {TrainingData.texturedPlane(40, 48, 2)}));
        return PatchDataset.build(pics, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 15, 6, augment ? PatchDataset.Augment.ALL : PatchDataset.Augment.NONE));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static Trainer.Settings settings(long target, Path ckpt) {
        return new Trainer.Settings(BATCH, target, 5, 0, 0, ckpt, null, Map.of(), false, 1e9);
    }

    /** MSE over every patch of the dataset with the engine's current weights. */
    private static double datasetLoss(CpuSrcnn engine, PatchDataset data) {
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Tensor[] batch = data.newBatch(all.length);
        data.fill(batch[0], batch[1], all);
        Tensor out = engine.forward(batch[0]);
        double sum = 0;
        for (int i = 0; i < out.data.length; i++) {
            double d = out.data[i] - batch[1].data[i];
            sum += d * d;
        }
        return sum / out.data.length;
    }

    @Test
    void resumingOnTheCpuEngineGivesBitIdenticalWeights() throws Exception {
        OptimizerConfig adam = OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-4f});
        for (SrcnnConfig config : List.of(TINY, WINOGRAD_955))
        for (OptimizerConfig opt : List.of(OptimizerConfig.paperSgd(), adam)) {
            PatchDataset data = data(true);
            int perEpoch = data.size() / BATCH;
            long half = perEpoch + 2; // the checkpoint falls inside the second epoch
            SrcnnWeights init = config == TINY ? SrcnnWeights.gaussian(config, 0.05, 3) : SrcnnWeights.he(config, 3);
            try (CpuSrcnn engine = new CpuSrcnn(init, 1)) {
                assertEquals(config == WINOGRAD_955, engine.trainsWithWinograd(), config.toString());
            }

            SrcnnWeights straight;
            try (CpuSrcnn engine = new CpuSrcnn(init, 2)) {
                new Trainer(engine, data, null, opt, settings(2 * half, null), quiet(), quiet())
                        .run(TrainingState.fresh(11), null);
                straight = engine.weights();
            }
            Path ckpt = dir.resolve(opt.kind() + ".ckpt.safetensors");
            try (CpuSrcnn engine = new CpuSrcnn(init, 2)) {
                new Trainer(engine, data, null, opt, settings(half, ckpt), quiet(), quiet())
                        .run(TrainingState.fresh(11), null);
            }
            Checkpoint c = Checkpoint.read(ckpt);
            assertEquals(half, c.progress().step());
            SrcnnWeights resumed;
            // the CPU engine's sums do not depend on its thread count, so the resumed run may use another
            try (CpuSrcnn engine = new CpuSrcnn(c.weights(), 1)) {
                new Trainer(engine, data, null, c.optimizer(), settings(2 * half, null), quiet(), quiet())
                        .run(c.progress(), c.optimizerState());
                resumed = engine.weights();
            }
            assertFalse(java.util.Arrays.equals(init.params(), straight.params()), "training changed nothing");
            assertArrayEquals(straight.params(), resumed.params(), config + " " + opt.kind() + " resume differs");
        }
    }

    @Test
    void twoHundredAdamStepsHalveTheLossOfATinyModel() throws Exception {
        PatchDataset data = data(false);
        try (CpuSrcnn engine = new CpuSrcnn(SrcnnWeights.gaussian(TINY, 0.001, 1), 2)) {
            double before = datasetLoss(engine, data);
            Trainer.Result r = new Trainer(engine, data, null, OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-3f}),
                    settings(200, null), quiet(), quiet()).run(TrainingState.fresh(1), null);
            double after = datasetLoss(engine, data);
            assertEquals(200, r.state().step());
            assertTrue(Double.isFinite(r.lastLoss()));
            System.out.printf("dataset MSE before %.6f after 200 Adam steps %.6f%n", before, after);
            // from ~mean(label^2) (output ~0 at std 0.001) to well under half
            assertTrue(before > 0.1, "initial loss " + before);
            assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
        }
    }
}
