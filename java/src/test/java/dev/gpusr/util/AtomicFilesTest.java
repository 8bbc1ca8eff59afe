package dev.gpusr.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writtenFilesHaveTheUsualPermissionsNotOwnerOnly() throws Exception {
        Path plain = dir.resolve("plain.bin");
        Files.write(plain, new byte[] {1});
        Path atomic = dir.resolve("atomic.bin");
        AtomicFiles.write(atomic, new byte[] {1, 2, 3});
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(atomic));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path target = dir.resolve("t.bin");
        Files.write(target, new byte[] {9});
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
        assertFalse(Files.exists(dir.resolve("missing").resolve("x")));
        assertThrows(IOException.class, () -> AtomicFiles.write(dir.resolve("missing").resolve("x"), new byte[0]));
    }

    @Test
    void twoWritersRacingForOneNameOneWinsTheOtherIsRefused() throws Exception {
        Path target = dir.resolve("out.png");
        CyclicBarrier bothWriting = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte id = (byte) (i + 1);
                results.add(pool.submit(() -> {
                    try {
                        AtomicFiles.writeNew(target, out -> {
                            out.write(new byte[] {id, id, id});
                            try {
                                bothWriting.await(10, TimeUnit.SECONDS); // both have passed any existence check
                            } catch (Exception e) {
                                throw new IOException(e);
                            }
                        });
                        return true;
                    } catch (FileAlreadyExistsException e) {
                        return false;
                    }
                }));
            }
            int wins = 0;
            byte winner = 0;
            for (int i = 0; i < 2; i++) {
                if (results.get(i).get(20, TimeUnit.SECONDS)) {
                    wins++;
                    winner = (byte) (i + 1);
                }
            }
            assertEquals(1, wins, "exactly one writer may create the file");
            assertArrayEquals(new byte[] {winner, winner, winner}, Files.readAllBytes(target));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(target), listing(), "no temporary file is left");
    }

    @Test
    void writeNewNeverReplacesAndWriteDoes() throws Exception {
        Path target = dir.resolve("a.bin");
        Files.write(target, new byte[] {7});
        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.writeNew(target, out -> out.write(1)));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        AtomicFiles.write(target, out -> out.write(8));
        assertArrayEquals(new byte[] {8}, Files.readAllBytes(target));
        Path fresh = dir.resolve("b.bin");
        AtomicFiles.writeNew(fresh, out -> out.write(9));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(fresh));
        assertEquals(2, listing().size());
    }

    @Test
    void withoutHardLinksTheFallbackStillRefusesAnExistingTarget() throws Exception {
        Path tmp = Files.write(dir.resolve(".t.gpusr-1-a.tmp"), new byte[] {1});
        Path target = dir.resolve("t.bin");
        AtomicFiles.publish(tmp, target, AtomicFiles.Mode.NO_REPLACE, false);
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
        assertFalse(Files.exists(tmp));
        Path tmp2 = Files.write(dir.resolve(".t.gpusr-1-b.tmp"), new byte[] {2});
        assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.publish(tmp2, target, AtomicFiles.Mode.NO_REPLACE, false));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(target), "the existing file is kept");
        AtomicFiles.publish(tmp2, target, AtomicFiles.Mode.REPLACE, false);
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(target));
    }

    @Test
    void temporaryFilesAreNamedAfterTheProcess() {
        String name = AtomicFiles.tempName(dir.resolve("x.png")).getFileName().toString();
        assertTrue(name.matches("\\.x\\.png\\.gpusr-" + ProcessHandle.current().pid() + "-[0-9a-z]+\\.tmp"), name);
    }

    @Test
    void removeStaleDeletesADeadProcesssTemporaryFilesOnly() throws Exception {
        long dead = deadPid();
        long live = ProcessHandle.current().pid();
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - AtomicFiles.STALE_AFTER.toMillis() - 60_000);
        Path deadTmp = touch(".a.png.gpusr-" + dead + "-abc123.tmp", old);
        Path deadButFresh = touch(".f.png.gpusr-" + dead + "-abc124.tmp", null);
        Path liveTmp = touch(".b.png.gpusr-" + live + "-abc123.tmp", old);
        Path parent = ProcessHandle.current().parent().orElseThrow().pid() == live ? liveTmp
                : touch(".c.png.gpusr-" + ProcessHandle.current().parent().orElseThrow().pid() + "-z.tmp", old);
        Path otherPattern = touch(".d.png.12345.tmp", old);
        Path image = touch("e.png", old);
        assertEquals(1, AtomicFiles.removeStale(dir));
        assertFalse(Files.exists(deadTmp));
        for (Path kept : List.of(deadButFresh, liveTmp, parent, otherPattern, image)) {
            assertTrue(Files.exists(kept), kept + " must be kept");
        }
        assertEquals(0, AtomicFiles.removeStale(dir.resolve("no-such-folder")));
    }

    @Test
    void shutdownCleanupNeverDeletesAFinishedFileAndStopsLaterCommits() throws Exception {
        AtomicFiles.InFlight registry = new AtomicFiles.InFlight();
        Path done = dir.resolve("done.ckpt");
        AtomicFiles.write(done, AtomicFiles.Mode.REPLACE, out -> out.write(1), registry);

        Path target = dir.resolve("ckpt.safetensors");
        Files.write(target, new byte[] {5});
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch cleaned = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> w = pool.submit(() -> {
                AtomicFiles.write(target, AtomicFiles.Mode.REPLACE, out -> {
                    out.write(6);
                    writing.countDown();
                    try {
                        cleaned.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }, registry);
                return null;
            });
            assertTrue(writing.await(10, TimeUnit.SECONDS));
            registry.abandonAll();
            cleaned.countDown();
            try {
                w.get(10, TimeUnit.SECONDS);
                fail("a write finishing after the shutdown cleanup must not be published");
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(done));
        assertArrayEquals(new byte[] {5}, Files.readAllBytes(target), "the previous checkpoint is intact");
        assertEquals(2, listing().size(), "no temporary file is left: " + listing());
    }

    /** A finisher (training's stop checkpoint) publishes before the cleanup refuses writes; an unregistered one never runs. */
    @Test
    void finishersRunAndPublishBeforeTheShutdownCleanup() throws Exception {
        AtomicFiles.InFlight registry = new AtomicFiles.InFlight();
        Path checkpoint = dir.resolve("run.ckpt");
        Files.write(checkpoint, new byte[] {1});
        List<String> order = new java.util.ArrayList<>();
        AtomicFiles.Registration gone = registry.beforeCleanup(() -> order.add("unregistered"));
        gone.close();
        registry.beforeCleanup(() -> {
            try {
                AtomicFiles.write(checkpoint, AtomicFiles.Mode.REPLACE, out -> out.write(2), registry);
                order.add("checkpoint");
            } catch (IOException e) {
                order.add("refused: " + e.getMessage());
            }
        });
        registry.beforeCleanup(() -> {
            throw new IllegalStateException("a failing finisher does not stop the cleanup");
        });
        registry.shutdown();
        assertEquals(List.of("checkpoint"), order);
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(checkpoint));
        assertThrows(IOException.class,
                () -> AtomicFiles.write(checkpoint, AtomicFiles.Mode.REPLACE, out -> out.write(3), registry));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(checkpoint));
        assertEquals(1, listing().size(), "no temporary file is left: " + listing());
    }

    private Path touch(String name, FileTime modified) throws IOException {
        Path p = Files.write(dir.resolve(name), new byte[] {1});
        if (modified != null) Files.setLastModifiedTime(p, modified);
        return p;
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** The id of a process that has ended (a child we started and waited for). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }
}
