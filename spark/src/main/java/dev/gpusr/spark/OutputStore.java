package dev.gpusr.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Writes outputs through Hadoop's FileSystem API (local, HDFS, S3A alike) so that no reader ever sees a partial file
 * and nothing existing is replaced: the bytes go to a hidden temporary name in the target's folder, unique to the task
 * attempt, and are then published under the final name only if that name is still free. A lost race (a speculative
 * or retried copy of the task published first) is {@link Outcome#EXISTS}, not an error; the temporary file is removed
 * in every case.
 */
public final class OutputStore {
    public enum Outcome { WRITTEN, EXISTS }

    /** Suffix of temporary outputs; they start with '.', so Hadoop input formats and Spark ignore them. */
    public static final String TMP_SUFFIX = ".gpusr-tmp";

    private final FileSystem fs;

    public OutputStore(FileSystem fs) {
        // The local file system's checksumming wrapper would add .crc side files beside every image.
        this.fs = fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /** The target's status, or null when it does not exist. */
    public FileStatus status(Path target) throws IOException {
        try {
            return fs.getFileStatus(target);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** The temporary name for {@code target} written by one task attempt ({@code tag} unique to the attempt). */
    public static Path temporary(Path target, String tag) {
        return new Path(target.getParent(), "." + target.getName() + "." + tag + TMP_SUFFIX);
    }

    /**
     * Writes {@code bytes} to {@code target} unless it exists. {@code beforePublish} runs after the temporary file is
     * complete and before it is published (the tests' fault injection); if it throws, the temporary file is removed
     * and the exception propagates.
     */
    public Outcome write(Path target, byte[] bytes, String tag, Runnable beforePublish) throws IOException {
        Path parent = target.getParent();
        if (!fs.mkdirs(parent)) throw new IOException("cannot create output folder " + parent);
        Path tmp = temporary(target, tag);
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
            if (beforePublish != null) beforePublish.run();
            return publish(tmp, target);
        } finally {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // best effort: a temporary name is hidden from readers and from later runs' input listing
            }
        }
    }

    /** Moves a complete temporary file to {@code target} only if nothing is there: atomic where the store allows. */
    private Outcome publish(Path tmp, Path target) throws IOException {
        if (fs instanceof RawLocalFileSystem raw && "file".equals(raw.getUri().getScheme())) {
            // POSIX rename replaces an existing file; a hard link to the final name fails instead, atomically.
            java.nio.file.Path t = raw.pathToFile(target).toPath();
            java.nio.file.Path s = raw.pathToFile(tmp).toPath();
            try {
                Files.createLink(t, s);
                return Outcome.WRITTEN;
            } catch (FileAlreadyExistsException e) {
                return Outcome.EXISTS;
            } catch (UnsupportedOperationException | IOException e) {
                // a file system without hard links: check, then a rename that does not replace (small race window)
                if (Files.exists(t)) return Outcome.EXISTS;
                Files.move(s, t);
                return Outcome.WRITTEN;
            }
        }
        // HDFS, S3A, ...: rename to an existing file fails (false or FileAlreadyExistsException) without replacing it.
        try {
            if (fs.rename(tmp, target)) return Outcome.WRITTEN;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return Outcome.EXISTS;
        }
        if (fs.exists(target)) return Outcome.EXISTS;
        throw new IOException("cannot rename " + tmp.getName() + " to " + target);
    }
}
