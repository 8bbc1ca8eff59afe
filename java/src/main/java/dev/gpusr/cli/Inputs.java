package dev.gpusr.cli;

import dev.gpusr.image.ImageReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands INPUT arguments (files and folders) into image files, reporting what cannot be used. */
final class Inputs {
    final List<Path> files = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    static Inputs collect(List<Path> args, PrintStream err) {
        Inputs in = new Inputs();
        for (Path a : args) {
            if (Files.isDirectory(a)) {
                List<Path> found = new ArrayList<>();
                try (Stream<Path> s = Files.list(a)) {
                    s.filter(Files::isRegularFile).filter(ImageReader::hasImageExtension).sorted().forEach(found::add);
                } catch (IOException e) {
                    in.fail(err, a, "cannot list folder: " + e.getMessage());
                    continue;
                }
                if (found.isEmpty()) in.fail(err, a, "folder has no images (png, jpg, jpeg, bmp, tif, tiff, gif)");
                in.files.addAll(found);
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
