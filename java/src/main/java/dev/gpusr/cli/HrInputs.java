package dev.gpusr.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * INPUT... (ground-truth image files or folders) with --max-pixels: the arguments of the commands that read HR images
 * (degrade, eval, mos prepare), declared once ({@code @Mixin HrInputs inputs}).
 */
final class HrInputs {
    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "HR image files or folders (a folder's images).")
    List<Path> paths;

    @Mixin
    MaxPixelsOption maxPixels;

    /** --max-pixels, refused (exit 2) below 1. */
    long maxPixels() {
        return maxPixels.get();
    }

    /** The image files of the arguments; each argument that cannot be used is one line on {@code err}. */
    Inputs collect(PrintStream err) {
        return Inputs.collect(paths, err);
    }
}
