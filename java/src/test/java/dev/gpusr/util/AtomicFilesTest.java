package dev.gpusr.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
