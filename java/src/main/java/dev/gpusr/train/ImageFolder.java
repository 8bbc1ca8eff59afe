package dev.gpusr.train;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The pictures of a folder and its sub-folders, in path order (so a data set comes out the same on every run).
 * Files that are not images, or that fail to decode, are skipped with one warning line each; hidden files quietly.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /**
     * Reads every image under {@code dir} and converts each as soon as it is decoded (so decoded images do not pile
     * up); {@code role} ("training", "validation") names the folder in messages.
     */
    static <T> List<T> read(Path dir, String role, BiFunction<String, Image, T> convert, PrintStream warnings)
            throws IOException {
        List<Path> files = list(dir, role);
        record Outcome<T>(T item, String warning) {}
        // Decoding dominates loading; images are independent, and the ordered stream keeps path order.
        List<Outcome<T>> outcomes = IntStream.range(0, files.size()).parallel().mapToObj(i -> {
            Path file = files.get(i);
            String name = dir.relativize(file).toString();
            if (!ImageReader.hasImageExtension(file)) {
                return new Outcome<T>(null, "skipping " + file + ": not an image (unknown file extension)");
            }
            try {
                Image image = ImageReader.read(file, ImageReader.DEFAULT_MAX_PIXELS);
                return new Outcome<T>(convert.apply(name, image), null);
            } catch (ImageException e) {
                return new Outcome<T>(null, "skipping " + file + ": " + e.getMessage());
            }
        }).toList();
        List<T> items = new ArrayList<>();
        for (Outcome<T> o : outcomes) {
            if (o.warning != null) warnings.println("gpu-sr: " + o.warning);
            else items.add(o.item);
        }
        if (items.isEmpty()) {
            throw new IOException(role + " folder " + dir + " holds no readable images (" + files.size()
                    + " files skipped)");
        }
        return items;
    }

    /**
     * The files under {@code dir} (hidden ones left out), sorted; a missing, non-folder or empty {@code dir} is an
     * IOException naming it as the {@code role} folder. Cheap: callers check folders with it before slow work.
     */
    public static List<Path> list(Path dir, String role) throws IOException {
        if (!Files.exists(dir)) throw new IOException(role + " folder " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new IOException(role + " folder " + dir + " is not a folder");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> !isHidden(dir.relativize(p))).filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (files.isEmpty()) throw new IOException(role + " folder " + dir + " is empty");
        return files;
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) return true;
        }
        return false;
    }
}
