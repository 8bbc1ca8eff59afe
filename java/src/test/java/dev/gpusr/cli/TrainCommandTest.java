package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.train.Checkpoint;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** gpu-sr train: usage errors (2), failures named in one line (1), engine unavailable (3). */
class TrainCommandTest {
    @TempDir
    Path dir;
    Path train;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(new TrainCommand(o, e, false));
        cl.setOverwrittenOptionsAllowed(true); // tests append overrides to a base argument list
        cl.setOut(new java.io.PrintWriter(o, true));
        cl.setErr(new java.io.PrintWriter(e, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Image texture(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0.5 + 0.35 * Math.sin(0.7 * x + seed) * Math.cos(0.45 * y) + 0.05 * r.nextGaussian();
                p[y * w + x] = Math.round(Math.max(0, Math.min(1, v)) * 255) / 255f;
            }
        }
        return new Image(w, h, new float[][] {p}, null, 8);
    }

    @BeforeEach
    void trainingFolder() throws Exception {
        train = Files.createDirectories(dir.resolve("train"));
        ImageWriter.write(texture(48, 40, 1), train.resolve("a.png"), ImageFormat.PNG, 100);
        ImageWriter.write(texture(40, 48, 2), train.resolve("b.png"), ImageFormat.PNG, 100);
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("--scale", "2", "--train", train.toString(), "--steps", "4",
                "--batch", "4", "--n1", "8", "--n2", "4", "--f1", "5", "--f3", "3", "--patch", "15", "--stride", "8",
                "--device", "cpu", "--threads", "1", "-o", dir.resolve("m.safetensors").toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    private static void assertOneLine(Run r, String... parts) {
        String msg = r.err().strip();
        assertEquals(1, msg.lines().count(), msg);
        for (String p : parts) assertTrue(msg.contains(p), "'" + p + "' not in: " + msg);
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("--train", train.toString(), "-o", "m.safetensors", "--steps", "1").exit()); // no --scale
        assertTrue(run(args("--epochs", "2")).err().contains("not both"));
        assertEquals(2, run(args("--epochs", "2")).exit());
        assertEquals(2, run("--scale", "2", "--train", train.toString(), "-o", dir.resolve("m").toString()).exit());
        assertEquals(2, run(args("--lr", "1e-4,2e-4")).exit());
        assertEquals(2, run(args("--lr", "fast")).exit());
        assertEquals(2, run(args("--lr", "-1")).exit());
        assertEquals(2, run(args("--optimizer", "rmsprop")).exit());
        assertEquals(2, run(args("--optimizer", "adam", "--momentum", "0.5")).exit());
        assertEquals(2, run(args("--f1", "4")).exit()); // even filter
        assertEquals(2, run(args("--color", "lab")).exit());
        assertEquals(2, run(args("--device", "gpu7")).exit());
        Run folder = run(args("-o", dir.toString()));
        assertEquals(2, folder.exit());
        assertTrue(folder.err().contains("is a folder"), folder.err());
        Run both = run(args("--resume", "x", "--init", "y"));
        assertEquals(2, both.exit());
    }

    @Test
    void aTrainingSetLargerThanTheHeapIsRefusedBeforeLoading() throws Exception {
        // four 2000x2000 photographs with the shrunk copies: about 100 MiB kept, more than 70% of a 64 MiB heap. The
        // estimate comes from the headers, so the refusal comes before the engine starts and anything is decoded, and
        // it names the heap that would do; no output folder is created.
        Path big = Files.createDirectories(dir.resolve("big"));
        java.awt.image.BufferedImage gray = new java.awt.image.BufferedImage(2000, 2000,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 4; i++) javax.imageio.ImageIO.write(gray, "png", big.resolve("p" + i + ".png").toFile());
        Path log = dir.resolve("big.log");
        Process p = CliTestSupport.start(log, List.of("-Xmx64m", "-Djava.awt.headless=true"), "train", "--scale", "2",
                "--train", big.toString(), "--augment", "all", "--steps", "1", "--device", "cpu",
                "-o", dir.resolve("out").resolve("big.safetensors").toString());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(1, p.exitValue(), text);
        String line = text.lines().filter(l -> l.startsWith("gpu-sr train: ")).reduce((a, b) -> b).orElse("");
        for (String part : List.of(big.toString(), "MiB of heap (", "MiB kept, ", "MiB more while loading",
                "70% of this Java's 64 MiB", "raise the heap to GPUSR_JAVA_OPTS=-Xmx", "--augment all")) {
            assertTrue(line.contains(part), "'" + part + "' not in: " + text);
        }
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void heapSizesReadAsTheLauncherTakesThem() {
        long mib = 1 << 20;
        assertEquals("500 MiB", TrainCommand.size(500 * mib));
        assertEquals("3.2 GiB", TrainCommand.size(3277 * mib));
        assertEquals("GPUSR_JAVA_OPTS=-Xmx629m", TrainCommand.xmx(628 * mib + 1)); // rounded up, never down
        assertEquals("GPUSR_JAVA_OPTS=-Xmx1g", TrainCommand.xmx(1024 * mib));
        assertEquals("GPUSR_JAVA_OPTS=-Xmx4g", TrainCommand.xmx(3 * 1024 * mib + 1));
    }

    @Test
    void registeredInTheMainCommand() {
        CommandLine main = Main.commandLine();
        assertTrue(main.getSubcommands().containsKey("train"));
        main.setErr(new java.io.PrintWriter(new ByteArrayOutputStream()));
        assertEquals(2, main.execute("train", "--scale", "2"));
    }

    @Test
    void missingOrEmptyTrainingFolderIsAOneLineFailure() throws Exception {
        Run missing = run(args("--train", dir.resolve("nope").toString()));
        assertEquals(1, missing.exit());
        assertOneLine(missing, "training folder", "nope", "does not exist");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Run none = run(args("--train", empty.toString()));
        assertEquals(1, none.exit());
        assertOneLine(none, "empty");
    }

    @Test
    void anUnwritableOutputFolderIsRefusedBeforeTraining() throws Exception {
        // Missing folders are created (TrainOutputSafetyTest); a file where a folder should be is refused.
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Run underFile = run(args("-o", file.resolve("m.safetensors").toString()));
        assertEquals(2, underFile.exit());
        assertOneLine(underFile, "-o", "is not a folder");
        Run ckpt = run(args("--checkpoint", file.resolve("c.safetensors").toString()));
        assertEquals(2, ckpt.exit());
        assertOneLine(ckpt, "--checkpoint", "is not a folder");
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    private Path checkpoint(SrcnnConfig config) throws Exception {
        SrcnnWeights w = SrcnnWeights.gaussian(config, 0.01, 1);
        OptimizerConfig opt = OptimizerConfig.paperSgd();
        Path file = dir.resolve("run.ckpt.safetensors");
        new Checkpoint(w, opt, OptimizerState.zeros(opt, config.paramCount()), TrainingState.fresh(1),
                Map.of("batch", "4", "target_steps", "4")).write(file);
        return file;
    }

    @Test
    void aCheckpointOfAnotherArchitectureOrScaleIsRefused() throws Exception {
        Path ckpt = checkpoint(new SrcnnConfig(1, 16, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y));
        Run arch = run(args("--resume", ckpt.toString()));
        assertEquals(1, arch.exit());
        assertOneLine(arch, "another architecture", "--n1 8", "n1=16");

        Run scale = run("--scale", "3", "--train", train.toString(), "--resume", ckpt.toString(), "-o",
                dir.resolve("m.safetensors").toString());
        assertEquals(1, scale.exit());
        assertOneLine(scale, "x2", "not x3");

        Path model = dir.resolve("model.safetensors");
        SrcnnWeights.gaussian(new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y), 0.01, 1).save(model);
        Run notCkpt = run(args("--resume", model.toString()));
        assertEquals(1, notCkpt.exit());
        assertOneLine(notCkpt, "not a gpu-sr training checkpoint", "--init");

        Run missing = run(args("--resume", dir.resolve("none.safetensors").toString()));
        assertEquals(1, missing.exit());
        assertOneLine(missing, "does not exist");
    }

    @Test
    void anUnavailableGpuExitsThree() {
        Run r = run(args("--device", "7"));
        assertEquals(3, r.exit());
        assertOneLine(r, "GPU 7");
    }

    @Test
    void imagesSmallerThanOnePatchLeaveNothingToTrainOn() {
        Run r = run(args("--patch", "64"));
        assertEquals(1, r.exit());
        assertOneLine(r, "no usable sub-images", "64x64");
    }

    @Test
    void trainsEndToEndAndAResumedRunEndsWhereAStraightOneDoes() throws Exception {
        Path val = Files.createDirectories(dir.resolve("val"));
        ImageWriter.write(texture(36, 30, 9), val.resolve("v.png"), ImageFormat.PNG, 100);
        Path straight = dir.resolve("straight.safetensors");
        Run a = run(args("--steps", "6", "--val", val.toString(), "--val-every", "3", "--augment", "-o",
                straight.toString()));
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().contains("patches 15x15 (stride 8) from 2 pictures (augmented"), a.out());
        assertTrue(a.out().contains("engine cpu"), a.out());
        assertTrue(a.out().contains("val PSNR"), a.out());
        assertTrue(a.out().contains("done at step 6"), a.out());
        SrcnnWeights model = SrcnnWeights.load(straight, 2);
        assertEquals(new SrcnnConfig(1, 8, 4, 5, 1, 3, 2, SrcnnConfig.ColorSpace.Y), model.config());
        assertTrue(Files.exists(dir.resolve("straight.ckpt.safetensors")));

        Path split = dir.resolve("split.safetensors");
        Run first = run(args("--steps", "3", "--val", val.toString(), "--val-every", "3", "--augment", "-o",
                split.toString()));
        assertEquals(0, first.exit(), first.err());
        Run rest = run("--scale", "2", "--train", train.toString(), "--resume",
                dir.resolve("split.ckpt.safetensors").toString(), "--steps", "6", "--device", "cpu", "--threads", "1",
                "--val", val.toString(), "--val-every", "3", "-o", split.toString());
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().contains("steps 3 to 6"), rest.out());
        // the checkpoints hold the last weights, the models the best-validating ones: both match the straight run's
        assertArrayEquals(Checkpoint.read(dir.resolve("straight.ckpt.safetensors")).weights().params(),
                Checkpoint.read(dir.resolve("split.ckpt.safetensors")).weights().params());
        assertArrayEquals(model.params(), SrcnnWeights.load(split, 2).params());
        assertEquals(Files.readAllLines(dir.resolve("straight.metrics.jsonl")).size(),
                Files.readAllLines(dir.resolve("split.metrics.jsonl")).size());

        // fine-tuning x3 from the x2 model: the architecture comes from the file, the scale from --scale
        Path x3 = dir.resolve("x3.safetensors");
        Run tune = run("--scale", "3", "--train", train.toString(), "--init", straight.toString(), "--steps", "2",
                "--batch", "4", "--patch", "15", "--device", "cpu", "-o", x3.toString());
        assertEquals(0, tune.exit(), tune.err());
        assertEquals(3, SrcnnWeights.load(x3, 0).config().scale());

        // growing conv2 from 1x1 to 3x3 while changing the scale: the model starts from the file's weights at the
        // centre taps (the starting model itself, then a run from it)
        TrainOptions.Architecture grow3 = new TrainOptions.Architecture();
        grow3.f2 = 3;
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        SrcnnWeights start = StartingModel.fromInit(straight, grow3, 3, new PrintStream(notes, true,
                StandardCharsets.UTF_8));
        SrcnnConfig grownX3 = new SrcnnConfig(1, 8, 4, 5, 3, 3, 3, SrcnnConfig.ColorSpace.Y);
        assertEquals(grownX3, start.config());
        assertArrayEquals(new SrcnnWeights(new SrcnnConfig(1, 8, 4, 5, 1, 3, 3, SrcnnConfig.ColorSpace.Y),
                model.params()).widened(grownX3).params(), start.params());
        assertTrue(notes.toString(StandardCharsets.UTF_8).contains("grows into 5-3-3"), notes.toString());
        Path grown = dir.resolve("grown.safetensors");
        Run grow = run("--scale", "2", "--train", train.toString(), "--init", straight.toString(), "--f2", "3",
                "--steps", "1", "--batch", "4", "--patch", "15", "--device", "cpu", "-o", grown.toString());
        assertEquals(0, grow.exit(), grow.err());
        assertTrue(grow.err().contains("grows into 5-3-3"), grow.err());
        assertEquals(new SrcnnConfig(1, 8, 4, 5, 3, 3, 2, SrcnnConfig.ColorSpace.Y),
                SrcnnWeights.load(grown, 2).config());
        Run shrink = run("--scale", "2", "--train", train.toString(), "--init", grown.toString(), "--f2", "1",
                "--steps", "1", "--batch", "4", "--patch", "15", "--device", "cpu", "-o",
                dir.resolve("shrunk.safetensors").toString());
        assertEquals(1, shrink.exit(), shrink.err());
        assertTrue(shrink.err().contains("--f2 1 is smaller than the --init model's 3x3 filters"), shrink.err());
        Run wider = run("--scale", "2", "--train", train.toString(), "--init", straight.toString(), "--f2", "3",
                "--n1", "16", "--steps", "1", "--batch", "4", "--patch", "15", "--device", "cpu", "-o",
                dir.resolve("wider.safetensors").toString());
        assertEquals(1, wider.exit(), wider.err());
        assertTrue(wider.err().contains("is 5-1-3 n1=8 n2=4 y, another architecture than --n1 16 (--init can grow "
                + "filters, nothing else)"), wider.err());
        Run even = run("--scale", "2", "--train", train.toString(), "--init", straight.toString(), "--f2", "4",
                "--steps", "1", "--batch", "4", "--patch", "15", "--device", "cpu", "-o",
                dir.resolve("even.safetensors").toString());
        assertEquals(1, even.exit(), even.err());
        assertTrue(even.err().contains("--f2 4 is even"), even.err());
    }

