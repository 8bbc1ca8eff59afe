package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static final SrcnnConfig TINY = new SrcnnConfig(1, 8, 4, 5, 1, 3, 3, SrcnnConfig.ColorSpace.Y);

    private static float[] random(int n, long seed) {
        SplitMix64 r = new SplitMix64(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static Checkpoint sample(OptimizerConfig opt) {
        SrcnnWeights w = SrcnnWeights.gaussian(TINY, 0.1, 4);
        int n = TINY.paramCount();
        OptimizerState s = new OptimizerState(random(n, 1),
                opt.kind() == OptimizerConfig.Kind.ADAM ? random(n, 2) : new float[0], 77);
        TrainingState t = new TrainingState(1234, 5, 17, -0x1234_5678_9ABC_DEF0L, 31.234567891234, 1200);
        return new Checkpoint(w, opt, s, t, Map.of("batch", "16", "train", "/data/T91"));
    }

    @Test
    void roundTripsEverythingBitForBit() throws Exception {
        for (OptimizerConfig opt : List.of(OptimizerConfig.paperSgd(),
                OptimizerConfig.adam(new float[] {3e-4f, 1.7e-4f, 1.1e-5f}))) {
            Checkpoint c = sample(opt);
            Path file = dir.resolve(opt.kind() + ".ckpt.safetensors");
            c.write(file);
            Checkpoint back = Checkpoint.read(file);
            assertArrayEquals(c.weights().params(), back.weights().params());
            assertEquals(TINY, back.weights().config());
            assertEquals(opt.kind(), back.optimizer().kind());
            assertArrayEquals(opt.lr(), back.optimizer().lr());
            assertEquals(opt.momentum(), back.optimizer().momentum());
            assertEquals(opt.beta1(), back.optimizer().beta1());
            assertEquals(opt.beta2(), back.optimizer().beta2());
            assertEquals(opt.eps(), back.optimizer().eps());
            assertArrayEquals(c.optimizerState().m(), back.optimizerState().m());
            assertArrayEquals(c.optimizerState().v(), back.optimizerState().v());
            assertEquals(77, back.optimizerState().step());
            assertEquals(c.progress(), back.progress());
            assertEquals(c.options(), back.options());
        }
    }

    @Test
    void aCheckpointLoadsAsAModel() throws Exception {
        Checkpoint c = sample(OptimizerConfig.adam(new float[] {1e-4f, 1e-4f, 1e-5f}));
        Path file = dir.resolve("a.ckpt.safetensors");
        c.write(file);
        SrcnnWeights model = SrcnnWeights.load(file, 3);
        assertEquals(TINY, model.config());
        assertArrayEquals(c.weights().params(), model.params());
        Map<String, Safetensors.Entry> tensors = Safetensors.read(file).tensors();
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias",
                "optimizer.m", "optimizer.v"), List.copyOf(tensors.keySet()));
    }

    @Test
    void aModelFileOrADamagedCheckpointIsRefusedWithTheReason() throws Exception {
        Path model = dir.resolve("model.safetensors");
        SrcnnWeights.gaussian(TINY, 0.1, 1).save(model);
        IOException notCkpt = assertThrows(IOException.class, () -> Checkpoint.read(model));
        assertTrue(notCkpt.getMessage().contains("not a gpu-sr training checkpoint"), notCkpt.getMessage());

        // a checkpoint without its optimizer buffer
        Checkpoint c = sample(OptimizerConfig.paperSgd());
        Path full = dir.resolve("full.safetensors");
        c.write(full);
        Safetensors st = Safetensors.read(full);
        Map<String, String> meta = new LinkedHashMap<>(st.metadata());
        List<Safetensors.F32> onlyModel = new java.util.ArrayList<>();
        for (SrcnnConfig.Param p : SrcnnConfig.Param.values()) {
            onlyModel.add(new Safetensors.F32(p.tensorName, TINY.shape(p), c.weights().tensor(p)));
        }
        Path damaged = dir.resolve("damaged.safetensors");
        Safetensors.writeF32(damaged, meta, onlyModel);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(damaged));
        assertTrue(e.getMessage().contains("optimizer.m") && e.getMessage().contains("damaged"), e.getMessage());

        meta.put("train.step", "many");
        Path badNumber = dir.resolve("bad.safetensors");
        Safetensors.writeF32(badNumber, meta, onlyModel);
        assertThrows(IOException.class, () -> Checkpoint.read(badNumber));
        assertTrue(Files.exists(badNumber));
    }
}
