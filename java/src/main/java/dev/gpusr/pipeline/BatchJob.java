package dev.gpusr.pipeline;

import dev.gpusr.image.ImageFormat;
import java.nio.file.Path;

/** One image of a batch: read {@code input}, write the enlarged image to {@code output} as {@code format}. */
public record BatchJob(Path input, Path output, ImageFormat format) {
    public BatchJob {
        if (input == null || output == null || format == null) throw new IllegalArgumentException("null in " + input);
    }
}
