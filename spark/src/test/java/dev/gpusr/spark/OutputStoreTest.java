package dev.gpusr.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing through Hadoop's local file system: never over an existing file, never a leftover temporary file. */
class OutputStoreTest {
    static OutputStore store() throws IOException {
        return new OutputStore(FileSystem.getLocal(new Configuration()));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    static org.apache.hadoop.fs.Path hadoop(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    @Test
    void anExistingFileIsNeverReplaced(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/a.png");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "someone else's file");
        assertEquals(OutputStore.Outcome.EXISTS, store().write(hadoop(target), new byte[] {1, 2, 3}, "t1", null));
        assertEquals("someone else's file", Files.readString(target));
        assertEquals(List.of("a.png"), names(target.getParent()), "no temporary or checksum file left");
    }

    @Test
    void writesCreateFoldersAndLeaveOnlyTheFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("x/y/b.png");
        assertEquals(OutputStore.Outcome.WRITTEN, store().write(hadoop(target), "bytes".getBytes(StandardCharsets.UTF_8), "t1", null));
        assertEquals("bytes", Files.readString(target));
        assertEquals(List.of("b.png"), names(target.getParent()));
    }

    @Test
    void aFailureBeforePublishingLeavesNothing(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("c.png");
        assertThrows(IllegalStateException.class, () -> store().write(hadoop(target), new byte[] {9}, "t1", () -> {
            throw new IllegalStateException("injected");
        }));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void racingAttemptsPublishExactlyOnce(@TempDir Path dir) throws Exception {
        racingAttemptsPublishExactlyOnce(dir, OutputStoreTest::store, OutputStoreTest::hadoop);
    }

    /** The same through rename, as on HDFS (a test file system with HDFS's rule that rename never replaces a file). */
    @Test
    void racingAttemptsPublishExactlyOnceByRename(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs." + HdfsLikeFileSystem.SCHEME + ".impl", HdfsLikeFileSystem.class.getName());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(HdfsLikeFileSystem.SCHEME + "://" + dir);
        FileSystem fs = root.getFileSystem(conf);
        racingAttemptsPublishExactlyOnce(dir, () -> new OutputStore(fs),
                p -> new org.apache.hadoop.fs.Path(HdfsLikeFileSystem.SCHEME + "://" + p));
    }

    interface StoreFactory {
        OutputStore get() throws IOException;
    }

    static void racingAttemptsPublishExactlyOnce(Path dir, StoreFactory stores,
                                                 java.util.function.Function<Path, org.apache.hadoop.fs.Path> hadoop)
            throws Exception {
        Path target = dir.resolve("d.png");
        int n = 8;
        CountDownLatch ready = new CountDownLatch(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<OutputStore.Outcome>> results = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] bytes = {(byte) i};
                String tag = "attempt" + i;
                results.add(pool.submit(() -> stores.get().write(hadoop.apply(target), bytes, tag, () -> {
                    ready.countDown(); // every attempt has its complete temporary file before any publishes
                    try {
                        ready.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })));
            }
            int written = 0;
            int winner = -1;
            for (int i = 0; i < n; i++) {
                if (results.get(i).get() == OutputStore.Outcome.WRITTEN) {
                    written++;
                    winner = i;
                }
            }
            assertEquals(1, written, "one attempt publishes, the others find the name taken");
            assertEquals(List.of("d.png"), names(dir));
            assertArrayEquals(new byte[] {(byte) winner}, Files.readAllBytes(target), "the winner's bytes, whole");
        } finally {
            pool.shutdown();
        }
    }
}
