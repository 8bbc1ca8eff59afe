package dev.gpusr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Checks on a file a command will write, made before any work: it is not a folder, not one of the command's input
 * files (compared by real path, so links and "../" spellings are caught; never replaced, even with --overwrite), it
 * does not exist unless replacing was asked for, and its folder exists or can be created.
 */
final class OutputFiles {
    private OutputFiles() {}

    /**
     * Refuses (UsageException, exit 2) to write {@code file} (named by {@code option} in the message) over one of
     * {@code inputs}, over an existing file without {@code overwrite} (except {@code ownFile}: e.g. the checkpoint a
     * run resumes from and goes on writing), or where a folder is in the way or no folder can be created.
     */
    static void check(Path file, String option, boolean overwrite, Path ownFile, Collection<Path> inputs) {
        if (Files.isDirectory(file)) throw new UsageException(option + " " + file + " is a folder; name a file");
        Path real = realPath(file);
        for (Path in : inputs) {
            if (sameFile(real, file, in)) {
                throw new UsageException(option + " " + file + " is one of the input images (" + in
                        + "); it is never overwritten");
            }
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !overwrite
                && (ownFile == null || !sameFile(real, file, ownFile))) {
            throw new UsageException(option + " " + file + " already exists; use --overwrite to replace it");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) {
            throw new UsageException(option + " " + file + ": " + existing + " is not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new UsageException(option + " " + file + ": cannot write in folder " + existing);
        }
    }

    /**
     * Fails now (IOException, exit 1 in train), before any work, when {@code file} cannot be written where asked: a
     * folder in the way, a folder where no file can be created, or a read-only file. A missing folder passes (it is
     * created when the run starts, after {@link #check}).
     */
    static void checkWritable(Path file, String option) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return;
        if (Files.isDirectory(file)) throw new IOException(option + " " + file + " is a folder");
        try {
            Path probe = Files.createTempFile(dir, ".gpu-sr-write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IOException("cannot write to " + option + " folder " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")", e);
        }
        if (Files.exists(file) && !Files.isWritable(file)) throw new IOException(option + " " + file + " is not writable");
    }

    /** Creates the folders above {@code file} that do not exist yet (call once the run is sure to start). */
    static void createFolders(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create folder " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")", e);
        }
    }

    /** The real path of a file, or of its nearest existing folder with the rest appended. */
    static Path realPath(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path rest = abs.getFileSystem().getPath("");
        for (Path p = abs; p != null; p = p.getParent()) {
            try {
                return p.toRealPath().resolve(rest);
            } catch (IOException e) {
                if (p.getFileName() == null) break;
                rest = p.getFileName().resolve(rest);
            }
        }
        return abs;
    }

    private static boolean sameFile(Path outputReal, Path output, Path other) {
        if (outputReal.equals(realPath(other))) return true;
        try {
            return Files.exists(output) && Files.exists(other) && Files.isSameFile(output, other); // hard links
        } catch (IOException e) {
            return false;
        }
    }
}
