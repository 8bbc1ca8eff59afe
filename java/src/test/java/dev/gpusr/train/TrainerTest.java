package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's bookkeeping with a deterministic stand-in engine: exact resume, stop, validation, divergence, files. */
class TrainerTest {
    @TempDir
    Path dir;

    private static final SrcnnConfig TINY = new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y);
    private static final OptimizerConfig SGD = new OptimizerConfig(OptimizerConfig.Kind.SGD,
            new float[] {0.05f, 0.05f, 0.5f}, 0.9f, 0.9f, 0.999f, 1e-8f);

    /** 20 patches: steps of 3 give 6 per epoch, so runs cross epoch boundaries mid-way. */
    private static PatchDataset data(boolean augment) {
        List<Picture> pics = List.of(
                new Picture("a", 47, 61, new float[][] {TrainingData.texturedPlane(47, 61, 1)}),
                new Picture("b", 61, 47, new float[][] {TrainingData.texturedPlane(61, 47, 2)}));
        PatchDataset d = PatchDataset.build(pics, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 21, 9, augment ? PatchDataset.Augment.ALL : PatchDataset.Augment.NONE));
        return d;
    }

    private Trainer.Settings settings(long target, Path ckpt, Path out, long validateEvery) {
        return new Trainer.Settings(3, target, 1, validateEvery, 0, ckpt, out, Map.of("batch", "3"), false, 1e9);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static SrcnnWeights start() {
        return SrcnnWeights.gaussian(TINY, 0.1, 5);
    }

    @Test
    void resumingFromACheckpointRepeatsAStraightRunExactly() throws Exception {
        for (boolean augment : new boolean[] {false, true}) {
            PatchDataset data = data(augment);
            if (!augment) assertEquals(2 * 3 * 5, data.size()); // 46x60 and 60x46 at x2: 3 x 5 sub-images each
            int perEpoch = data.size() / 3;
            int half = perEpoch + 1; // the checkpoint falls in the second epoch
            FakeEngine straight = new FakeEngine(start());
            new Trainer(straight, data, null, SGD, settings(2 * half, null, null, 0), quiet(), quiet())
                    .run(TrainingState.fresh(77), null);

            Path ckpt = dir.resolve("run" + augment + ".ckpt.safetensors");
            FakeEngine first = new FakeEngine(start());
            Trainer.Result firstHalf = new Trainer(first, data, null, SGD, settings(half, ckpt, null, 0), quiet(),
                    quiet()).run(TrainingState.fresh(77), null);
            assertEquals(half, firstHalf.state().step());
            assertEquals(1, firstHalf.state().epoch());
            assertEquals(1, firstHalf.state().epochPosition());

            Checkpoint c = Checkpoint.read(ckpt);
            assertEquals(firstHalf.state(), c.progress());
            FakeEngine second = new FakeEngine(c.weights());
            Trainer.Result end = new Trainer(second, data, null, c.optimizer(), settings(2 * half, ckpt, null, 0),
                    quiet(), quiet()).run(c.progress(), c.optimizerState());
            assertEquals(2 * half, end.state().step());
            assertEquals(half, end.stepsRun());

            List<Integer> resumedBatches = new java.util.ArrayList<>(first.batchHashes);
            resumedBatches.addAll(second.batchHashes);
            assertEquals(straight.batchHashes, resumedBatches);
            assertArrayEquals(straight.weights().params(), second.weights().params());
            assertArrayEquals(straight.optimizerState().m(), second.optimizerState().m());
            assertEquals(straight.optimizerState().step(), second.optimizerState().step());
        }
    }

    @Test
    void theOrderChangesEachEpochAndDependsOnTheSeed() throws Exception {
        PatchDataset data = data(false);
        int perEpoch = data.size() / 3;
        FakeEngine a = new FakeEngine(start());
        new Trainer(a, data, null, SGD, settings(2 * perEpoch, null, null, 0), quiet(), quiet())
                .run(TrainingState.fresh(1), null);
        FakeEngine b = new FakeEngine(start());
        new Trainer(b, data, null, SGD, settings(2 * perEpoch, null, null, 0), quiet(), quiet())
                .run(TrainingState.fresh(2), null);
        // every patch once per epoch, in a new order each epoch
        assertEquals(new java.util.HashSet<>(a.batchHashes.subList(0, perEpoch)).size(), perEpoch);
        assertNotEquals(a.batchHashes.subList(0, perEpoch), a.batchHashes.subList(perEpoch, 2 * perEpoch));
        assertNotEquals(a.batchHashes, b.batchHashes);
        assertFalse(java.util.Arrays.equals(a.weights().params(), b.weights().params()));
    }

    @Test
    void aStopRequestEndsAfterTheCurrentStepWithACheckpointThatResumesExactly() throws Exception {
        PatchDataset data = data(true);
        FakeEngine straight = new FakeEngine(start());
        new Trainer(straight, data, null, SGD, settings(12, null, null, 0), quiet(), quiet())
                .run(TrainingState.fresh(3), null);

        Path ckpt = dir.resolve("stop.ckpt.safetensors");
        Path model = dir.resolve("model.safetensors");
        FakeEngine stopped = new FakeEngine(start());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Trainer trainer = new Trainer(stopped, data, null, SGD, settings(12, ckpt, model, 0),
                new PrintStream(out, true, StandardCharsets.UTF_8), quiet());
        stopped.afterStep = steps -> {
            if (steps == 5) trainer.requestStop();
        };
        Trainer.Result r = trainer.run(TrainingState.fresh(3), null);
        assertTrue(r.interrupted());
        assertEquals(5, r.state().step());
        assertTrue(trainer.awaitFinish(0));
        assertFalse(Files.exists(model), "an interrupted run leaves -o alone");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--resume " + ckpt), out.toString(StandardCharsets.UTF_8));

        Checkpoint c = Checkpoint.read(ckpt);
        assertEquals(5, c.progress().step());
        FakeEngine rest = new FakeEngine(c.weights());
        new Trainer(rest, data, null, c.optimizer(), settings(12, ckpt, model, 0), quiet(), quiet())
                .run(c.progress(), c.optimizerState());
        assertArrayEquals(straight.weights().params(), rest.weights().params());
        assertArrayEquals(straight.weights().params(), SrcnnWeights.load(model, 2).params());
        Map<String, String> meta = Safetensors.read(model).metadata();
        assertEquals("12", meta.get("train.steps"));
        assertEquals("2", meta.get("scale"));
    }

    @Test
    void validationRunsOnScheduleAndKeepsTheBest() throws Exception {
        PatchDataset data = data(false);
        Image val = TrainingData.gray(40, 36, 9);
        ValidationSet validation = ValidationSet.of(List.of("v"), List.of(val), 2, SrcnnConfig.ColorSpace.Y);
        // the fake adds conv3's bias: zero bias = bicubic exactly
        SrcnnWeights w = start();
        w.params()[TINY.offset(SrcnnConfig.Param.CONV3_BIAS)] = 0;
        FakeEngine engine = new FakeEngine(w);
        ValidationSet.Scores atStart = validation.evaluate(engine);
        assertEquals(atStart.bicubicPsnr(), atStart.psnr(), 1e-12);
        assertTrue(atStart.psnr() > 20 && atStart.psnr() < 60, "bicubic PSNR " + atStart.psnr());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path ckpt = dir.resolve("v.ckpt.safetensors");
        Trainer.Result r = new Trainer(engine, data, validation, SGD, settings(10, ckpt, null, 4),
                new PrintStream(out, true, StandardCharsets.UTF_8), quiet()).run(TrainingState.fresh(1), null);
        String text = out.toString(StandardCharsets.UTF_8);
        long lines = text.lines().filter(l -> l.contains("val PSNR")).count();
        assertEquals(3, lines, text); // steps 4, 8 and the last, 10
        assertTrue(r.state().hasBest());
        assertTrue(r.state().bestStep() == 4 || r.state().bestStep() == 8 || r.state().bestStep() == 10);
        assertTrue(r.state().bestPsnr() >= r.lastScores().psnr());
        assertEquals(r.state().bestPsnr(), Checkpoint.read(ckpt).progress().bestPsnr());
    }

    @Test
    void aNonFiniteLossStopsTheRunWithAClearMessage() {
        FakeEngine engine = new FakeEngine(start());
        engine.nanFrom = 4;
        Trainer t = new Trainer(engine, data(false), null, SGD, settings(10, null, null, 0), quiet(), quiet());
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> t.run(TrainingState.fresh(1), null));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 4")
                && e.getMessage().contains("lower --lr"), e.getMessage());
    }

    @Test
    void progressIsOneLineAtATimeOffATerminalAndRedrawnOnOne() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Settings plain = new Trainer.Settings(3, 6, 2, 0, 0, null, null, Map.of(), false, 0);
        new Trainer(new FakeEngine(start()), data(false), null, SGD, plain, quiet(),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(TrainingState.fresh(1), null);
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(6, text.lines().count(), text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("step ") && l.contains("steps/s") && l.contains("ETA")), text);
        assertTrue(text.contains("step 6/6 (epoch 1) loss "), text);
        assertFalse(text.contains("\r"));

        ByteArrayOutputStream live = new ByteArrayOutputStream();
        Trainer.Settings terminal = new Trainer.Settings(3, 6, 2, 0, 0, null, null, Map.of(), true, 0);
        new Trainer(new FakeEngine(start()), data(false), null, SGD, terminal, quiet(),
                new PrintStream(live, true, StandardCharsets.UTF_8)).run(TrainingState.fresh(1), null);
        String redrawn = live.toString(StandardCharsets.UTF_8);
        assertTrue(redrawn.startsWith("\rstep ") && redrawn.endsWith("\n"), redrawn);
        assertEquals(1, redrawn.split("\n").length);
        assertTrue(redrawn.split("\r").length >= 3, redrawn); // redrawn more than once
    }

    @Test
    void lossTextAndDurationsReadWell() {
        assertEquals("1.0000e-03 (30.00 dB)", TrainingProgress.lossText(1e-3));
        assertEquals("-", TrainingProgress.lossText(Double.NaN));
        assertEquals("59s", TrainingProgress.duration(59.4));
        assertEquals("2m05s", TrainingProgress.duration(125));
        assertEquals("3h02m", TrainingProgress.duration(3 * 3600 + 125));
        assertEquals("12.3k", TrainingProgress.compact(12_345));
    }

    @Test
    void tooFewPatchesForOneBatchIsRefused() {
        PatchDataset data = data(false);
        Trainer.Settings big = new Trainer.Settings(data.size() + 1, 1, 1, 0, 0, null, null, Map.of(), false, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(new FakeEngine(start()), data, null, SGD, big, quiet(), quiet()));
        assertTrue(e.getMessage().contains("fewer than one batch"), e.getMessage());
    }
}
