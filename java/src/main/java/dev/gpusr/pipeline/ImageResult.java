package dev.gpusr.pipeline;

import java.nio.file.Path;

/**
 * What happened to one image: written (ok) or failed with a one-line reason. Sizes are 0 where not known (a file
 * that could not be decoded); {@code millis} is the time from the start of its decode to the end of its encode.
 */
public record ImageResult(Path input, Path output, boolean ok, String reason, long millis, int inputWidth,
        int inputHeight, int outputWidth, int outputHeight) {

    public long outputPixels() {
        return (long) outputWidth * outputHeight;
    }

    /** "input: reason" for a failure, "input -> output" for a success. */
    public String describe() {
        return ok ? input + " -> " + output : input + ": " + reason;
    }
}
