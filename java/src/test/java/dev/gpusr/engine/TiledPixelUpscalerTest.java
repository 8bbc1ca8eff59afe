package dev.gpusr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.Samples;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pixel path against the float path `gpu-sr upscale` used before ({@link Upscaler}, float planes, then
 * the writer's quantisation): equal bit for bit for gray, gray+alpha, RGB, RGBA, 8 and 16 bits, odd sizes, images
 * smaller and larger than a tile, Y and RGB models and plain bicubic; and file to file through PNG.
 */
class TiledPixelUpscalerTest {
    static CpuSrcnn yModel;
    static CpuSrcnn rgbModel;

    @TempDir
    Path dir;

    @BeforeAll
    static void engines() throws Exception {
        yModel = new CpuSrcnn(BundledModels.load("x2", 2), 2);
        rgbModel = new CpuSrcnn(SrcnnWeights.gaussian(new SrcnnConfig(3, 8, 4, 5, 1, 3, 3, SrcnnConfig.ColorSpace.RGB),
                0.2, 7), 2);
    }

    @AfterAll
    static void close() {
        yModel.close();
        rgbModel.close();
    }

    /** Samples with smooth structure plus noise and hard edges, so bicubic overshoots past 0 and max. */
    static Pixels pixels(int w, int h, int channels, int depth, long seed) {
        Random r = new Random(seed);
        Pixels p = Pixels.allocate(w, h, channels, depth, null);
        int max = p.maxValue();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    double smooth = 0.5 + 0.4 * Math.sin(x * 0.3 + c) * Math.cos(y * 0.2 - c);
                    double v = ((x / 5 + y / 7 + c) % 3 == 0) ? (r.nextBoolean() ? 0 : 1) : smooth + 0.1 * r.nextGaussian();
                    p.setSample(x, y, c, (int) Math.round(Math.max(0, Math.min(1, v)) * max));
                }
            }
        }
        return p;
    }

    /** The samples as the float reader gives them: v / max per plane, alpha separate. */
    static Image asImage(Pixels p) {
        int colours = p.colourChannels(), n = p.width() * p.height();
        float[][] planes = new float[colours][n];
        float[] alpha = p.hasAlpha() ? new float[n] : null;
        for (int i = 0; i < n; i++) {
            int x = i % p.width(), y = i / p.width();
            for (int c = 0; c < colours; c++) planes[c][i] = Samples.toUnit(p.sample(x, y, c), p.maxValue());
            if (alpha != null) alpha[i] = Samples.toUnit(p.sample(x, y, colours), p.maxValue());
        }
        return new Image(p.width(), p.height(), planes, alpha, p.bitDepth());
    }

    /** The old float result rounded the way the writer rounded it. */
    static byte[] quantised(Image img, int channels, int depth) {
        Pixels out = Pixels.allocate(img.width(), img.height(), channels, depth, null);
        int max = out.maxValue();
        for (int i = 0; i < img.width() * img.height(); i++) {
            int x = i % img.width(), y = i / img.width();
            for (int c = 0; c < img.planes().length; c++) out.setSample(x, y, c, Samples.quantize(img.planes()[c][i], max));
            if (img.alpha() != null) out.setSample(x, y, img.planes().length, Samples.quantize(img.alpha()[i], max));
        }
        return out.samples();
    }

    private static void assertSameAsReference(Upscaler ref, TiledPixelUpscaler path, Pixels lr, String what) {
        Image expected = ref.upscale(asImage(lr));
        Pixels got = path.upscale(lr);
        assertEquals(expected.width(), got.width(), what);
        assertEquals(expected.height(), got.height(), what);
        assertEquals(lr.channels(), got.channels(), what);
        assertArrayEquals(quantised(expected, lr.channels(), lr.bitDepth()), got.samples(), what);
    }

    private static final int[][] SHAPES = {
        // w, h, channels, depth
        {37, 23, 1, 8}, {19, 41, 2, 16}, {64, 50, 3, 8}, {33, 17, 4, 16}, {29, 31, 3, 16}, {45, 38, 4, 8}, {24, 24, 2, 8},
    };

    @Test
    void bicubicEqualsTheFloatPathForEveryKindAndTileSize() {
        for (int k : new int[] {2, 3}) {
            Upscaler ref = new Upscaler(k);
            for (int[] s : SHAPES) {
                Pixels lr = pixels(s[0], s[1], s[2], s[3], s[0] * 31L + s[2]);
                for (int tile : new int[] {7, 16, 256}) {
                    assertSameAsReference(ref, TiledPixelUpscaler.bicubic(k, tile), lr,
                            "bicubic x" + k + " " + lr + " tile " + tile);
                }
            }
        }
    }

    /** A photo-sized image: interior columns take the resampler's 4-consecutive-taps fast path. */
    @Test
    void bicubicOnALargerImageEqualsTheFloatPathAtEveryScale() {
        Pixels lr = pixels(301, 203, 3, 8, 11);
        for (int k = 2; k <= 4; k++) {
            assertSameAsReference(new Upscaler(k), TiledPixelUpscaler.bicubic(k), lr, "bicubic x" + k + " " + lr);
        }
    }

    @Test
    void yModelEqualsTheFloatPathWithTilesSmallerAndLargerThanTheImage() {
        Upscaler ref = new Upscaler(yModel, 1024);
        for (int[] s : SHAPES) {
            Pixels lr = pixels(s[0], s[1], s[2], s[3], s[1] * 17L + s[3]);
            for (int tile : new int[] {13, 40, 1024}) {
                assertSameAsReference(ref, new TiledPixelUpscaler(yModel, tile), lr, "Y model " + lr + " tile " + tile);
            }
        }
    }

    @Test
    void rgbModelEqualsTheFloatPathOnGrayAndColour() {
        Upscaler ref = new Upscaler(rgbModel, 1024);
        for (int[] s : new int[][] {{21, 17, 1, 8}, {18, 25, 4, 16}, {30, 22, 3, 8}}) {
            Pixels lr = pixels(s[0], s[1], s[2], s[3], 99);
            for (int tile : new int[] {11, 1024}) {
                assertSameAsReference(ref, new TiledPixelUpscaler(rgbModel, tile), lr, "RGB model " + lr + " tile " + tile);
            }
        }
    }

    @Test
    void sixteenBitInputRoundedOnceToEightBits() {
        Pixels lr = pixels(23, 19, 3, 16, 5);
        Image expected = new Upscaler(yModel, 1024).upscale(asImage(lr));
        Pixels got = new TiledPixelUpscaler(yModel, 16).upscale(lr, 8);
        assertEquals(8, got.bitDepth());
        assertArrayEquals(quantised(expected, 3, 8), got.samples());
    }

    /** File to file: the PNG the old command wrote and the PNG the pixel path writes are the same bytes. */
    @Test
    void pngFilesAreByteIdenticalToTheOldCommandsOutput() throws Exception {
        Upscaler ref = new Upscaler(yModel, 1024);
        TiledPixelUpscaler path = new TiledPixelUpscaler(yModel, 24);
        for (int[] s : SHAPES) {
            Pixels original = pixels(s[0], s[1], s[2], s[3], 3);
            Path in = dir.resolve("in-" + s[2] + "-" + s[3] + ".png");
            ImageWriter.write(original, in, ImageFormat.PNG, WriteOptions.defaults());
            for (ImageFormat f : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF, ImageFormat.BMP}) {
                Path old = dir.resolve("old." + f.extension);
                Path now = dir.resolve("new." + f.extension);
                ImageWriter.write(ref.upscale(ImageReader.read(in)), old, f, 95);
                Pixels lr = ImageReader.readPixels(in, ImageReader.DEFAULT_MAX_PIXELS);
                int depth = ImageWriter.holdsDeepSamples(f) ? lr.bitDepth() : 8;
                ImageWriter.write(path.upscale(lr, depth), now, f, WriteOptions.defaults());
                assertArrayEquals(Files.readAllBytes(old), Files.readAllBytes(now), original + " as " + f);
            }
        }
    }

    @Test
    void refusesImagesSmallerThanTheReceptiveField() {
        TiledPixelUpscaler path = new TiledPixelUpscaler(yModel, 64);
        int min = path.minInputSide();
        assertTrue(min > 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> path.upscale(pixels(min - 1, 40, 1, 8, 1)));
        assertTrue(e.getMessage().contains("--method bicubic"), e.getMessage());
    }

    @Test
    void refusesOutputsPastOneArray() {
        // 30000 x 30000 x 3 x2 = 21.6 GB of samples: refused before anything is allocated for it
        Pixels tiny = new Pixels(1, 1, 1, 8, new byte[1]);
        TiledPixelUpscaler path = TiledPixelUpscaler.bicubic(2);
        assertTrue(path.workingBytes(30000, 30000, 3, 8) > Pixels.MAX_BYTES);
        assertEquals(2, path.upscale(tiny).width());
    }
}
