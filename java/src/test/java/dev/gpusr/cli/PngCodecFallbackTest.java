package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.PngCodec;
import dev.gpusr.image.PngEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * gpu-sr as run from a build without the native library: its classes are loaded afresh from a copy of the class
 * folder that lacks libgpusr_deflate.so, so nothing of this JVM's loaded library is seen. PNG is then written with
 * java.util.zip, saying so in exactly one line per run; asked for libdeflate explicitly it refuses with the reason.
 */
class PngCodecFallbackTest {
    @TempDir
    Path dir;

    /** Loads dev.gpusr classes and resources from its folder first, everything else from the test's loader. */
    static final class WithoutNative extends URLClassLoader {
        WithoutNative(Path classes) throws IOException {
            super(new URL[] {classes.toUri().toURL()}, PngCodecFallbackTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.gpusr.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith("dev/gpusr/") ? findResource(name) : super.getResource(name);
        }
    }

    record Run(int exit, String err) {}

    static Run run(ClassLoader loader, String... args) throws Exception {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = (CommandLine) loader.loadClass("dev.gpusr.cli.Main").getMethod("commandLine").invoke(null);
            cl.setErr(new PrintWriter(System.err, true));
            return new Run(cl.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static long lines(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).count();
    }

    @Test
    void withoutTheLibraryPngIsWrittenWithZlibSayingSoOnce() throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(Files.isDirectory(classes), "gpu-sr's classes come from a jar here: " + classes);
        Path copy = dir.resolve("classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(classes.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else if (!f.getFileName().toString().endsWith(".so")) Files.copy(f, to);
            }
        }
        Path in = Files.createDirectories(dir.resolve("in"));
        ImageWriter.write(UpscaleCommandTest.randomRgb(20, 15, 1), in.resolve("a.png"), ImageFormat.PNG, 100);
        ImageWriter.write(UpscaleCommandTest.randomRgb(9, 11, 2), in.resolve("b.png"), ImageFormat.PNG, 100);

        try (WithoutNative loader = new WithoutNative(copy)) {
            String reason = "this gpu-sr build has none";
            // explicitly asked for: refused before any work, with the reason
            Path refused = dir.resolve("refused");
            Run r = run(loader, "upscale", "--method", "bicubic", "--scale", "2", "--png-codec", "libdeflate",
                    in.toString(), "-o", refused.toString());
            assertEquals(Main.USAGE, r.exit(), r.err());
            assertTrue(r.err().contains("PNG codec libdeflate is not available: " + reason), r.err());
            assertFalse(Files.exists(refused), "no output folder for a refused run");

            // JPEG only: no PNG is written, nothing to say
            r = run(loader, "upscale", "--method", "bicubic", "--scale", "2", "-f", "jpg", in.toString(), "-o",
                    dir.resolve("jpg").toString());
            assertEquals(Main.OK, r.exit(), r.err());
            assertEquals(0, lines(r.err(), "libdeflate"), r.err());

            // auto (the default): two PNGs, one notice line naming the reason, zlib's exact bytes
            Path out = dir.resolve("out");
            r = run(loader, "upscale", "--method", "bicubic", "--scale", "2", "-j", "1:1:2", in.toString(), "-o",
                    out.toString());
            assertEquals(Main.OK, r.exit(), r.err());
            assertEquals(1, lines(r.err(), "native libdeflate not loaded (" + reason), r.err());
            assertEquals(1, lines(r.err(), "java.util.zip"), r.err());
            for (String name : new String[] {"a.png", "b.png"}) {
                Path f = out.resolve(name);
                ByteArrayOutputStream zlib = new ByteArrayOutputStream();
                PngEncoder.write(ImageReader.readPixels(f, 1 << 20), zlib, PngEncoder.DEFAULT_COMPRESSION, PngCodec.ZLIB);
                assertArrayEquals(zlib.toByteArray(), Files.readAllBytes(f), name + ": written with java.util.zip");
            }
        }
    }
}
