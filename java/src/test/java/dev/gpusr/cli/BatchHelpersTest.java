package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of --recursive, --suffix, --skip-existing and --progress json that do not need the batch pipeline. */
class BatchHelpersTest {
    @TempDir
    Path dir;

    private Path png(Path p, int w, int h) throws Exception {
        Files.createDirectories(p.getParent());
        ImageWriter.write(UpscaleCommandTest.randomRgb(w, h, 1), p, ImageFormat.PNG, 100);
        return p;
    }

    @Test
    void aTreeIsWalkedWithItsStructureSkippingHiddenFilesAndLinkLoops() throws Exception {
        Path root = dir.resolve("in");
        png(root.resolve("a.png"), 4, 4);
        png(root.resolve("sub").resolve("b.png"), 4, 4);
        Files.copy(root.resolve("a.png"), Files.createDirectories(root.resolve("sub/deeper")).resolve("c.tif"));
        png(root.resolve(".hidden").resolve("d.png"), 4, 4);
        png(root.resolve("sub").resolve(".e.png"), 4, 4);
        Files.writeString(root.resolve("notes.txt"), "x");
        png(dir.resolve("elsewhere").resolve("f.png"), 4, 4);
        Files.createSymbolicLink(root.resolve("linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("sub").resolve("loop"), root);

        List<String> notices = new ArrayList<>();
        List<InputTree.Entry> all = InputTree.walk(root, true, notices::add);
        assertEquals(List.of("a.png", "linked/f.png", "sub/b.png", "sub/deeper/c.tif"),
                all.stream().map(e -> e.relative().toString()).toList());
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("loop"), notices.get(0));
        List<InputTree.Entry> flat = InputTree.walk(root, false, notices::add);
        assertEquals(List.of("a.png"), flat.stream().map(e -> e.relative().toString()).toList());
        assertThrows(java.io.IOException.class, () -> InputTree.walk(dir.resolve("missing"), true, notices::add));
    }

    @Test
    void outputNamesKeepTheStructureTakeTheSuffixAndNeverLeaveTheOutputFolder() {
        Path out = Path.of("out");
        assertEquals(Path.of("out/sub/b_x2.jpeg"), OutputNaming.outputFor(Path.of("sub/b.jpeg"), out, null, "_x2"));
        assertEquals(Path.of("out/sub/b_x2.png"), OutputNaming.outputFor(Path.of("sub/b.jpeg"), out, ImageFormat.PNG, "_x2"));
        assertEquals(Path.of("out/c.png"), OutputNaming.outputFor(Path.of("c.gif"), out, null, ""));
        assertEquals(Path.of("out/d.tiff"), OutputNaming.outputFor(Path.of("d.png"), out, ImageFormat.TIFF, ""));
        assertThrows(IllegalArgumentException.class, () -> OutputNaming.outputFor(Path.of("../x.png"), out, null, ""));
        assertThrows(IllegalArgumentException.class, () -> OutputNaming.outputFor(Path.of("/etc/x.png"), out, null, ""));
        assertThrows(UsageException.class, () -> OutputNaming.checkSuffix("a/b"));
        assertEquals("", OutputNaming.checkSuffix(null));
    }

    @Test
    void onlyACompleteOutputOfTheRightSizeCountsAsDone() throws Exception {
        Path in = png(dir.resolve("in.png"), 10, 8);
        Path out = png(dir.resolve("out.png"), 20, 16);
        assertTrue(OutputNaming.isComplete(in, out, 2));
        assertFalse(OutputNaming.isComplete(in, out, 3), "another scale's output is not this job's");
        Path garbage = Files.write(dir.resolve("g.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertFalse(OutputNaming.isComplete(in, garbage, 2));
        assertFalse(OutputNaming.isComplete(in, dir.resolve("missing.png"), 2));
        // A sideways-stored photo (EXIF 6, stored 4x7) is written upright: 7x4 times the scale.
        Path sideways = dir.resolve("orient6.png");
        try (var s = BatchHelpersTest.class.getResourceAsStream("/dev/gpusr/image/fixtures/orient6.png")) {
            Files.copy(s, sideways);
        }
        assertTrue(OutputNaming.isComplete(sideways, png(dir.resolve("o6.png"), 14, 8), 2));
        assertFalse(OutputNaming.isComplete(sideways, png(dir.resolve("o6wrong.png"), 8, 14), 2));
    }

    @Test
    void jsonProgressIsOneParsableObjectPerLineWithEveryKey() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonProgress p = new JsonProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        p.start(2, 3, "out");
        p.image("in/a.png", "out/a.png", "ok", null, 41, 10, 8, 30, 24);
        p.image("in/\"b\".png", "out/\"b\".png", "failed", "truncated PNG data", 2, null, null, null, null);
        p.notice("one\nline");
        p.summary(2, 1, 1, 0, 0, 1.23456, 1);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size());
        List<Map<?, ?>> events = new ArrayList<>();
        for (String l : lines) events.add((Map<?, ?>) Json.parse(l));
        assertEquals(List.of("start", "image", "image", "notice", "summary"),
                events.stream().map(e -> e.get("event")).toList());
        assertEquals(30L, events.get(1).get("output_width"));
        assertNull(events.get(1).get("reason"));
        assertTrue(events.get(2).containsKey("input_width") && events.get(2).get("input_width") == null);
        assertEquals("in/\"b\".png", events.get(2).get("input"));
        assertEquals(1.235, ((Number) events.get(4).get("seconds")).doubleValue(), 1e-12);
        assertEquals(1L, events.get(4).get("exit"));
        assertThrows(IllegalArgumentException.class, () -> p.image("x", "y", "done", null, 0, null, null, null, null));
    }
}
