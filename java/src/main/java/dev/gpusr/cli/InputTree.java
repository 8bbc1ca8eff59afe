package dev.gpusr.cli;

import dev.gpusr.image.ImageReader;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The images under a folder, with their place in it, for {@code upscale --recursive}: the structure is kept under
 * {@code -o}. Symbolic links are followed (a linked folder is part of the tree), but a link back into a folder being
 * walked (a loop) is skipped with a notice, never followed forever; hidden files and folders (".name") are left
 * out; an unreadable folder is a notice and the rest goes on.
 */
final class InputTree {
    /** An image file and its path relative to the folder walked (never absolute, never containing ".."). */
    record Entry(Path file, Path relative) {}

    /** Why a folder argument gave nothing. */
    static final String NO_IMAGES = "folder has no images (png, jpg, jpeg, bmp, tif, tiff, gif)";

    private InputTree() {}

    /** Images under {@code root}, sorted by relative path; without {@code recursive} only its direct files. */
    static List<Entry> walk(Path root, boolean recursive, Consumer<String> notices) throws IOException {
        List<Entry> found = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), recursive ? Integer.MAX_VALUE : 1,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (!dir.equals(root) && hidden(dir)) return FileVisitResult.SKIP_SUBTREE;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && !hidden(file) && ImageReader.hasImageExtension(file)) {
                            found.add(new Entry(file, root.relativize(file)));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (file.equals(root)) throw e;
                        if (e instanceof FileSystemLoopException) {
                            notices.accept(file + ": skipped, a symbolic link back into a folder above it (a loop)");
                        } else {
                            notices.accept(file + ": cannot read (" + e.getClass().getSimpleName()
                                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + "); skipped");
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        found.sort(Comparator.comparing(e -> e.relative().toString()));
        return found;
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
