package dev.gpusr.cli;

import dev.gpusr.cli.TrainCommand.Failure;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.train.Checkpoint;
import java.io.IOException;
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

    /** The --init model's weights, rescaled to {@code scale} (e.g. fine-tune x2 from x3). */
    static SrcnnWeights fromInit(Path init, TrainOptions.Architecture options, int scale) throws Failure {
        SrcnnWeights loaded;
        try {
            loaded = SrcnnWeights.load(init, 0);
        } catch (IOException e) {
            throw new Failure("cannot read --init " + init + ": " + e.getMessage());
        }
        SrcnnConfig c = loaded.config();
        check(options, c, "the --init model " + init);
        SrcnnConfig rescaled = new SrcnnConfig(c.channels(), c.n1(), c.n2(), c.f1(), c.f2(), c.f3(), scale, c.color());
        return new SrcnnWeights(rescaled, loaded.params().clone());
    }

    /** Architecture options given together with a model to start from must describe that model. */
    private static void check(TrainOptions.Architecture options, SrcnnConfig c, String what) throws Failure {
        String diff = options.differences(c);
        if (!diff.isEmpty()) {
            throw new Failure(what + " is " + c.filterName() + " n1=" + c.n1() + " n2=" + c.n2() + " " + c.color().id
                    + ", another architecture than" + diff);
        }
    }
}
