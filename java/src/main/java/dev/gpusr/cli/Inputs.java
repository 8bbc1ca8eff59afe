package dev.gpusr.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands INPUT arguments (files and folders) into image files, reporting what cannot be used. A folder gives its
 * images as {@code upscale} without -r sees them ({@link InputTree}: direct files, hidden ones left out).
 */
final class Inputs {
    final List<Path> files = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    static Inputs collect(List<Path> args, PrintStream err) {
        Inputs in = new Inputs();
        for (Path a : args) {
            if (Files.isDirectory(a)) {
                List<InputTree.Entry> found;
                try {
                    found = InputTree.walk(a, false, notice -> err.println("gpu-sr: " + notice));
                } catch (IOException e) {
                    in.fail(err, a, "cannot list folder: " + UpscaleCommand.reason(e));
                    continue;
                }
                if (found.isEmpty()) in.fail(err, a, InputTree.NO_IMAGES);
                for (InputTree.Entry e : found) in.files.add(e.file());
            } else if (Files.isRegularFile(a)) {
                in.files.add(a);
            } else {
                in.fail(err, a, Files.exists(a) ? "not a regular file or folder" : "no such file or folder");
            }
        }
        return in;
    }

    void fail(PrintStream err, Path p, String reason) {
        String line = p + ": " + reason;
        failures.add(line);
        err.println("gpu-sr: " + line);
    }
}
