package dev.gpusr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk while writing a model or checkpoint names the file and keeps the last good one. */
class SafetensorsWriteTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskNamesTheFileAndKeepsThePreviousCheckpoint() throws Exception {
        Path ckpt = dir.resolve("run.ckpt.safetensors");
        Safetensors.writeF32(ckpt, Map.of("step", "1"), List.of(new Safetensors.F32("w", new int[] {2}, new float[] {1, 2})));
        byte[] good = Files.readAllBytes(ckpt);
        IOException e = assertThrows(IOException.class, () -> Safetensors.write(ckpt, out -> {
            out.write(new byte[100]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(ckpt.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().contains("previous run.ckpt.safetensors is unchanged"), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(ckpt), "the last good checkpoint is intact");
        assertEquals("1", Safetensors.read(ckpt).metadata().get("step"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file is left");
        }
        IOException fresh = assertThrows(IOException.class, () -> Safetensors.write(dir.resolve("new.safetensors"),
                out -> {
                    throw new IOException("No space left on device");
                }));
        assertTrue(fresh.getMessage().contains("new.safetensors: No space left on device (nothing was written)"),
                fresh.getMessage());
    }

    @Test
    void aModelWrittenWithoutReplacingLeavesAFileThatAppearedMeanwhile() throws Exception {
        Path model = dir.resolve("m.safetensors");
        Files.write(model, new byte[] {7}); // another run's, created while this one trained
        List<Safetensors.F32> t = List.of(new Safetensors.F32("w", new int[] {1}, new float[] {1}));
        IOException e = assertThrows(IOException.class,
                () -> Safetensors.writeF32(model, Map.of(), t, dev.gpusr.util.AtomicFiles.Mode.NO_REPLACE));
        assertTrue(e.getMessage().contains(model + ": it exists"), e.getMessage());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(model));
        Safetensors.writeF32(model, Map.of(), t, dev.gpusr.util.AtomicFiles.Mode.REPLACE);
        assertEquals(1, Safetensors.read(model).tensors().size());
    }
}
