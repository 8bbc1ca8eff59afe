package dev.gpusr.cli;

import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.train.Trainer;
import dev.gpusr.train.TrainingState;
import dev.gpusr.util.AtomicFiles;
import java.io.IOException;

/** Runs a {@code gpu-sr train} run so that Ctrl-C stops it cleanly: after the current step, with a checkpoint written. */
final class StopOnShutdown {
    /** How long Ctrl-C waits for the current step and the checkpoint before the JVM goes down anyway. */
    private static final long STOP_WAIT_MILLIS = 120_000;

    private StopOnShutdown() {}

    /**
     * Runs the trainer; Ctrl-C (or any JVM shutdown) asks it to stop after the current step and write a checkpoint.
     * The stop runs inside the temporary-file cleanup hook, before that hook refuses further writes, so the
     * checkpoint is published instead of being refused as a write of a stopping process.
     */
    static Trainer.Result run(Trainer trainer, TrainingState start, OptimizerState state,
            SrcnnWeights best) throws IOException {
        Runnable stop = () -> {
            if (!trainer.isRunning()) return;
            trainer.requestStop();
            try {
                trainer.awaitFinish(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (AtomicFiles.Registration registration = AtomicFiles.beforeShutdownCleanup(stop)) {
            return trainer.run(start, state, best);
        }
    }
}
