package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both launchers (the checkout's ./gpu-sr and the self-contained folder's bin/gpu-sr) run a non-ASCII file name
 * under LC_ALL=C. Each runs for real as a subprocess, in a scratch copy laid out as it expects: a built jar plus
 * lib/ and pick-jdk.sh for the checkout launcher (with no sources beside it, so it does not start a Maven build:
 * it runs on the newest Java 17+ it finds, as in a checkout), runtime/ (this JDK)
 * plus lib/ for the folder's. File names are made by bash from octal escapes, so this JVM's own charset plays no part.
 */
class LauncherLocaleTest {
    /** "ünïcödé.png" in UTF-8, as printf octal escapes. */
    private static final String NAME = "$(printf '\\303\\274n\\303\\257c\\303\\266d\\303\\251.png')";

    @TempDir
    static Path tmp;

    static List<Path> jars;

    @BeforeAll
    static void buildJars() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute(), "needs bash");
        String locales = run(List.of("bash", "-c", "locale -a 2>/dev/null || true"), null).out;
        assumeTrue(locales.toLowerCase().matches("(?s).*\\b(c|en_us)\\.utf-?8\\b.*"),
                "no UTF-8 locale installed: " + locales);
        jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && p.endsWith("classes")) {
                jars.add(jar(p, tmp.resolve("gpu-sr-0.jar")));
            } else if (e.endsWith(".jar") && Files.isRegularFile(p) && !p.getFileName().toString().startsWith("surefire")) {
                jars.add(p);
            }
        }
        assumeTrue(jars.stream().anyMatch(p -> p.getFileName().toString().startsWith("picocli")),
                "the test class path is not visible: " + System.getProperty("java.class.path"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, (x * 15) << 16 | (y * 20) << 8 | 90);
        ImageIO.write(img, "png", in.resolve("plain.png").toFile());
        run(List.of("bash", "-c", "cd '" + in + "' && cp plain.png \"" + NAME + "\""), null);
    }

    @Test
    void checkoutLauncherRunsANonAsciiNameUnderTheCLocale() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("checkout"));
        Path launcher = root.resolve("gpu-sr");
        Files.copy(Path.of("..", "gpu-sr"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Path dist = Files.createDirectories(root.resolve("java").resolve("src").resolve("dist"));
        Files.copy(Path.of("src", "dist", "pick-jdk.sh"), dist.resolve("pick-jdk.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(root.resolve("java").resolve("target"));
        Path lib = Files.createDirectories(target.resolve("lib"));
        for (Path j : jars) {
            if (j.getFileName().toString().equals("gpu-sr-0.jar")) Files.copy(j, target.resolve("gpu-sr-0.jar"));
            else Files.createSymbolicLink(lib.resolve(j.getFileName()), j.toAbsolutePath());
        }
        assertUpscales(launcher, root.resolve("out"));
    }

    @Test
    void selfContainedLauncherRunsANonAsciiNameUnderTheCLocale() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("dist"));
        Path launcher = Files.createDirectories(root.resolve("bin")).resolve("gpu-sr");
        Files.copy(Path.of("src", "dist", "bin", "gpu-sr"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(root.resolve("runtime"), Path.of(System.getProperty("java.home")));
        Path lib = Files.createDirectories(root.resolve("lib"));
        for (Path j : jars) Files.createSymbolicLink(lib.resolve(j.getFileName()), j.toAbsolutePath());
        assertUpscales(launcher, root.resolve("out"));
    }

    @Test
    void aNameJavaCannotRepresentGivesOneLineAndExit2() {
        CliTestSupport.Run r = CliTestSupport.run("upscale", "bad\uD800name.png", "-o", tmp.resolve("o").toString());
        assertEquals(Main.USAGE, r.exit(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("gpu-sr: cannot use the file name"), r.err());
        assertTrue(lines[0].contains("UTF-8 locale"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }

    private static void assertUpscales(Path launcher, Path out) throws Exception {
        String script = "cd '" + tmp.resolve("in") + "' && '" + launcher + "' upscale \"" + NAME + "\" -o '" + out
                + "/' --device cpu && test -s '" + out + "'/\"" + NAME + "\" && echo FOUND";
        Result r = run(List.of("bash", "-c", script), "C");
        assertEquals(0, r.exit, r.out);
        assertTrue(r.out.contains("FOUND"), r.out);
        assertFalse(r.out.contains("InvalidPathException"), r.out);
    }

    record Result(int exit, String out) {}

    private static Result run(List<String> command, String lcAll) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (lcAll != null) {
            pb.environment().put("LC_ALL", lcAll);
            pb.environment().remove("LANG");
            pb.environment().remove("LC_CTYPE");
        }
        pb.environment().remove("GPUSR_JAVA_OPTS");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }
}
