package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native libdeflate binding: it is built and loads (required where the build was asked to require it, as CI
 * does), its zlib streams inflate back with java.util.zip's Inflater at every level and edge size, it is
 * deterministic, and when it cannot load gpu-sr says why in one line and writes PNG with java.util.zip.
 * (PngEncoderTest decodes whole PNG files written with it.)
 */
class NativeDeflateTest {
    @TempDir
    Path dir;

    static void assumeLoaded() {
        NativeDeflate.Status s = NativeDeflate.status();
        if ("require".equals(System.getProperty("gpusr.native"))) {
            assertTrue(s.loaded(), "-Dgpusr.native=require, but the native library did not load: " + s.reason());
        }
        assumeTrue(s.loaded(), "native libdeflate not loaded (" + s.reason() + "): its tests skip");
    }

    @Test
    void libraryLoadsAndNamesItsLibdeflate() {
        assumeLoaded();
        assertTrue(NativeDeflate.status().version().matches("\\d+\\.\\d+(\\.\\d+)?"), NativeDeflate.status().version());
        assertEquals(null, NativeDeflate.status().reason());
    }

    /** Pseudo-random bytes with runs, like filtered rows: compressible, but not trivially. */
    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        long s = seed * 0x9E3779B97F4A7C15L + 7;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            b[i] = (i / 64) % 3 == 0 ? (byte) (s >>> 59) : (byte) (i / 7);
        }
        return b;
    }

    /** Compresses in pieces of {@code in} bytes, reads out in pieces of {@code out} bytes. */
    static byte[] deflate(PngDeflater d, byte[] data, int in, int out) {
        d.reset();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[out];
        for (int off = 0; off < data.length; off += in) {
            d.setInput(data, off, Math.min(in, data.length - off));
            while (!d.needsInput()) z.write(buf, 0, d.deflate(buf, 0, buf.length));
        }
        d.finish();
        while (!d.finished()) z.write(buf, 0, d.deflate(buf, 0, buf.length));
        return z.toByteArray();
    }

    static byte[] inflate(byte[] z, int expected) throws DataFormatException {
        Inflater inf = new Inflater(); // zlib header and Adler-32 checked
        inf.setInput(z);
        byte[] out = new byte[expected + 1];
        int n = 0;
        while (!inf.finished() && n < out.length) {
            int k = inf.inflate(out, n, out.length - n);
            if (k == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                throw new AssertionError("truncated stream");
            }
            n += k;
        }
        assertTrue(inf.finished(), "stream ends");
        assertEquals(0, inf.getRemaining(), "nothing after the stream");
        inf.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void everyLevelAndEdgeSizeInflatesBackAndIsDeterministic() throws Exception {
        assumeLoaded();
        int[] sizes = {0, 1, 2, 100, 65537, 300_001};
        for (int level = 0; level <= 9; level++) {
            try (PngDeflater d = new NativeDeflater(level)) {
                for (int size : sizes) {
                    byte[] data = data(size, size + level);
                    byte[] z = deflate(d, data, 131072, 131072);
                    String what = "level " + level + ", " + size + " bytes";
                    assertArrayEquals(data, inflate(z, size), what);
                    // other input and output pieces, the same context reused, a fresh one: the same stream
                    assertArrayEquals(z, deflate(d, data, 999, 7), what + ": pieces");
                    try (PngDeflater fresh = new NativeDeflater(level)) {
                        assertArrayEquals(z, deflate(fresh, data, 4096, 65536), what + ": fresh context");
                    }
                    if (level == 0 && size > 0) assertTrue(z.length > size, "level 0 stores: " + z.length);
                    if (level == 6 && size == 300_001) {
                        assertTrue(z.length < size / 2, "level 6 compresses: " + z.length);
                    }
                }
            }
        }
    }

    @Test
    void levelsMapMonotonicallyOntoLibdeflates() {
        int prev = -1;
        for (int level = 0; level <= 9; level++) {
            int l = NativeDeflater.libdeflateLevel(level);
            assertTrue(l > prev && l <= 12, level + " -> " + l);
            prev = l;
        }
        assertEquals(0, NativeDeflater.libdeflateLevel(0), "0 stores, as zlib's");
        assertEquals(7, NativeDeflater.libdeflateLevel(PngEncoder.DEFAULT_COMPRESSION),
                "the default: libdeflate's first level at least as compact as zlib's 6 (BENCHMARKS.md)");
        assertThrows(IllegalArgumentException.class, () -> NativeDeflater.libdeflateLevel(10));
        assertThrows(IllegalArgumentException.class, () -> NativeDeflater.libdeflateLevel(-1));
    }

    @Test
    void closedContextThrowsInsteadOfCrashing() {
        assumeLoaded();
        long ctx = Libdeflate.open(6);
        Libdeflate.close(ctx);
        assertThrows(IllegalStateException.class, () -> Libdeflate.append(0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> Libdeflate.compress(0));
        long live = Libdeflate.open(1);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> Libdeflate.append(live, new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> Libdeflate.append(live, new byte[4], -1, 1));
            Libdeflate.append(live, new byte[4], 0, 4);
            long n = Libdeflate.compress(live);
            assertThrows(IndexOutOfBoundsException.class, () -> Libdeflate.read(live, n - 1, new byte[8], 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> Libdeflate.read(live, 0, new byte[2], 1, 2));
            assertThrows(IllegalArgumentException.class, () -> Libdeflate.open(13));
        } finally {
            Libdeflate.close(live);
        }
    }

    @Test
    void loadsFromInsideAJarThroughATemporaryCopyThatIsRemoved() throws Exception {
        assumeLoaded();
        String entry = "dev/gpusr/image/" + NativeDeflate.RESOURCE;
        Path jar = dir.resolve("lib.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                java.io.InputStream in = NativeDeflate.class.getResourceAsStream(NativeDeflate.RESOURCE)) {
            out.putNextEntry(new java.util.zip.ZipEntry(entry));
            in.transferTo(out);
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = copies(tmp);
        NativeDeflate.Status s = NativeDeflate.load("Linux", "amd64", new java.net.URL("jar:" + jar.toUri() + "!/" + entry));
        assertTrue(s.loaded(), s.reason());
        List<Path> left = copies(tmp);
        left.removeAll(before);
        assertEquals(List.of(), left, "the temporary copy is deleted once loaded");
    }

    private static List<Path> copies(Path tmp) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith("gpusr-native")).toList());
        }
    }

    // ---- when the library cannot be loaded

    @Test
    void loadFailuresNameTheReasonInOneLine() throws Exception {
        NativeDeflate.Status missing = NativeDeflate.load("Linux", "amd64", null);
        assertFalse(missing.loaded());
        assertTrue(missing.reason().contains("-Dgpusr.native=skip"), missing.reason());

        NativeDeflate.Status otherOs = NativeDeflate.load("Mac OS X", "aarch64", dir.toUri().toURL());
        assertFalse(otherOs.loaded());
        assertTrue(otherOs.reason().contains("Linux x86-64 only") && otherOs.reason().contains("Mac OS X aarch64"),
                otherOs.reason());

        // the library marked as built for another processor (ELF e_machine = AArch64): the loader refuses it cleanly
        // (a plain text file makes the JVM warn about stack guards; a truncated one can crash the dynamic loader)
        Path bogus = dir.resolve("libgpusr_deflate.so");
        try (java.io.InputStream in = NativeDeflate.class.getResourceAsStream(NativeDeflate.RESOURCE)) {
            assumeTrue(in != null, "no native library in this build to alter");
            byte[] elf = in.readAllBytes();
            elf[18] = (byte) 183; // EM_AARCH64, little-endian
            elf[19] = 0;
            Files.write(bogus, elf);
        }
        NativeDeflate.Status broken = NativeDeflate.load("Linux", "amd64", bogus.toUri().toURL());
        assertFalse(broken.loaded());
        assertTrue(broken.reason().startsWith("cannot load ") && broken.reason().contains(bogus.toString()),
                broken.reason());
        for (NativeDeflate.Status s : List.of(missing, otherOs, broken)) {
            assertFalse(s.reason().contains("\n"), "one line: " + s.reason());
        }
    }

    @Test
    void autoFallsBackToZlibWithOneNoticePerJvm() {
        NativeDeflate.Status failed = new NativeDeflate.Status(false, null, "the reason");
        AtomicBoolean said = new AtomicBoolean();
        List<String> notices = new ArrayList<>();
        assertEquals(PngCodec.ZLIB, PngCodec.AUTO.resolve(failed, notices::add, said));
        assertEquals(PngCodec.ZLIB, PngCodec.AUTO.resolve(failed, notices::add, said));
        assertEquals(1, notices.size(), "once: " + notices);
        assertTrue(notices.get(0).contains("(the reason)") && notices.get(0).contains("java.util.zip")
                && !notices.get(0).contains("\n"), notices.get(0));
        // asked for explicitly: no fallback, the reason in the error
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PngCodec.LIBDEFLATE.resolve(failed, notices::add, said));
        assertTrue(e.getMessage().contains("the reason"), e.getMessage());
        // zlib asked for, or the library there: no notice
        List<String> none = new ArrayList<>();
        AtomicBoolean fresh = new AtomicBoolean();
        assertEquals(PngCodec.ZLIB, PngCodec.ZLIB.resolve(failed, none::add, fresh));
        NativeDeflate.Status ok = new NativeDeflate.Status(true, "1.14", null);
        assertEquals(PngCodec.LIBDEFLATE, PngCodec.AUTO.resolve(ok, none::add, fresh));
        assertEquals(PngCodec.LIBDEFLATE, PngCodec.LIBDEFLATE.resolve(ok, none::add, fresh));
        assertEquals(List.of(), none);
    }

    @Test
    void codecNamesParse() {
        assertEquals(PngCodec.LIBDEFLATE, PngCodec.parse("libdeflate"));
        assertEquals(PngCodec.ZLIB, PngCodec.parse("ZLIB"));
        assertEquals(PngCodec.AUTO, PngCodec.parse(" auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PngCodec.parse("java"));
        assertTrue(e.getMessage().contains("auto, libdeflate or zlib"), e.getMessage());
    }
}
