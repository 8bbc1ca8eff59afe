package dev.gpusr.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes that never leave a partial file under the final name and never replace a file the caller did not ask to
 * replace. Data goes to a temporary file in the target's own folder (same file system), is flushed to disk (fsync),
 * and only then appears under the final name:
 *
 * <ul>
 *   <li>{@link Mode#NO_REPLACE} ({@link #writeNew}): {@code link(tmp, target)}, which fails atomically with
 *       {@link FileAlreadyExistsException} when the name exists -- also when another process created it a moment
 *       ago, so two runs writing into one folder can never overwrite each other. The temporary name is removed
 *       afterwards. Where the file system has no hard links (FAT/exFAT, some network and FUSE mounts) it falls back
 *       to a rename without replacement, which Java can only do as check-then-rename: a file created by another
 *       process in the instant between the check and the rename could then be replaced.</li>
 *   <li>{@link Mode#REPLACE} ({@link #write}): an atomic rename over the target, so readers see the old or the new
 *       file, never a mix.</li>
 * </ul>
 *
 * <p>The folder is fsynced after the rename/link so the new name survives a power cut. Temporary files are named
 * {@code .NAME.gpusr-PID-RANDOM.tmp}: a shutdown hook removes this process's unfinished ones (Ctrl-C) and
 * {@link #removeStale} removes those a killed process (kill -9, power cut) left behind, never a live process's.
 */
public final class AtomicFiles {
    /** Whether an existing target may be replaced. */
    public enum Mode {
        /** Atomic rename over an existing target (what {@link #write(Path, Writer)} does). */
        REPLACE,
        /** Fail with FileAlreadyExistsException if the target exists, atomically (no check-then-write window). */
        NO_REPLACE
    }

    /** A registered shutdown finisher; closing it unregisters the finisher. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Writes something to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long PID = ProcessHandle.current().pid();
    /** {@code .NAME.gpusr-PID-RANDOM.tmp}: group 1 is the writer's process id. */
    private static final Pattern TEMP_NAME = Pattern.compile("^\\..+\\.gpusr-(\\d{1,19})-[0-9a-z]{1,13}\\.tmp$");
    /**
     * A temporary file of a process that is not running here is left alone while it is younger than this: a process
     * in another PID namespace (another container sharing the folder) would look dead, but its file keeps changing.
     */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private static final InFlight IN_FLIGHT = new InFlight();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(IN_FLIGHT::shutdown, "gpu-sr temporary file cleanup"));
    }

    /**
     * Work that must finish before the shutdown cleanup refuses further writes, such as training's stop checkpoint:
     * the JVM runs shutdown hooks in no fixed order and all at once, so a hook of its own would race the cleanup
     * (which would then refuse the checkpoint). The cleanup hook runs each registered finisher first, one after the
     * other; a finisher must bound its own wait. Closing the handle unregisters it.
     */
    public static Registration beforeShutdownCleanup(Runnable finisher) {
        return IN_FLIGHT.beforeCleanup(finisher);
    }

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, Mode.REPLACE, out -> out.write(bytes));
    }

    /** Replacing write (as before {@link Mode} existed): {@code write(target, Mode.REPLACE, writer)}. */
    public static void write(Path target, Writer writer) throws IOException {
        write(target, Mode.REPLACE, writer);
    }

    /** Writes a file that must not exist yet: {@code write(target, Mode.NO_REPLACE, writer)}. */
    public static void writeNew(Path target, Writer writer) throws IOException {
        write(target, Mode.NO_REPLACE, writer);
    }

    /**
     * Writes through a fsynced temporary file, then makes it appear under {@code target} as {@code mode} says.
     *
     * @throws FileAlreadyExistsException with NO_REPLACE when target exists (the existing file is untouched)
     * @throws IOException the writer's own failure, a full disk etc.; the old file (if any) is untouched and no
     *     temporary file is left
     */
    public static void write(Path target, Mode mode, Writer writer) throws IOException {
        write(target, mode, writer, IN_FLIGHT);
    }

    static void write(Path target, Mode mode, Writer writer, InFlight registry) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(abs.toString(), null, "output folder " + dir + " does not exist");
        }
        if (mode == Mode.NO_REPLACE && Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // Early, cheap refusal; the link below is what actually guarantees it.
            throw new FileAlreadyExistsException(abs.toString());
        }
        Path tmp = tempName(abs);
        boolean committed = false;
        registry.add(tmp);
        try {
            // Not Files.createTempFile: its owner-only permissions would survive the rename; a new file follows the umask.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(ch);
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            registry.commit(tmp, () -> publish(tmp, abs, mode, true));
            committed = true;
            syncFolder(dir);
        } finally {
            if (!committed) Files.deleteIfExists(tmp);
            registry.remove(tmp);
        }
    }

    /** Makes the finished {@code tmp} appear as {@code target}; {@code tryLink} false: as where links are unsupported. */
    static void publish(Path tmp, Path target, Mode mode, boolean tryLink) throws IOException {
        if (mode == Mode.REPLACE) {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        boolean linked = false;
        try {
            if (tryLink) {
                Files.createLink(target, tmp);
                linked = true;
            }
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException e) {
            linked = false;
        } catch (FileSystemException e) {
            // EPERM / EOPNOTSUPP from a file system without hard links arrive as a plain FileSystemException;
            // its subclasses (no such file, access denied) are real failures.
            if (e.getClass() != FileSystemException.class) throw e;
            linked = false;
        }
        if (linked) {
            Files.delete(tmp);
        } else {
            Files.move(tmp, target); // no REPLACE_EXISTING: refuses an existing target (check, then rename)
        }
    }

    private static void syncFolder(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems refuse to sync a folder; the data itself is already on disk
        }
    }

    /** The temporary name for a target: {@code .NAME.gpusr-PID-RANDOM.tmp} beside it. */
    static Path tempName(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".gpusr-" + PID + "-"
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    }

    /**
     * Deletes the temporary files of this naming pattern in {@code folder} (not its subfolders) whose writing process
     * is no longer running and which have not changed for {@link #STALE_AFTER}; files of a live process (this one or
     * another run) are kept. Returns how many were removed. A folder that cannot be listed removes nothing.
     */
    public static int removeStale(Path folder) {
        int removed = 0;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, ".*.gpusr-*.tmp")) {
            for (Path p : entries) {
                Matcher m = TEMP_NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (isAlive(pid)) continue;
                try {
                    if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                    FileTime modified = Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (now - modified.toMillis() < STALE_AFTER.toMillis()) continue;
                    if (Files.deleteIfExists(p)) removed++;
                } catch (IOException e) {
                    // another cleaner got there first, or no permission: not ours to insist on
                }
            }
        } catch (IOException | SecurityException e) {
            return removed;
        }
        return removed;
    }

    private static boolean isAlive(long pid) {
        if (pid == PID) return true;
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isPresent() && h.get().isAlive();
    }

    /** A step that makes a finished temporary file appear under its final name. */
    @FunctionalInterface
    interface Publish {
        void run() throws IOException;
    }

    /**
     * This process's unfinished temporary files. Publishing and the shutdown cleanup exclude each other: the cleanup
     * never deletes a file that is being renamed or linked into place, and once it has run nothing more is published
     * (a checkpoint either appears complete before the JVM stops or not at all; the previous one stays).
     */
    static final class InFlight {
        private final Set<Path> paths = ConcurrentHashMap.newKeySet();
        private final List<Runnable> finishers = new CopyOnWriteArrayList<>();
        private boolean abandoned;

        Registration beforeCleanup(Runnable finisher) {
            finishers.add(finisher);
            return () -> finishers.remove(finisher);
        }

        /** The shutdown hook: the registered finishers (they may still publish), then {@link #abandonAll}. */
        void shutdown() {
            for (Runnable f : finishers) { // a snapshot: a finisher that unregisters itself does not disturb the walk
                try {
                    f.run();
                } catch (RuntimeException e) {
                    System.err.println("gpu-sr: " + e); // the process is ending: say it and clean up all the same
                }
            }
            abandonAll();
        }

        void add(Path tmp) {
            paths.add(tmp);
        }

        void remove(Path tmp) {
            paths.remove(tmp);
        }

        synchronized void commit(Path tmp, Publish publish) throws IOException {
            if (abandoned) throw new IOException("not written: the process is stopping");
            publish.run();
            paths.remove(tmp);
        }

        /** Deletes every unfinished temporary file and refuses later commits. */
        synchronized void abandonAll() {
            abandoned = true;
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the process is ending; nothing else to do
                }
            }
        }
    }
}
