package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** upscale --recursive, --skip-existing, --suffix, --progress json, and where outputs (and folders) appear. */
class UpscaleBatchOptionsTest {
    @TempDir
    Path dir;
    Path in;

    @BeforeEach
    void tree() throws Exception {
        in = dir.resolve("in");
        png(in.resolve("a.png"), 12, 10, 1);
        png(in.resolve("sub").resolve("b.png"), 14, 9, 2);
        png(in.resolve("sub").resolve("deeper").resolve("c.png"), 10, 10, 3);
    }

    private static void png(Path p, int w, int h, long seed) throws Exception {
        Files.createDirectories(p.getParent());
        ImageWriter.write(UpscaleCommandTest.randomRgb(w, h, seed), p, ImageFormat.PNG, 100);
    }

    private CliTestSupport.Run upscale(String... extra) {
        List<String> a = new ArrayList<>(List.of("upscale", "--method", "bicubic", "--scale", "2", "--device", "cpu"));
        a.addAll(List.of(extra));
        return CliTestSupport.run(a.toArray(String[]::new));
    }

    @Test
    void recursiveKeepsTheFolderStructureUnderTheOutput() throws Exception {
        Path out = dir.resolve("out");
        CliTestSupport.Run r = upscale("-r", in.toString(), "-o", out.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertEquals(new ImageReader.Dimensions(24, 20, "PNG"), ImageReader.probe(out.resolve("a.png")));
        assertEquals(new ImageReader.Dimensions(28, 18, "PNG"), ImageReader.probe(out.resolve("sub/b.png")));
        assertTrue(Files.exists(out.resolve("sub/deeper/c.png")));

        Path flat = dir.resolve("flat");
        assertEquals(Main.OK, upscale(in.toString(), "-o", flat.toString()).exit());
        assertTrue(Files.exists(flat.resolve("a.png")));
        assertFalse(Files.exists(flat.resolve("sub")), "without -r subfolders are not entered");
    }

    @Test
    void skipExistingResumesAnInterruptedBatch() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(Main.OK, upscale("-r", in.toString(), "-o", out.toString()).exit());
        Files.delete(out.resolve("sub/b.png")); // "interrupted" before b
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(out.resolve("a.png"), old);
        byte[] a = Files.readAllBytes(out.resolve("a.png"));

        CliTestSupport.Run again = upscale("-r", in.toString(), "-o", out.toString());
        assertEquals(Main.SOME_FAILED, again.exit(), "existing outputs without --skip-existing or --overwrite fail");

        Files.delete(out.resolve("sub/b.png"));
        CliTestSupport.Run resumed = upscale("-r", "--skip-existing", in.toString(), "-o", out.toString());
        assertEquals(Main.OK, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("upscaled 1 of 1 images x2") && resumed.err().contains("2 skipped"),
                resumed.err());
        assertTrue(Files.exists(out.resolve("sub/b.png")));
        assertEquals(old, Files.getLastModifiedTime(out.resolve("a.png")), "a complete output is not rewritten");
        assertArrayEquals(a, Files.readAllBytes(out.resolve("a.png")));

        // An output of another size (another scale) is not complete: it is not skipped (and not replaced).
        png(out.resolve("a.png"), 5, 5, 9);
        CliTestSupport.Run wrong = upscale("-r", "--skip-existing", in.toString(), "-o", out.toString());
        assertEquals(Main.SOME_FAILED, wrong.exit(), wrong.err());
        assertTrue(wrong.err().contains("a.png"), wrong.err());
    }

    @Test
    void suffixGoesBeforeTheExtension() throws Exception {
        Path out = dir.resolve("out");
        CliTestSupport.Run r = upscale("--suffix", "_x2", "-f", "jpg", in.resolve("a.png").toString(),
                in.resolve("sub/b.png").toString(), "-o", out.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertTrue(Files.exists(out.resolve("a_x2.jpg")));
        assertTrue(Files.exists(out.resolve("b_x2.jpg")));
        CliTestSupport.Run bad = upscale("--suffix", "../x", in.toString(), "-o", out.toString());
        assertEquals(Main.USAGE, bad.exit(), bad.err());
    }

    @Test
    void progressJsonIsOnlyJsonLines() throws Exception {
        Files.writeString(in.resolve("broken.png"), "not a png");
        Path out = dir.resolve("out");
        CliTestSupport.Run r = upscale("--progress", "json", in.toString(), "-o", out.toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        List<Map<?, ?>> events = new ArrayList<>();
        for (String line : r.err().strip().split("\n")) events.add((Map<?, ?>) Json.parse(line)); // each line parses
        assertEquals("start", events.get(0).get("event"));
        assertEquals(2L, events.get(0).get("total"));
        Map<?, ?> last = events.get(events.size() - 1);
        assertEquals("summary", last.get("event"));
        assertEquals(1L, last.get("ok"));
        assertEquals(1L, last.get("failed"));
        assertEquals(1L, last.get("exit"));
        long ok = events.stream().filter(e -> "image".equals(e.get("event")) && "ok".equals(e.get("status"))).count();
        assertEquals(1, ok);
        Map<?, ?> failed = events.stream().filter(e -> "failed".equals(e.get("status"))).findFirst().orElseThrow();
        assertTrue(((String) failed.get("input")).endsWith("broken.png"));
        assertTrue(failed.get("reason") instanceof String);
        Map<?, ?> good = events.stream().filter(e -> "ok".equals(e.get("status"))).findFirst().orElseThrow();
        assertEquals(24L, good.get("output_width"));
        assertEquals(Main.USAGE, upscale("--progress", "xml", in.toString(), "-o", out.toString()).exit());
    }

    @Test
    void outputsAndFoldersOnlyWhenTheRunCanStart() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliTestSupport.Run r = upscale(in.toString(), "-o", file.toString());
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("is a file"), r.err());

        Path fresh = dir.resolve("fresh");
        CliTestSupport.Run badModel = CliTestSupport.run("upscale", "--device", "cpu", "--model", "x7", in.toString(),
                "-o", fresh.toString());
        assertEquals(Main.USAGE, badModel.exit(), badModel.err());
        assertFalse(Files.exists(fresh), "no folder before the model is known to be good");
    }

    @Test
    void staleTemporariesOfAKilledRunAreRemoved() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale = Files.write(out.resolve(".a.png.gpusr-" + p.pid() + "-abc.tmp"), new byte[] {1});
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        assertEquals(Main.OK, upscale(in.toString(), "-o", out.toString()).exit());
        assertFalse(Files.exists(stale));
    }
}
