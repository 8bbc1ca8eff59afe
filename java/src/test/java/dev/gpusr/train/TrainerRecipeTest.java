package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training recipe: learning-rate schedules, best-weight keeping and the metrics file, with exact resume. */
class TrainerRecipeTest {
    @TempDir
    Path dir;

    private static final SrcnnConfig TINY = new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y);
    private static final int BATCH = 8;

    private static PatchDataset data() {
        List<Picture> pics = List.of(
                new Picture("a", 48, 40, new float[][] {TrainingData.texturedPlane(48, 40, 1)}),
                new Picture("b", 40, 48, new float[][] {TrainingData.texturedPlane(40, 48, 2)}));
        return PatchDataset.build(pics, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 15, 6, PatchDataset.Augment.ALL));
    }

    private static ValidationSet validation() {
        return ValidationSet.of(List.of("v"), List.of(TrainingData.gray(40, 36, 9)), 2, SrcnnConfig.ColorSpace.Y);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** A CPU engine that asks its trainer to stop after a given number of updates (the stop lands after that step). */
    private static final class StopAfter implements SrcnnEngine {
        final CpuSrcnn inner;
        final long stopAfter;
        Trainer trainer;
        long steps;

        StopAfter(CpuSrcnn inner, long stopAfter) {
            this.inner = inner;
            this.stopAfter = stopAfter;
        }

        @Override public String name() { return inner.name(); }
        @Override public String id() { return inner.id(); }
        @Override public SrcnnConfig config() { return inner.config(); }
        @Override public void loadWeights(SrcnnWeights w) { inner.loadWeights(w); }
        @Override public SrcnnWeights weights() { return inner.weights(); }
        @Override public Tensor upsample(Tensor t, int k) { return inner.upsample(t, k); }
        @Override public Tensor forward(Tensor t) { return inner.forward(t); }
        @Override public double computeGradients(Tensor in, Tensor target) { return inner.computeGradients(in, target); }
        @Override public float[] gradients() { return inner.gradients(); }
        @Override public void setOptimizer(OptimizerConfig c, OptimizerState s) { inner.setOptimizer(c, s); }
        @Override public void setLearningRates(float[] lr) { inner.setLearningRates(lr); }
        @Override public OptimizerState optimizerState() { return inner.optimizerState(); }
        @Override public void close() { inner.close(); }

        @Override
        public void applyOptimizer() {
            inner.applyOptimizer();
            if (++steps == stopAfter) trainer.requestStop();
        }
    }

    private Trainer.Settings settings(String name, long target) {
        Map<String, String> options = Map.of("batch", Integer.toString(BATCH), "train", "tiny");
        return new Trainer.Settings(BATCH, target, 1, 6, 6, dir.resolve(name + ".ckpt.safetensors"),
                dir.resolve(name + ".safetensors"), options, false, 1e9)
                .withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, 3, null))
                .withMetrics(dir.resolve(name + ".metrics.jsonl"), 4, null);
    }

    private static List<Map<String, Object>> withoutTiming(List<Map<String, Object>> lines) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> l : lines) {
            Map<String, Object> m = new LinkedHashMap<>(l);
            m.remove("sub_images_per_s");
            out.add(m);
        }
        return out;
    }

    @Test
    void aCosineRunStoppedAndResumedHalfWayEndsBitIdenticalToAStraightOne() throws Exception {
        PatchDataset data = data();
        ValidationSet validation = validation();
        OptimizerConfig adam = OptimizerConfig.adam(new float[] {3e-3f, 3e-3f, 3e-4f});
        SrcnnWeights init = SrcnnWeights.gaussian(TINY, 0.05, 3);
        long total = 24;

        Trainer.Result straight;
        try (CpuSrcnn engine = new CpuSrcnn(init, 2)) {
            straight = new Trainer(engine, data, validation, adam, settings("straight", total), quiet(), quiet())
                    .run(TrainingState.fresh(11), null);
        }
        try (StopAfter engine = new StopAfter(new CpuSrcnn(init, 2), total / 2)) {
            engine.trainer = new Trainer(engine, data, validation, adam, settings("split", total), quiet(), quiet());
            Trainer.Result first = engine.trainer.run(TrainingState.fresh(11), null);
            assertTrue(first.interrupted());
            assertEquals(total / 2, first.state().step());
        }
        Checkpoint c = Checkpoint.read(dir.resolve("split.ckpt.safetensors"));
        assertEquals(total / 2, c.progress().step());
        assertNotNull(c.bestParams(), "validation ran at step 6: the checkpoint keeps its weights");
        Trainer.Result rest;
        try (CpuSrcnn engine = new CpuSrcnn(c.weights(), 1)) { // another thread count: the sums do not depend on it
            rest = new Trainer(engine, data, validation, c.optimizer(), settings("split", total), quiet(), quiet())
                    .run(c.progress(), c.optimizerState(), c.bestWeights());
        }

        assertEquals(straight.state(), rest.state());
        assertArrayEquals(Checkpoint.read(dir.resolve("straight.ckpt.safetensors")).weights().params(),
                Checkpoint.read(dir.resolve("split.ckpt.safetensors")).weights().params(), "last weights differ");
        assertArrayEquals(SrcnnWeights.load(dir.resolve("straight.safetensors"), 2).params(),
                SrcnnWeights.load(dir.resolve("split.safetensors"), 2).params(), "best weights differ");
        List<Map<String, Object>> a = TrainingMetrics.read(dir.resolve("straight.metrics.jsonl"));
        List<Map<String, Object>> b = TrainingMetrics.read(dir.resolve("split.metrics.jsonl"));
        assertEquals(withoutTiming(a), withoutTiming(b), "metrics lines differ (appended twice or lost?)");
    }

    @Test
    void metricsLinesComeAtTheirIntervalsWithTheScheduledRatesAndValidationScores() throws Exception {
        PatchDataset data = data();
        OptimizerConfig adam = OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-4f});
        Trainer.Settings s = settings("m", 12);
        try (CpuSrcnn engine = new CpuSrcnn(SrcnnWeights.gaussian(TINY, 0.05, 3), 2)) {
            new Trainer(engine, data, validation(), adam, s, quiet(), quiet()).run(TrainingState.fresh(1), null);
        }
        List<Map<String, Object>> lines = TrainingMetrics.read(dir.resolve("m.metrics.jsonl"));
        List<Long> steps = new ArrayList<>();
        for (Map<String, Object> l : lines) steps.add(((Number) l.get("step")).longValue());
        assertEquals(List.of(4L, 6L, 8L, 12L), steps); // every 4, plus validations/checkpoints at 6 and 12
        for (Map<String, Object> l : lines) {
            long step = ((Number) l.get("step")).longValue();
            float[] expected = s.schedule().rates(adam.lr(), step - 1, 12); // the rates of the line's last update
            List<?> lr = (List<?>) l.get("lr");
            for (int i = 0; i < 3; i++) assertEquals(expected[i], ((Number) lr.get(i)).floatValue(), "lr at " + step);
            assertTrue(TrainingMetrics.number(l, "loss") > 0, "loss at " + step);
            assertTrue(TrainingMetrics.number(l, "sub_images_per_s") > 0, "rate at " + step);
            assertTrue(TrainingMetrics.number(l, "sub_images_per_s") > BATCH * 0.5, "a rate of batches, not sub-images?");
            boolean validated = step % 6 == 0;
            assertEquals(validated, l.containsKey("val_psnr"), "validation fields at " + step);
            if (validated) {
                assertTrue(Double.isFinite(TrainingMetrics.number(l, "val_psnr")));
                assertTrue(TrainingMetrics.number(l, "bicubic_psnr") > 10);
                assertTrue(TrainingMetrics.number(l, "val_ssim") > 0);
            }
        }
        // warm-up 3 then cosine over 9: the first line's update (index 3) has the full rate
        assertEquals(1e-3f, ((Number) ((List<?>) lines.get(0).get("lr")).get(0)).floatValue());
    }

    @Test
    void theModelFileGetsTheBestValidatingWeightsAndTheCheckpointTheLast() throws Exception {
        // SGD without momentum at a rate that overshoots: conv3's bias (the fake's whole network) swings further off
        // each update, so the first validation (step 2) is the best and later ones are worse
        OptimizerConfig overshoot = new OptimizerConfig(OptimizerConfig.Kind.SGD, new float[] {1.5f, 1.5f, 1.5f}, 0f,
                0.9f, 0.999f, 1e-8f);
        List<Picture> pics = List.of(new Picture("a", 47, 61, new float[][] {TrainingData.texturedPlane(47, 61, 1)}));
        PatchDataset data = PatchDataset.build(pics, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 21, 9, PatchDataset.Augment.NONE));
        SrcnnWeights init = SrcnnWeights.gaussian(TINY, 0.1, 5);
        Path model = dir.resolve("best.safetensors");
        Path ckpt = dir.resolve("best.ckpt.safetensors");
        Trainer.Settings s = new Trainer.Settings(3, 6, 1, 2, 0, ckpt, model, Map.of("train", "tiny"), false, 1e9);
        Trainer.Result r = new Trainer(new FakeEngine(init), data, validation(), overshoot, s, quiet(), quiet())
                .run(TrainingState.fresh(1), null);
        assertEquals(2, r.state().bestStep());

        FakeEngine twoSteps = new FakeEngine(init);
        new Trainer(twoSteps, data, null, overshoot, new Trainer.Settings(3, 2, 1, 0, 0, null, null, Map.of(), false, 1e9),
                quiet(), quiet()).run(TrainingState.fresh(1), null);
        assertArrayEquals(twoSteps.weights().params(), SrcnnWeights.load(model, 2).params());
        assertFalse(java.util.Arrays.equals(twoSteps.weights().params(), Checkpoint.read(ckpt).weights().params()));
        assertEquals(6, Checkpoint.read(ckpt).progress().step());
        Map<String, String> meta = Safetensors.read(model).metadata();
        assertEquals("2", meta.get("train.steps"));
        assertEquals("2", meta.get("train.best_val_step"));
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", r.state().bestPsnr()), meta.get("train.best_val_psnr"));
        assertEquals("tiny", meta.get("train.train"));
        assertEquals("sgd", meta.get("train.optimizer"));
        assertEquals("constant", meta.get("train.lr_schedule"));
        assertNull(meta.get("train.best_params"));
    }
}
