package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.testing.Golden;
import dev.gpusr.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs are never lost and bad options are usage errors, across upscale, degrade and eval. */
class CliGuardsTest {
    @TempDir
    Path dir;

    Path png(Path folder, String name, long seed) throws Exception {
        Files.createDirectories(folder);
        Path p = folder.resolve(name);
        ImageWriter.write(UpscaleCommandTest.randomRgb(12, 10, seed), p, ImageFormat.PNG, 100);
        return p;
    }

    @Test
    void overwriteNeverReplacesAnotherInput() throws Exception {
        Path a = png(dir.resolve("a"), "x.png", 1);
        Path b = png(dir.resolve("b"), "x.png", 2);
        byte[] aBefore = Files.readAllBytes(a);
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "--overwrite", a.toString(), b.toString(),
                "-o", dir.resolve("a").toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertTrue(r.err().contains("inputs are never overwritten"), r.err());
        assertArrayEquals(aBefore, Files.readAllBytes(a), "input a/x.png untouched");
    }

    @Test
    void aJpegAndAPngOfOneNameCannotOverwriteEachOtherInPlace() throws Exception {
        Path folder = dir.resolve("mixed");
        Path p = png(folder, "x.png", 3);
        ImageWriter.write(UpscaleCommandTest.randomRgb(12, 10, 4), folder.resolve("x.jpg"), ImageFormat.JPG, 90);
        byte[] before = Files.readAllBytes(p);
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "-f", "png", "--overwrite", folder.toString(),
                "-o", folder.toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertArrayEquals(before, Files.readAllBytes(p));
    }

