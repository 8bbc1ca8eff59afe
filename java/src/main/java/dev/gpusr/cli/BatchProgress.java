package dev.gpusr.cli;

import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.ImageResult;
import java.io.PrintStream;

/** Renders a batch's events on stderr: one line per failure or notice, and the progress bar. */
final class BatchProgress implements BatchListener {
    private final PrintStream err;
    private final Progress bar;

    /** {@code bar} may be null (a single image). */
    BatchProgress(PrintStream err, Progress bar) {
        this.err = err;
        this.bar = bar;
    }

    @Override
    public void imageFinished(ImageResult r) {
        if (!r.ok()) {
            if (bar != null) bar.interrupt();
            err.println("gpu-sr: " + r.describe());
        }
        if (bar != null) bar.advance(r.input().getFileName().toString());
    }

    @Override
    public void notice(String line) {
        if (bar != null) bar.interrupt();
        err.println("gpu-sr: note: " + line);
    }
}
