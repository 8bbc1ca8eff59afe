package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.testing.Golden;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upscale command end to end: outputs, bad inputs, refusals, exit codes. */
class UpscaleCommandTest {
    @TempDir
    Path dir;

    static Image randomRgb(int w, int h, long seed) {
        Random r = new Random(seed);
        float[][] p = new float[3][w * h];
        for (float[] plane : p) for (int i = 0; i < plane.length; i++) plane[i] = r.nextInt(256) / 255f;
        return new Image(w, h, p, null, 8);
    }

    Path writePng(String name, Image img) throws Exception {
        Path p = dir.resolve(name);
        ImageWriter.write(img, p, ImageFormat.PNG, 100);
        return p;
    }

    /** A valid PNG signature and IHDR chunk claiming w x h, with no image data after it. */
    static byte[] pngHeaderClaiming(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update("IHDR".getBytes());
        crc.update(ihdr.array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes("IHDR".getBytes());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    @Test
    void bicubicFolderWithBadFilesProcessesTheRestAndNamesEachFailure() throws Exception {
        Path in = Files.createDirectory(dir.resolve("in"));
        Image a = randomRgb(20, 15, 1);
        ImageWriter.write(a, in.resolve("a.png"), ImageFormat.PNG, 100);
        ImageWriter.write(randomRgb(9, 11, 2), in.resolve("b.bmp"), ImageFormat.BMP, 100);
        Files.write(in.resolve("empty.png"), new byte[0]);
        Files.writeString(in.resolve("notes.jpg"), "this is not an image");
        byte[] good = Files.readAllBytes(in.resolve("a.png"));
        Files.write(in.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.write(in.resolve("huge.png"), pngHeaderClaiming(50000, 50000));
        Path out = dir.resolve("out");

        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "--scale", "2", in.toString(), "-o", out.toString());

        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        for (String bad : new String[] {"empty.png", "notes.jpg", "truncated.png", "huge.png"}) {
            assertTrue(r.err().contains(bad + ": "), "failure line for " + bad + " in:\n" + r.err());
        }
        assertTrue(r.err().contains("--max-pixels"), r.err());
        Image outA = ImageReader.read(out.resolve("a.png"), 1 << 20);
        assertEquals(40, outA.width());
        assertEquals(30, outA.height());
        float[] expect = BicubicResampler.upscale(a.planes()[1], 20, 15, 2);
        for (int i = 0; i < expect.length; i++) {
            float q = Math.round(Math.min(1f, Math.max(0f, expect[i])) * 255f) / 255f;
            assertEquals(q, outA.planes()[1][i], 1e-6f, "pixel " + i);
        }
        assertTrue(Files.exists(out.resolve("b.bmp")));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(2, s.count(), "only the two good outputs, no temporary files left");
        }
    }

    @Test
    void refusesToOverwriteTheInput() throws Exception {
        Path a = writePng("a.png", randomRgb(8, 8, 3));
        byte[] before = Files.readAllBytes(a);
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", a.toString(), "-o", a.toString(), "--overwrite");
        assertEquals(Main.SOME_FAILED, r.exit());
        assertTrue(r.err().contains("inputs are never overwritten"), r.err());
        assertArrayEquals(before, Files.readAllBytes(a));
    }

    @Test
    void pngCompressionLevelIsUsedAndChecked() throws Exception {
        Path a = writePng("a.png", randomRgb(40, 30, 5));
        Path fast = dir.resolve("fast.png"), small = dir.resolve("small.png");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "--scale", "2", "--png-compression",
                "0", a.toString(), "-o", fast.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        r = CliTestSupport.run("upscale", "--method", "bicubic", "--scale", "2", a.toString(), "-o", small.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertTrue(Files.size(fast) > 80 * 60 * 3, "level 0 stores: " + Files.size(fast));
        assertTrue(Files.size(small) < Files.size(fast), Files.size(small) + " < " + Files.size(fast));
        Image x = ImageReader.read(fast, 1 << 20), y = ImageReader.read(small, 1 << 20);
        for (int c = 0; c < 3; c++) assertArrayEquals(x.planes()[c], y.planes()[c], "same samples, plane " + c);
        r = CliTestSupport.run("upscale", "--method", "bicubic", "--png-compression", "10", a.toString(), "-o",
                dir.resolve("bad.png").toString());
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("--png-compression must be 0..9"), r.err());
    }

    @Test
    void pngCodecIsUsedAndChecked() throws Exception {
        Path a = writePng("a.png", randomRgb(40, 30, 6));
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        boolean hasNative = dev.gpusr.image.NativeDeflate.available();
        for (String codec : hasNative ? List.of("zlib", "libdeflate", "auto") : List.of("zlib", "auto")) {
            Path out = dir.resolve(codec + ".png");
            CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "--scale", "2", "--png-codec",
                    codec, a.toString(), "-o", out.toString());
            assertEquals(Main.OK, r.exit(), r.err());
            files.put(codec, Files.readAllBytes(out));
            Image x = ImageReader.read(dir.resolve("zlib.png"), 1 << 20), y = ImageReader.read(out, 1 << 20);
            for (int c = 0; c < 3; c++) assertArrayEquals(x.planes()[c], y.planes()[c], codec + ": plane " + c);
        }
        // auto is libdeflate where it loads (its own, different deflate stream), else zlib
        assertArrayEquals(files.get(hasNative ? "libdeflate" : "zlib"), files.get("auto"));
        if (hasNative) assertFalse(java.util.Arrays.equals(files.get("zlib"), files.get("libdeflate")), "two codecs");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", "--png-codec", "java", a.toString(),
                "-o", dir.resolve("bad.png").toString());
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("auto, libdeflate or zlib"), r.err());
        assertFalse(Files.exists(dir.resolve("bad.png")));
    }

    @Test
    void existingOutputNeedsOverwrite() throws Exception {
        Path a = writePng("a.png", randomRgb(8, 8, 4));
        Path o = dir.resolve("o.png");
        Files.writeString(o, "keep me");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", a.toString(), "-o", o.toString());
        assertEquals(Main.SOME_FAILED, r.exit());
        assertTrue(r.err().contains("--overwrite"), r.err());
        assertEquals("keep me", Files.readString(o));
        r = CliTestSupport.run("upscale", "--method", "bicubic", a.toString(), "-o", o.toString(), "--overwrite");
        assertEquals(Main.OK, r.exit(), r.err());
        assertEquals(24, ImageReader.read(o, 1000).width());
    }

    @Test
    void folderWithoutImagesAndUnwritableOutputAreOneLineEach() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--method", "bicubic", empty.toString(), "-o", dir.resolve("o").toString());
        assertEquals(Main.SOME_FAILED, r.exit());
        assertTrue(r.err().contains("has no images"), r.err());

        Path a = writePng("a.png", randomRgb(8, 8, 5));
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        r = CliTestSupport.run("upscale", "--method", "bicubic", a.toString(), a.toString(), "-o", file.resolve("sub").toString());
        assertEquals(Main.SOME_FAILED, r.exit());
        assertTrue(r.err().contains("cannot create output folder"), r.err());
    }

    @Test
    void srcnnWithAModelFileMatchesTheEngineAndRefusesTinyImages() throws Exception {
        Path model = Golden.path("srcnn915_y.weights.safetensors");
        Path a = writePng("a.png", randomRgb(16, 13, 6));
        Path tiny = writePng("tiny.png", randomRgb(3, 3, 7));
        Path out = dir.resolve("out");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--device", "cpu", "--model", model.toString(), a.toString(),
                tiny.toString(), "-o", out.toString());
        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertTrue(r.err().contains("tiny.png: image is 3x3"), r.err());
        Image sr = ImageReader.read(out.resolve("a.png"), 1 << 20);
        assertEquals(48, sr.width());
        assertEquals(39, sr.height());
        assertFalse(Files.exists(out.resolve("tiny.png")));
    }

    @Test
    void badModelFilesAreUsageErrors() throws Exception {
        Path a = writePng("a.png", randomRgb(16, 16, 8));
        Path garbage = Files.write(dir.resolve("garbage.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--device", "cpu", "--model", garbage.toString(), a.toString(), "-o", dir.resolve("o").toString());
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("garbage.safetensors"), r.err());

        Path model = Golden.path("srcnn915_y.weights.safetensors");
        r = CliTestSupport.run("upscale", "--device", "cpu", "--scale", "2", "--model", model.toString(), a.toString(), "-o", dir.resolve("o").toString());
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("x3") && r.err().contains("x2"), r.err());

        SrcnnWeights w = SrcnnWeights.gaussian(SrcnnConfig.defaults(3), 0.001, 1);
        w.params()[5] = Float.NaN;
        Path nan = dir.resolve("nan.safetensors");
        w.save(nan);
        r = CliTestSupport.run("upscale", "--device", "cpu", "--model", nan.toString(), a.toString(), "-o", dir.resolve("o").toString());
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("non-finite"), r.err());
    }

    @Test
    void explicitGpuWithoutOneExitsThree() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.gpusr.cuda.GpuAvailability.usable(), "a GPU is present");
        Path a = writePng("a.png", randomRgb(16, 16, 9));
        Path model = Golden.path("srcnn915_y.weights.safetensors");
        CliTestSupport.Run r = CliTestSupport.run("upscale", "--device", "0", "--model", model.toString(), a.toString(), "-o", dir.resolve("o").toString());
        assertEquals(Main.ENGINE_UNAVAILABLE, r.exit(), r.err());
    }
}
