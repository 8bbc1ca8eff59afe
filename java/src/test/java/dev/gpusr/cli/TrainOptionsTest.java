package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.train.LrSchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** gpu-sr train's typed options: what picocli parses, the usage errors (exit 2) that name the option, the help. */
class TrainOptionsTest {
    @TempDir
    Path dir;

    /** Parses only (no training): the command with its typed fields filled in. */
    private static TrainCommand parse(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        TrainCommand command = new TrainCommand(sink, sink, false);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private String[] base(String... extra) {
        String[] head = {"--scale", "2", "--train", dir.toString(), "-o", dir.resolve("m.safetensors").toString()};
        String[] all = new String[head.length + extra.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(extra, 0, all, head.length, extra.length);
        return all;
    }

    @Test
    void optionsArriveTyped() {
        TrainCommand c = parse(base("--epochs", "3", "--optimizer", "ADAM", "--lr", "1e-3", "--lr-schedule", "Step",
                "--lr-steps", "10, 20", "--color", "RGB", "--resume", "r.ckpt", "--checkpoint", "c.ckpt",
                "--checkpoint-every", "7"));
        assertEquals(3L, c.length.epochs);
        assertEquals(null, c.length.steps);
        assertEquals(OptimizerConfig.Kind.ADAM, c.optimizerKind);
        assertArrayEquals(new float[] {1e-3f, 1e-3f, 1e-3f}, c.lr.values());
        assertEquals("1e-3", c.lr.text());
        assertEquals(LrSchedule.Kind.STEP, c.lrSchedule);
        assertArrayEquals(new long[] {10, 20}, c.lrSteps.steps());
        assertEquals(ColorSpace.RGB, c.architecture.color);
        assertEquals(Path.of("r.ckpt"), c.checkpoints.resume);
        assertEquals(Path.of("c.ckpt"), c.checkpoints.fileFor(Path.of("m.safetensors")));
        assertEquals(7L, c.checkpoints.every);
        TrainCommand plain = parse(base("--steps", "5"));
        assertEquals(Path.of("m.ckpt.safetensors"), plain.checkpoints.fileFor(Path.of("m.safetensors")));
        assertArrayEquals(new float[] {1e-4f, 2e-4f, 3e-5f},
                new TrainOptions.LayerRates.Converter().convert("1e-4, 2e-4,3e-5").values());
    }

    @Test
    void stepsWithEpochsIsAUsageErrorNamingBoth() {
        for (String[] order : new String[][] {{"--steps", "4", "--epochs", "2"}, {"--epochs", "2", "--steps", "4"}}) {
            TrainCommandTest.Run r = TrainCommandTest.run(base(order));
            assertEquals(Main.USAGE, r.exit(), r.err());
            String first = r.err().lines().findFirst().orElseThrow();
            assertTrue(first.contains("--steps") && first.contains("--epochs") && first.contains("not both"), first);
        }
    }

    @Test
    void badListsAndNamesAreUsageErrorsNamingTheOption() {
        String[][] cases = {
            {"--lr", "1e-4,2e-4", "--lr", "3 comma-separated values, got '1e-4,2e-4'"},
            {"--lr", "1e-4,fast,1e-5", "--lr", "'fast' is not a number"},
            {"--lr", "0", "--lr", "positive, got '0'"},
            {"--lr", "NaN", "--lr", "positive"},
            {"--lr-steps", "10,x", "--lr-steps", "'x' is not a step count"},
            {"--optimizer", "rmsprop", "--optimizer", "sgd or adam, got 'rmsprop'"},
            {"--lr-schedule", "linear", "--lr-schedule", "constant, cosine or step, got 'linear'"},
            {"--color", "lab", "--color", "y or rgb, got 'lab'"},
            {"--init-scheme", "xavier", "--init-scheme", "gaussian or he, got 'xavier'"},
            {"--labels", "middle", "--labels", "centre or full, got 'middle'"},
        };
        for (String[] c : cases) {
            TrainCommandTest.Run r = TrainCommandTest.run(base("--steps", "1", c[0], c[1], "--lr-schedule", "step"));
            if (c[0].equals("--lr-schedule")) r = TrainCommandTest.run(base("--steps", "1", c[0], c[1]));
            assertEquals(Main.USAGE, r.exit(), String.join(" ", c) + "\n" + r.err());
            String first = r.err().lines().findFirst().orElseThrow();
            assertTrue(first.contains("'" + c[2] + "'") && first.contains(c[3]), first);
        }
        assertThrows(TypeConversionException.class, () -> new TrainOptions.Milestones.Converter().convert("20,10"));
    }

    @Test
    void rangeChecksStayOneLineUsageErrors() {
        String[][] cases = {
            {"--steps", "0", "--steps must be >= 1, got 0"},
            {"--epochs", "0", "--epochs must be >= 1, got 0"},
            {"--checkpoint-every", "-1", "--checkpoint-every must be >= 0, got -1"},
            {"--lr-steps", "10", "--lr-steps goes with --lr-schedule step"},
            {"--momentum", "1", "--momentum must be in [0, 1), got 1.0"},
        };
        for (String[] c : cases) {
            String[] args = c[0].equals("--steps") || c[0].equals("--epochs") ? base(c[0], c[1])
                    : base("--steps", "1", c[0], c[1]);
            TrainCommandTest.Run r = TrainCommandTest.run(args);
            assertEquals(Main.USAGE, r.exit(), r.err());
            assertTrue(r.err().lines().findFirst().orElseThrow().contains(c[2]), r.err());
        }
        String[][] initCases = {
            {"--init-scheme", "he", "--init-std", "0.01", "--init-std is the std of --init-scheme gaussian"},
            {"--init-scheme", "he", "--init", "m0.safetensors", "it does not go with --init"},
            {"--init-scheme", "gaussian", "--resume", "r.ckpt", "it does not go with --resume"},
        };
        for (String[] c : initCases) {
            TrainCommandTest.Run r = TrainCommandTest.run(base("--steps", "1", c[0], c[1], c[2], c[3]));
            assertEquals(Main.USAGE, r.exit(), r.err());
            assertTrue(r.err().lines().findFirst().orElseThrow().contains(c[4]), r.err());
        }
        assertEquals(TrainOptions.InitScheme.Kind.HE, parse(base("--init-scheme", "HE")).initScheme);
        assertEquals(TrainOptions.Labels.Kind.CENTRE, parse(base("--labels", "Center")).labels);
        // the 9-1-5 halo is 6 pixels a side: a 13x13 sub-image leaves a 1x1 label, a 12x12 one nothing
        TrainCommandTest.Run tooSmall = TrainCommandTest.run(base("--steps", "1", "--labels", "centre", "--patch", "12"));
        assertEquals(Main.USAGE, tooSmall.exit(), tooSmall.err());
        assertTrue(tooSmall.err().lines().findFirst().orElseThrow().contains("raise --patch above 12"), tooSmall.err());
        TrainCommandTest.Run adam = TrainCommandTest.run(base("--steps", "1", "--optimizer", "adam", "--momentum", "0.5"));
        assertEquals(Main.USAGE, adam.exit());
        assertTrue(adam.err().contains("--momentum applies to sgd"), adam.err());
    }

    @Test
    void helpListsEveryOptionWithADescription() {
        CommandLine cl = new CommandLine(new TrainCommand());
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            assertTrue(help.contains(o.longestName()), o.longestName() + " not in:\n" + help);
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName());
        }
        for (String name : new String[] {"--steps", "--epochs", "--resume", "--checkpoint", "--checkpoint-every",
                "--lr", "--lr-steps", "--lr-schedule", "--optimizer", "--color"}) {
            assertTrue(cl.getCommandSpec().findOption(name) != null, name);
        }
    }
}
