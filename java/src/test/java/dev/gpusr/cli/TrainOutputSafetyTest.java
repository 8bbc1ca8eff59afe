package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.model.SrcnnWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train never overwrites without --overwrite, never a training or validation image, and creates its folders. */
class TrainOutputSafetyTest {
    @TempDir
    Path dir;
    Path train;
    Path val;

    @BeforeEach
    void folders() throws Exception {
        train = Files.createDirectories(dir.resolve("train"));
        val = Files.createDirectories(dir.resolve("val"));
        ImageWriter.write(TrainCommandTest.texture(48, 40, 1), train.resolve("a.png"), ImageFormat.PNG, 100);
        ImageWriter.write(TrainCommandTest.texture(40, 48, 2), train.resolve("b.png"), ImageFormat.PNG, 100);
        ImageWriter.write(TrainCommandTest.texture(30, 30, 3), val.resolve("v.png"), ImageFormat.PNG, 100);
    }

    private String[] args(Path output, String... extra) {
        List<String> a = new ArrayList<>(List.of("--scale", "2", "--train", train.toString(), "--val", val.toString(),
                "--steps", "2", "--batch", "4", "--n1", "4", "--n2", "2", "--f1", "3", "--f3", "3", "--patch", "15",
                "--stride", "8", "--device", "cpu", "--threads", "1", "-o", output.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void anExistingModelOrCheckpointIsKeptWithoutOverwrite() throws Exception {
        Path model = dir.resolve("m.safetensors");
        Files.write(model, new byte[] {1, 2, 3});
        TrainCommandTest.Run r = TrainCommandTest.run(args(model));
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("already exists; use --overwrite"), r.err());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(model));

        Files.delete(model);
        Path ckpt = TrainCommand.defaultCheckpoint(model);
        Files.write(ckpt, new byte[] {4});
        TrainCommandTest.Run c = TrainCommandTest.run(args(model));
        assertEquals(Main.USAGE, c.exit(), c.err());
        assertTrue(c.err().contains("--checkpoint " + ckpt + " already exists"), c.err());
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(ckpt));

        TrainCommandTest.Run ok = TrainCommandTest.run(args(model, "--overwrite"));
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(2, SrcnnWeights.load(model, 2).config().scale());
        assertTrue(Files.size(ckpt) > 1, "the checkpoint was replaced");
    }

    @Test
    void neverOverATrainingOrValidationImageEvenWithOverwrite() throws Exception {
        byte[] a = Files.readAllBytes(train.resolve("a.png"));
        byte[] v = Files.readAllBytes(val.resolve("v.png"));
        // The same files spelled differently: through "..", and through a symbolic link to the folder.
        Path viaDots = dir.resolve("val").resolve("..").resolve("train").resolve("a.png");
        Path link = Files.createSymbolicLink(dir.resolve("link"), val);
        TrainCommandTest.Run r1 = TrainCommandTest.run(args(viaDots, "--overwrite"));
        assertEquals(Main.USAGE, r1.exit(), r1.err());
        assertTrue(r1.err().contains("is one of the input images"), r1.err());
        TrainCommandTest.Run r2 = TrainCommandTest.run(args(dir.resolve("m2.safetensors"), "--overwrite",
                "--checkpoint", link.resolve("v.png").toString()));
        assertEquals(Main.USAGE, r2.exit(), r2.err());
        assertTrue(r2.err().contains("is one of the input images"), r2.err());
        assertArrayEquals(a, Files.readAllBytes(train.resolve("a.png")));
        assertArrayEquals(v, Files.readAllBytes(val.resolve("v.png")));
    }

    @Test
    void missingOutputFoldersAreCreated() throws Exception {
        Path model = dir.resolve("new").resolve("deeper").resolve("m.safetensors");
        TrainCommandTest.Run r = TrainCommandTest.run(args(model));
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(model));
        assertTrue(Files.isRegularFile(TrainCommand.defaultCheckpoint(model)));
    }

    @Test
    void aFolderInTheWayIsAUsageError() throws Exception {
        Files.write(dir.resolve("file"), new byte[] {1});
        TrainCommandTest.Run r = TrainCommandTest.run(args(dir.resolve("file").resolve("m.safetensors")));
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("is not a folder"), r.err());
    }
}