    @Test
    void degradeNeitherOverwritesItsOwnOutputsNorInputs() throws Exception {
        Path folder = dir.resolve("col");
        png(folder, "x.png", 5);
        ImageWriter.write(UpscaleCommandTest.randomRgb(12, 10, 6), folder.resolve("x.bmp"), ImageFormat.BMP, 100);
        CliTestSupport.Run r = CliTestSupport.run("degrade", "-s", "2", "--overwrite", folder.toString(), "-o", dir.resolve("out").toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertTrue(r.err().contains("also the output of"), r.err());
        byte[] before = Files.readAllBytes(folder.resolve("x.png"));
        r = CliTestSupport.run("degrade", "-s", "2", "--overwrite", folder.toString(), "-o", folder.toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertArrayEquals(before, Files.readAllBytes(folder.resolve("x.png")));
    }

    @Test
    void badOptionValuesAreUsageErrors() throws Exception {
        Path a = png(dir, "a.png", 7);
        String o = dir.resolve("o.png").toString();
        List<String[]> cases = List.of(
                new String[] {"upscale", "--device", "foo", a.toString(), "-o", o},
                new String[] {"upscale", "--method", "bicubic", "-s", "0", a.toString(), "-o", o},
                new String[] {"upscale", "--method", "bicubic", "--max-pixels", "0", a.toString(), "-o", o},
                new String[] {"upscale", "--method", "bicubic", a.toString(), "-o", dir.resolve("out.webp").toString()},
                new String[] {"upscale", "--method", "bicubic", "-f", "jpg", a.toString(), "-o", o},
                new String[] {"upscale", "--method", "bicubic", "--model", "x2", a.toString(), "-o", o},
                new String[] {"degrade", "-s", "0", a.toString(), "-o", dir.resolve("d").toString()},
                new String[] {"eval", "--device", "cpu", "--max-pixels", "0", a.toString()});
        for (String[] args : cases) {
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("out.webp")), "no folder made for an unknown extension");
    }

    /** degrade, eval and mos prepare see a folder as upscale does: its direct image files, hidden ones left out. */
    @Test
    void folderArgumentsGiveTheSameImagesAsUpscale() throws Exception {
        Path folder = dir.resolve("photos");
        png(folder, "b.png", 1);
        png(folder, "a.png", 2);
        png(folder, ".hidden.png", 3);
        png(folder.resolve("sub"), "c.png", 4);
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        Inputs in = Inputs.collect(List.of(folder, dir.resolve("missing.png"), dir.resolve("empty")), err);
        assertEquals(List.of(folder.resolve("a.png"), folder.resolve("b.png")), in.files);
        List<InputTree.Entry> upscaleSees = InputTree.walk(folder, false, n -> {});
        assertEquals(in.files, upscaleSees.stream().map(InputTree.Entry::file).toList());
        assertEquals(List.of(dir.resolve("missing.png") + ": no such file or folder",
                dir.resolve("empty") + ": no such file or folder"), in.failures);
        Files.createDirectories(dir.resolve("empty"));
        Inputs none = Inputs.collect(List.of(dir.resolve("empty")), err);
        assertEquals(List.of(dir.resolve("empty") + ": " + InputTree.NO_IMAGES), none.failures);
    }

    /** --scale and --max-pixels: one check each (ScaleOption, MaxPixelsOption), the same line from every command. */
    @Test
    void scaleAndMaxPixelsAreCheckedTheSameWayByEveryCommand() throws Exception {
        Path a = png(dir, "a.png", 9);
        String out = dir.resolve("never").toString();
        List<String[]> badScale = List.of(
                new String[] {"upscale", "--method", "bicubic", "-s", "99", a.toString(), "-o", out},
                new String[] {"degrade", "-s", "99", a.toString(), "-o", out},
                new String[] {"eval", "--device", "cpu", "-s", "99", a.toString()},
                new String[] {"mos", "prepare", "-s", "99", "--methods", "bicubic,srcnn", a.toString(), "-o", out},
                new String[] {"train", "--scale", "99", "--train", dir.toString(), "--steps", "1", "-o", out});
        List<String[]> badMaxPixels = List.of(
                new String[] {"upscale", "--method", "bicubic", "--max-pixels", "0", a.toString(), "-o", out},
                new String[] {"degrade", "-s", "2", "--max-pixels", "0", a.toString(), "-o", out},
                new String[] {"eval", "--device", "cpu", "--max-pixels", "0", a.toString()},
                new String[] {"mos", "prepare", "-s", "2", "--methods", "bicubic,srcnn", "--max-pixels", "0",
                        a.toString(), "-o", out});
        for (String[] args : badScale) {
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().contains("--scale must be " + ScaleOption.RANGE + ", got 99"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        for (String[] args : badMaxPixels) {
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().contains("--max-pixels must be positive, got 0"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void aSingleOutputGoesIntoFoldersThatDoNotExistYet() throws Exception {
        Path a = png(dir, "a.png", 8);
        Path o = dir.resolve("new").resolve("deeper").resolve("a2.png");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "-s", "2", a.toString(), "-o", o.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertEquals(24, ImageReader.read(o, 1 << 20).width());
    }

    @Test
    void evalJsonKeepsTheDocumentedKeyOrderAndWritesNullForInfinitePsnr() throws Exception {
        float[] flat = new float[40 * 40];
        Arrays.fill(flat, 100 / 255f);
        Path f = dir.resolve("flat.png");
        ImageWriter.write(new Image(40, 40, new float[][] {flat}, null, 8), f, ImageFormat.PNG, 100);
        Path model = Golden.path("srcnn915_y.weights.safetensors");
        CliTestSupport.Run r = CliTestSupport.run("eval", "--json", "--device", "cpu", "--model", model.toString(), f.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertTrue(r.out().contains("\"bicubic\":{\"psnr\":null"), r.out());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out().trim());
        Map<?, ?> img = (Map<?, ?>) ((List<?>) json.get("images")).get(0);
        assertEquals(List.of("name", "width", "height", "bicubic", "srcnn"), new ArrayList<>(img.keySet()));
        assertEquals(List.of("scale", "model", "device", "images", "mean"), new ArrayList<>(json.keySet()));
        assertNull(((Map<?, ?>) ((Map<?, ?>) json.get("mean")).get("bicubic")).get("psnr"));
    }
}
