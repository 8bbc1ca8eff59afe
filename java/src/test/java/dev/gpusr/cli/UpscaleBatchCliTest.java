package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** upscale's batch options: -j, device lists, the summary, and Ctrl-C in a real process. */
class UpscaleBatchCliTest {
    @TempDir
    Path dir;

    Path folder(int n, int w, int h) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[w * h * 3];
            new Random(i).nextBytes(s);
            ImageWriter.write(new Pixels(w, h, 3, 8, s), in.resolve(String.format("p%02d.png", i)), ImageFormat.PNG,
                    WriteOptions.defaults());
        }
        return in;
    }

    @Test
    void jobsGiveTheSameFilesAndASummaryWithRatesAndStageShares() throws Exception {
        Path in = folder(5, 23, 17);
        CliTestSupport.Run serial = CliTestSupport.run("upscale", "--method", "bicubic", "-s", "2", "-j", "1:1:1",
                in.toString(), "-o", dir.resolve("a").toString());
        assertEquals(Main.OK, serial.exit(), serial.err());
        CliTestSupport.Run wide = CliTestSupport.run("upscale", "--method", "bicubic", "-s", "2", "-j", "2:2:3",
                in.toString(), "-o", dir.resolve("b").toString());
        assertEquals(Main.OK, wide.exit(), wide.err());
        assertTrue(wide.err().contains("upscaled 5 of 5 images x2"), wide.err());
        assertTrue(wide.err().matches("(?s).*5 of 5 images in [0-9.]+ s: [0-9.]+ images/s, [0-9.]+ Mpix/s out; busy: "
                + "decode [0-9]+% of 2, device [0-9]+% of 2, encode [0-9]+% of 3.*"), wide.err());
        for (int i = 0; i < 5; i++) {
            String name = String.format("p%02d.png", i);
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(name)),
                    Files.readAllBytes(dir.resolve("b").resolve(name)), name);
        }
    }

    @Test
    void badJobsAndDeviceListsAreUsageErrors() throws Exception {
        Path in = folder(1, 8, 8);
        for (String[] extra : List.of(new String[] {"-j", "0:1:1"}, new String[] {"-j", "1:1"},
                new String[] {"--device", "0,0"}, new String[] {"--device", "0,gpu"})) {
            String[] args = Stream.concat(Stream.of("upscale", in.toString(), "-o", dir.resolve("o").toString()),
                    Stream.of(extra)).toArray(String[]::new);
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", extra) + "\n" + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    /** SIGINT to a running batch: exit 130, the summary, complete outputs only, no temporary files. */
    @Test
    void ctrlCFinishesWhatIsInFlightAndExits130() throws Exception {
        Path in = folder(40, 300, 300);
        Path out = dir.resolve("out");
        Path log = dir.resolve("log.txt");
        Process p = CliTestSupport.start(log, "upscale", "--method", "bicubic", "-s", "4", "-j", "1:1:1", in.toString(),
                "-o", out.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && count(out, ".png") < 1 && p.isAlive()) Thread.sleep(50);
            assertTrue(p.isAlive(), "the batch ended before it could be interrupted:\n" + Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit after SIGINT");
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(Main.INTERRUPTED, p.exitValue(), text);
            assertTrue(text.contains("interrupted;") && text.contains("images were not processed"), text);
            assertTrue(text.contains("images/s"), text);
            assertEquals(0, count(out, ".tmp"), "temporary files left:\n" + text);
            int written = count(out, ".png");
            assertTrue(written >= 1 && written < 40, written + " written");
            try (Stream<Path> s = Files.list(out)) {
                for (Path f : s.toList()) {
                    Pixels px = ImageReader.readPixels(f, 1 << 24);
                    assertEquals(1200, px.width(), f + " incomplete");
                }
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static int count(Path folder, String suffix) throws Exception {
        if (!Files.isDirectory(folder)) return 0;
        try (Stream<Path> s = Files.list(folder)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }
}
