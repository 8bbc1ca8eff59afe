package dev.gpusr.cli;

import dev.gpusr.cli.TrainCommand.Failure;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.train.Checkpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The model a {@code gpu-sr train} run continues or fine-tunes, read and checked against the options (exit 1 if not). */
final class StartingModel {
    private StartingModel() {}

    /** The --resume checkpoint; a missing file or one that is not a checkpoint is a one-line failure. */
    static Checkpoint readCheckpoint(Path file) throws Failure {
        if (!Files.isRegularFile(file)) throw new Failure("--resume " + file + " does not exist");
        try {
            return Checkpoint.read(file);
        } catch (IOException e) {
            throw new Failure("cannot resume from " + file + ": " + e.getMessage());
        }
    }

    /** The checkpoint's weights, when they have the options' architecture and scale. */
    static SrcnnWeights fromCheckpoint(Checkpoint resumed, Path file, TrainOptions.Architecture options, int scale)
            throws Failure {
        SrcnnConfig c = resumed.weights().config();
        check(options, c, "the checkpoint " + file);
        if (c.scale() != scale) throw new Failure("the checkpoint " + file + " trains x" + c.scale() + ", not x" + scale);
        return resumed.weights();
    }

    /**
     * The --init model's weights, rescaled to {@code scale} (e.g. fine-tune x2 from x3). Larger --f1/--f2/--f3 than the
     * model's grow its filters with zero taps around them (a 9-1-5 into a 9-5-5), which computes the same image.
     */
    static SrcnnWeights fromInit(Path init, TrainOptions.Architecture options, int scale, PrintStream err)
            throws Failure {
        SrcnnWeights loaded;
        try {
            loaded = SrcnnWeights.load(init, 0);
        } catch (IOException e) {
            throw new Failure("cannot read --init " + init + ": " + e.getMessage());
        }
        SrcnnConfig c = loaded.config();
        int f1 = grown(options.f1, c.f1(), "--f1");
        int f2 = grown(options.f2, c.f2(), "--f2");
        int f3 = grown(options.f3, c.f3(), "--f3");
        SrcnnConfig target = new SrcnnConfig(c.channels(), c.n1(), c.n2(), f1, f2, f3, scale, c.color());
        check(options, target, c, "the --init model " + init, " (--init can grow filters, nothing else)");
        SrcnnConfig rescaled = new SrcnnConfig(c.channels(), c.n1(), c.n2(), c.f1(), c.f2(), c.f3(), scale, c.color());
        SrcnnWeights start = new SrcnnWeights(rescaled, loaded.params().clone());
        if (target.equals(rescaled)) return start;
        err.println("gpu-sr train: note: the --init model " + c.filterName() + " grows into " + target.filterName()
                + " (its filters at the centre, zero taps around them: the same image to start from)");
        return start.widened(target);
    }

    /** The filter size of a layer: the model's, or a larger odd --fN that grows it. */
    private static int grown(Integer given, int model, String option) throws Failure {
        if (given == null || given == model) return model;
        if (given < model) {
            throw new Failure(option + " " + given + " is smaller than the --init model's " + model + "x" + model
                    + " filters: --init can grow filters (zero taps around them), not shrink them");
        }
        if (given % 2 == 0) throw new Failure(option + " " + given + " is even; filters are odd so they have a centre");
        return given;
    }

    /** Architecture options given together with a model to start from must describe that model. */
    private static void check(TrainOptions.Architecture options, SrcnnConfig c, String what) throws Failure {
        check(options, c, c, what, "");
    }

    /** The options must describe {@code expected}; the message names the file's own architecture {@code file}. */
    private static void check(TrainOptions.Architecture options, SrcnnConfig expected, SrcnnConfig file, String what,
            String hint) throws Failure {
        String diff = options.differences(expected);
        if (!diff.isEmpty()) {
            throw new Failure(what + " is " + file.filterName() + " n1=" + file.n1() + " n2=" + file.n2() + " "
                    + file.color().id + ", another architecture than" + diff + hint);
        }
    }
}