    @Test
    void centreLabelsTrainOnTheCentreAndAResumedRunKeepsThem() throws Exception {
        // the test model is 5-1-3: a halo of 2 + 0 + 1 = 3 pixels, so 15x15 sub-images get 9x9 labels
        Path model = dir.resolve("c.safetensors");
        Run a = run(args("--steps", "2", "--labels", "centre", "-o", model.toString()));
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().contains("patches 15x15 (stride 8, labels their 9x9 centre)"), a.out());
        Path ckpt = dir.resolve("c.ckpt.safetensors");
        assertEquals("centre", Checkpoint.read(ckpt).options().get("labels"));
        Run rest = run("--scale", "2", "--train", train.toString(), "--resume", ckpt.toString(), "--steps", "3",
                "--device", "cpu", "--threads", "1", "-o", model.toString());
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().contains("labels their 9x9 centre"), rest.out());
        assertEquals("centre", Checkpoint.read(ckpt).options().get("labels"));
        Run changed = run("--scale", "2", "--train", train.toString(), "--resume", ckpt.toString(), "--steps", "4",
                "--labels", "full", "--device", "cpu", "--threads", "1", "-o", model.toString());
        assertEquals(0, changed.exit(), changed.err());
        assertTrue(changed.err().contains("--labels full differs from the checkpoint's centre"), changed.err());
        assertEquals("full", Checkpoint.read(ckpt).options().get("labels"));
    }

    @Test
    void augmentTakesAKindThatTheCheckpointRecordsAndAResumeKeeps() throws Exception {
        Path model = dir.resolve("f.safetensors");
        Path ckpt = dir.resolve("f.ckpt.safetensors");
        Run a = run(args("--steps", "2", "--augment", "flips", "-o", model.toString()));
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().contains("from 2 pictures (augmented: 8 flips/rotations)"), a.out());
        assertEquals("flips", Checkpoint.read(ckpt).options().get("augment"));
        Run rest = run("--scale", "2", "--train", train.toString(), "--resume", ckpt.toString(), "--steps", "3",
                "--device", "cpu", "--threads", "1", "-o", model.toString());
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().contains("(augmented: 8 flips/rotations)"), rest.out());
        assertFalse(rest.err().contains("--augment differs"), rest.err());
        Run changed = run("--scale", "2", "--train", train.toString(), "--resume", ckpt.toString(), "--steps", "4",
                "--augment", "--device", "cpu", "--threads", "1", "-o", model.toString());
        assertEquals(0, changed.exit(), changed.err());
        assertTrue(changed.err().contains("--augment differs from the checkpoint's run"), changed.err());
        // all and none are recorded as true and false, as before the kinds, so older builds resume them as trained
        assertEquals("true", Checkpoint.read(ckpt).options().get("augment"));

        Run none = run(args("--steps", "1", "-o", dir.resolve("n.safetensors").toString()));
        assertEquals(0, none.exit(), none.err());
        assertEquals("false", Checkpoint.read(dir.resolve("n.ckpt.safetensors")).options().get("augment"));
        Run bad = run(args("--augment", "rotate", "-o", dir.resolve("b.safetensors").toString()));
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("takes all, flips, scales or none, got 'rotate'"), bad.err());
    }

    @Test
    void aJavaOlderThan25IsToldOfTheSlowJitWhereTrainingTakesTheWinogradKernels() {
        // 16 channels each way, 5x5: the smallest conv2 that runs as Winograd (with the vector module)
        Run winograd = run("--scale", "2", "--train", train.toString(), "--steps", "1", "--batch", "2", "--n1", "16",
                "--n2", "16", "--f2", "5", "--patch", "15", "--stride", "8", "--device", "cpu", "--threads", "1", "-o",
                dir.resolve("w.safetensors").toString());
        Run direct = run(args("--steps", "1", "-o", dir.resolve("d.safetensors").toString()));
        assertEquals(0, winograd.exit(), winograd.err());
        assertEquals(0, direct.exit(), direct.err());
        boolean vectors = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"off".equalsIgnoreCase(System.getProperty("gpusr.cpu.simd", ""))
                && !"off".equalsIgnoreCase(System.getProperty("gpusr.cpu.winograd", ""));
        boolean older = Runtime.version().feature() < TrainCommand.SETTLED_JAVA;
        assertEquals(vectors && older, winograd.out().contains("  note: Java " + Runtime.version().feature() + ": "),
                winograd.out());
        assertFalse(direct.out().contains("note: Java"), direct.out());
    }

    @Test
    void defaultCheckpointSitsBesideTheModel() {
        assertEquals(Path.of("out", "m.ckpt.safetensors"), TrainCommand.defaultCheckpoint(Path.of("out", "m.safetensors")));
        assertEquals(Path.of("model.ckpt.safetensors"), TrainCommand.defaultCheckpoint(Path.of("model")));
    }
}
