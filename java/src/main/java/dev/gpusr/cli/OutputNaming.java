package dev.gpusr.cli;

import dev.gpusr.image.ExifOrientation;
import dev.gpusr.image.FileMetadata;
import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where an input's output goes ({@code --suffix}, {@code --format}, {@code --recursive}) and whether an output already
 * there is a complete result of the same job ({@code --skip-existing}).
 */
final class OutputNaming {
    private OutputNaming() {}

    /** Refuses (UsageException) a suffix that would make a name go elsewhere or hide it. */
    static String checkSuffix(String suffix) {
        if (suffix == null) return "";
        if (suffix.contains("/") || suffix.contains("\\") || suffix.contains("\0")) {
            throw new UsageException("--suffix must not contain a path separator, got '" + suffix + "'");
        }
        return suffix;
    }

    /**
     * The output of {@code relative} (an input's path under its input folder, or just its name) under {@code root}:
     * the same folders, the name's stem plus {@code suffix}, then the fixed format's extension, else the input's own
     * (".jpeg" stays ".jpeg"), PNG for GIF and unknown ones. Never outside {@code root} (IllegalArgumentException).
     */
    static Path outputFor(Path relative, Path root, ImageFormat fixed, String suffix) {
        if (relative.isAbsolute()) throw new IllegalArgumentException("not a relative path: " + relative);
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        ImageFormat own = ImageFormat.ofPath(relative);
        String ext = fixed != null ? fixed.extension : own != null ? name.substring(dot + 1) : ImageFormat.PNG.extension;
        Path parent = relative.getParent();
        Path rel = (parent == null ? relative.getFileSystem().getPath("") : parent).resolve(stem + suffix + "." + ext);
        Path base = root.toAbsolutePath().normalize();
        Path out = base.resolve(rel).normalize();
        if (!out.startsWith(base) || out.equals(base)) {
            throw new IllegalArgumentException(relative + " would be written outside " + root);
        }
        return root.resolve(rel);
    }

    /**
     * Whether {@code output} is a complete earlier result for {@code input} at {@code scale}: a regular file that
     * decodes to a header of the input's upright size times the scale. A half-written file never has the final name
     * (outputs are renamed into place when complete); a different scale or an unrelated file is not skipped.
     */
    static boolean isComplete(Path input, Path output, int scale) {
        if (!Files.isRegularFile(output, LinkOption.NOFOLLOW_LINKS)) return false;
        try {
            ImageReader.Dimensions in = ImageReader.probe(input);
            ImageReader.Dimensions out = ImageReader.probe(output);
            boolean swap = ExifOrientation.swapsSides(FileMetadata.read(input).orientation());
            long w = (long) (swap ? in.height() : in.width()) * scale;
            long h = (long) (swap ? in.width() : in.height()) * scale;
            return out.width() == w && out.height() == h;
        } catch (ImageException e) {
            return false;
        }
    }
}
