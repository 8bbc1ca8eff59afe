package dev.gpusr.cli;

import dev.gpusr.image.ImageReader;
import picocli.CommandLine.Option;

/** --max-pixels, defined once for every command that reads images ({@code @Mixin MaxPixelsOption maxPixels}). */
final class MaxPixelsOption {
    @Option(names = "--max-pixels", defaultValue = "" + ImageReader.DEFAULT_MAX_PIXELS, paramLabel = "N",
            description = "Refuse inputs with more pixels than this, from the header. Default: ${DEFAULT-VALUE}.")
    long value;

    /** The limit; refuses (exit 2) a value below 1. */
    long get() {
        if (value < 1) throw new UsageException("--max-pixels must be positive, got " + value);
        return value;
    }
}
