package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every supported file variant decodes to the exact sample values it holds. */
class ImageReaderTest {
    static final int W = 7, H = 5; // odd width: sub-byte rows end in padding bits

    @TempDir
    Path dir;

    /** Distinct, deterministic samples in [0, levels). */
    static int[] pattern(int count, int levels, int seed) {
        int[] s = new int[count];
        for (int i = 0; i < count; i++) s[i] = (int) ((i * 7919L + seed * 104729L) % levels);
        return s;
    }

    /** Channel c of interleaved samples, as float value / max (the reader's contract). */
    static float[] channel(int[] samples, int channels, int c, int max) {
        float[] p = new float[samples.length / channels];
        for (int i = 0; i < p.length; i++) p[i] = samples[i * channels + c] / (float) max;
        return p;
    }

    private Image readPng(int depth, int colorType, int channels, int[] samples, byte[] plte, byte[] trns)
            throws IOException {
        Path f = dir.resolve("t" + depth + "_" + colorType + ".png");
        Files.write(f, PngBytes.encode(W, H, depth, colorType, samples, plte, trns));
        Image img = readBoth(f);
        assertEquals(W, img.width());
        assertEquals(H, img.height());
        return img;
    }

    /**
     * Reads through both paths: the float planes, and the raw samples, which must be exactly the float planes
     * quantised to the image's bit depth (1, 2, 4-bit gray to 8 bits, palettes expanded the same way).
     */
    static Image readBoth(Path f) throws IOException {
        Image img = ImageReader.read(f);
        Pixels px = ImageReader.readPixels(f, ImageReader.DEFAULT_MAX_PIXELS);
        Pixels expected = PixelImages.toPixels(img);
        assertEquals(expected.toString(), px.toString(), f.toString());
        assertArrayEquals(expected.samples(), px.samples(), f + ": readPixels differs from read + quantise");
        // and back: the float planes the pixel path works from are the reader's floats exactly
        Image back = PixelImages.toImage(px);
        for (int c = 0; c < img.planes().length; c++) assertArrayEquals(img.planes()[c], back.planes()[c], f.toString());
        if (img.alpha() != null) assertArrayEquals(img.alpha(), back.alpha(), f.toString());
        return img;
    }

    @Test
    void grayPngAtEveryBitDepth() throws IOException {
        for (int depth : new int[] {1, 2, 4, 8, 16}) {
            int max = (1 << depth) - 1;
            int[] s = pattern(W * H, max + 1, depth);
            Image img = readPng(depth, PngBytes.GRAY, 1, s, null, null);
            assertTrue(img.isGray(), "gray " + depth + "-bit stays one plane");
            assertNull(img.alpha());
            assertArrayEquals(channel(s, 1, 0, max), img.planes()[0], "gray " + depth + "-bit values");
            assertEquals(depth == 16 ? 16 : 8, img.bitDepth());
        }
    }

    @Test
    void lowBitGrayMatchesEightBitScale() throws IOException {
        // 2-bit level 1 is 85/255, 4-bit level 5 is 85/255: the same float as the 8-bit value.
        Image two = readPng(2, PngBytes.GRAY, 1, new int[W * H], null, null);
        assertEquals(0f, two.planes()[0][0]);
        int[] ones = new int[W * H];
        java.util.Arrays.fill(ones, 1);
        assertEquals(85 / 255f, readPng(2, PngBytes.GRAY, 1, ones, null, null).planes()[0][3]);
        int[] fives = new int[W * H];
        java.util.Arrays.fill(fives, 5);
        assertEquals(85 / 255f, readPng(4, PngBytes.GRAY, 1, fives, null, null).planes()[0][3]);
    }

    @Test
    void grayAlphaPngStaysGray() throws IOException {
        for (int depth : new int[] {8, 16}) {
            int max = (1 << depth) - 1;
            int[] s = pattern(W * H * 2, max + 1, 3);
            Image img = readPng(depth, PngBytes.GRAY_ALPHA, 2, s, null, null);
            assertTrue(img.isGray());
            assertArrayEquals(channel(s, 2, 0, max), img.planes()[0]);
            assertArrayEquals(channel(s, 2, 1, max), img.alpha());
            assertEquals(depth, img.bitDepth());
        }
    }

    @Test
    void rgbAndRgbaPngAtEightAndSixteenBits() throws IOException {
        for (int depth : new int[] {8, 16}) {
            int max = (1 << depth) - 1;
            for (int channels : new int[] {3, 4}) {
                int[] s = pattern(W * H * channels, max + 1, channels + depth);
                Image img = readPng(depth, channels == 3 ? PngBytes.RGB : PngBytes.RGBA, channels, s, null, null);
                assertEquals(3, img.planes().length);
                for (int c = 0; c < 3; c++) assertArrayEquals(channel(s, channels, c, max), img.planes()[c]);
                if (channels == 4) assertArrayEquals(channel(s, 4, 3, max), img.alpha());
                else assertNull(img.alpha());
                assertEquals(depth, img.bitDepth());
            }
        }
    }

    @Test
    void sixteenBitSamplesAreNotTruncatedToEightBits() throws IOException {
        int[] s = new int[W * H];
        java.util.Arrays.fill(s, 12345); // not a multiple of 257: an 8-bit detour would change it
        Image img = readPng(16, PngBytes.GRAY, 1, s, null, null);
        assertEquals(12345 / 65535f, img.planes()[0][0]);
    }

    @Test
    void palettePngWithTransparencyExpandsToRgbAndAlpha() throws IOException {
        int entries = 6;
        byte[] plte = new byte[entries * 3];
        int[] rgb = pattern(entries * 3, 256, 11);
        for (int i = 0; i < plte.length; i++) plte[i] = (byte) rgb[i];
        byte[] trns = {0, (byte) 128, (byte) 255, 7}; // entries 4, 5 opaque (not listed)
        int[] idx = pattern(W * H, entries, 2);
        Image img = readPng(8, PngBytes.PALETTE, 1, idx, plte, trns);
        assertEquals(3, img.planes().length);
        assertNotNull(img.alpha());
        for (int i = 0; i < W * H; i++) {
            int e = idx[i];
            for (int c = 0; c < 3; c++) assertEquals(rgb[e * 3 + c] / 255f, img.planes()[c][i]);
            int a = e < trns.length ? trns[e] & 0xFF : 255;
            assertEquals(a / 255f, img.alpha()[i]);
        }
    }

    @Test
    void grayAndRgbPngWithTransparentColourGetAlpha() throws IOException {
        int[] gray = pattern(W * H, 4, 1);
        for (int i = 0; i < gray.length; i++) gray[i] *= 60; // levels 0, 60, 120, 180; 60 is made transparent
        Image g = readPng(8, PngBytes.GRAY, 1, gray, null, new byte[] {0, 60});
        assertTrue(g.isGray());
        assertNotNull(g.alpha());
        for (int i = 0; i < W * H; i++) {
            assertEquals(gray[i] / 255f, g.planes()[0][i]);
            assertEquals(gray[i] == 60 ? 0f : 1f, g.alpha()[i]);
        }
        int[] rgb = new int[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            rgb[3 * i] = gray[i];
            rgb[3 * i + 1] = 7;
            rgb[3 * i + 2] = 200;
        }
        Image c = readPng(8, PngBytes.RGB, 3, rgb, null, new byte[] {0, 120, 0, 7, 0, (byte) 200});
        assertNotNull(c.alpha());
        for (int i = 0; i < W * H; i++) {
            assertEquals(rgb[3 * i] / 255f, c.planes()[0][i]);
            assertEquals(gray[i] == 120 ? 0f : 1f, c.alpha()[i]);
        }
    }

    @Test
    void fourBitPaletteWithoutTransparencyIsOpaque() throws IOException {
        byte[] plte = {10, 20, 30, 40, 50, 60, (byte) 200, 1, 2};
        int[] idx = pattern(W * H, 3, 5);
        Image img = readPng(4, PngBytes.PALETTE, 1, idx, plte, null);
        assertNull(img.alpha());
        assertEquals(3, img.planes().length);
        for (int i = 0; i < W * H; i++) {
            for (int c = 0; c < 3; c++) assertEquals((plte[idx[i] * 3 + c] & 0xFF) / 255f, img.planes()[c][i]);
        }
        assertEquals(8, img.bitDepth());
    }

    @Test
    void formatComesFromContentNotName() throws IOException {
        Path f = dir.resolve("really-a-png.jpg");
        int[] s = pattern(W * H * 3, 256, 1);
        Files.write(f, PngBytes.encode(W, H, 8, PngBytes.RGB, s, null, null));
        assertEquals(new ImageReader.Dimensions(W, H, "PNG"), ImageReader.probe(f));
        assertArrayEquals(channel(s, 3, 1, 255), readBoth(f).planes()[1]);
    }

    @Test
    void probeReadsHeaderOnly() throws IOException {
        Path f = dir.resolve("huge.png");
        // Header of a 50000x40000 image with no pixel data at all: only a header-only probe can succeed.
        Files.write(f, PngBytes.header(50000, 40000, 8, PngBytes.RGB));
        assertEquals(new ImageReader.Dimensions(50000, 40000, "PNG"), ImageReader.probe(f));
        assertEquals(2_000_000_000L, ImageReader.probe(f).pixels());
    }

    /** A smooth image that JPEG keeps within a couple of levels. */
    static BufferedImage gradient(int type, int w, int h) {
        BufferedImage bi = new BufferedImage(w, h, type);
        WritableRaster r = bi.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < r.getNumBands(); b++) r.setSample(x, y, b, 40 + 3 * x + 2 * y + 30 * b);
            }
        }
        return bi;
    }

    static void writeJpeg(BufferedImage bi, Path f, float quality) throws IOException {
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(bi, null, null), p);
        } finally {
            w.dispose();
        }
    }

    /** JPEG values are the decoder's: compare to ImageIO's own raster exactly, and to the source loosely. */
    private static void assertJpegMatches(BufferedImage source, Path f, Image img) throws IOException {
        Raster decoded = ImageIO.read(f.toFile()).getRaster();
        Raster src = source.getRaster();
        int n = src.getNumBands();
        assertEquals(n, img.planes().length);
        assertNull(img.alpha());
        assertEquals(8, img.bitDepth());
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    float v = img.planes()[b][y * img.width() + x];
                    assertEquals(decoded.getSample(x, y, b) / 255f, v);
                    assertEquals(src.getSample(x, y, b) / 255.0, v, 4 / 255.0);
                }
            }
        }
    }

    @Test
    void grayscaleAndColourJpeg() throws IOException {
        BufferedImage gray = gradient(BufferedImage.TYPE_BYTE_GRAY, 24, 16);
        Path g = dir.resolve("gray.jpeg");
        writeJpeg(gray, g, 0.98f);
        Image gi = readBoth(g);
        assertTrue(gi.isGray());
        assertJpegMatches(gray, g, gi);
        assertEquals("JPEG", ImageReader.probe(g).format());

        BufferedImage rgb = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 24; x++) rgb.setRGB(x, y, (60 + 4 * x) << 16 | (90 + 3 * y) << 8 | 120);
        Path c = dir.resolve("colour.jpg");
        writeJpeg(rgb, c, 0.98f);
        Image ci = readBoth(c);
        Raster decoded = ImageIO.read(c.toFile()).getRaster();
        for (int b = 0; b < 3; b++) assertEquals(decoded.getSample(5, 7, b) / 255f, ci.planes()[b][7 * 24 + 5]);
        assertEquals((60 + 4 * 5) / 255.0, ci.planes()[0][7 * 24 + 5], 4 / 255.0);
        assertEquals((90 + 3 * 7) / 255.0, ci.planes()[1][7 * 24 + 5], 4 / 255.0);
        assertEquals(120 / 255.0, ci.planes()[2][7 * 24 + 5], 4 / 255.0);
    }

    @Test
    void bmpTwentyFourBitAndPalette() throws IOException {
        BufferedImage bgr = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        int[] s = pattern(W * H * 3, 256, 9);
        // TYPE_3BYTE_BGR's raster bands are R, G, B (the BGR order is in memory only).
        bgr.getRaster().setPixels(0, 0, W, H, s);
        Path f = dir.resolve("rgb.bmp");
        assertTrue(ImageIO.write(bgr, "bmp", f.toFile()));
        Image img = readBoth(f);
        for (int c = 0; c < 3; c++) assertArrayEquals(channel(s, 3, c, 255), img.planes()[c]);
        assertNull(img.alpha());
        assertEquals("BMP", ImageReader.probe(f).format());

        // A full 256-entry palette: ImageIO's BMP writer packs smaller palettes into 4-bit rows wrongly.
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        int[] entries = pattern(256 * 3, 256, 8);
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) entries[3 * i];
            g[i] = (byte) entries[3 * i + 1];
            b[i] = (byte) entries[3 * i + 2];
        }
        IndexColorModel icm = new IndexColorModel(8, 256, r, g, b);
        BufferedImage indexed = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
        int[] idx = pattern(W * H, 256, 4);
        indexed.getRaster().setPixels(0, 0, W, H, idx);
        Path p = dir.resolve("palette.bmp");
        assertTrue(ImageIO.write(indexed, "bmp", p.toFile()));
        Image pi = readBoth(p);
        assertEquals(3, pi.planes().length);
        for (int i = 0; i < W * H; i++) {
            assertEquals((r[idx[i]] & 0xFF) / 255f, pi.planes()[0][i]);
            assertEquals((g[idx[i]] & 0xFF) / 255f, pi.planes()[1][i]);
            assertEquals((b[idx[i]] & 0xFF) / 255f, pi.planes()[2][i]);
        }
    }

    @Test
    void gifFirstFrameWithTransparency() throws IOException {
        byte[] r = {0, (byte) 255, 10, 99}, g = {0, 0, (byte) 240, 99}, b = {0, 0, 20, 99};
        IndexColorModel icm = new IndexColorModel(8, 4, r, g, b, 0); // entry 0 transparent
        int[] first = pattern(W * H, 4, 1), second = pattern(W * H, 4, 2);
        Path f = dir.resolve("anim.gif");
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.prepareWriteSequence(null);
            for (int[] frame : new int[][] {first, second}) {
                BufferedImage bi = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
                bi.getRaster().setPixels(0, 0, W, H, frame);
                w.writeToSequence(new IIOImage(bi, null, null), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        assertEquals(2, countGifFrames(f), "the fixture really has two frames");
        Image img = readBoth(f);
        assertEquals("GIF", ImageReader.probe(f).format());
        assertNotNull(img.alpha());
        for (int i = 0; i < W * H; i++) {
            int e = first[i];
            assertEquals((r[e] & 0xFF) / 255f, img.planes()[0][i]);
            assertEquals((g[e] & 0xFF) / 255f, img.planes()[1][i]);
            assertEquals((b[e] & 0xFF) / 255f, img.planes()[2][i]);
            assertEquals(e == 0 ? 0f : 1f, img.alpha()[i]);
        }
    }

    private static int countGifFrames(Path f) throws IOException {
        javax.imageio.ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
        try (var in = ImageIO.createImageInputStream(f.toFile())) {
            r.setInput(in);
            return r.getNumImages(true);
        } finally {
            r.dispose();
        }
    }

    @Test
    void grayPaletteGifIsGray() throws IOException {
        byte[] levels = {0, 64, (byte) 128, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 4, levels, levels, levels);
        BufferedImage bi = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
        int[] idx = pattern(W * H, 4, 6);
        bi.getRaster().setPixels(0, 0, W, H, idx);
        Path f = dir.resolve("gray.gif");
        assertTrue(ImageIO.write(bi, "gif", f.toFile()));
        Image img = readBoth(f);
        assertTrue(img.isGray());
        for (int i = 0; i < W * H; i++) assertEquals((levels[idx[i]] & 0xFF) / 255f, img.planes()[0][i]);
    }

    @Test
    void tiffEightAndSixteenBitRgbAndGray() throws IOException {
        for (int dataType : new int[] {DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT}) {
            int max = dataType == DataBuffer.TYPE_BYTE ? 255 : 65535;
            for (int cs : new int[] {ColorSpace.CS_sRGB, ColorSpace.CS_GRAY}) {
                ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(cs), false, false,
                        java.awt.Transparency.OPAQUE, dataType);
                WritableRaster raster = cm.createCompatibleWritableRaster(W, H);
                int bands = raster.getNumBands();
                int[] s = pattern(W * H * bands, max + 1, bands + max);
                raster.setPixels(0, 0, W, H, s);
                Path f = dir.resolve("t" + max + "_" + bands + ".tif");
                assertTrue(ImageIO.write(new BufferedImage(cm, raster, false, null), "tiff", f.toFile()));
                Image img = readBoth(f);
                assertEquals(bands, img.planes().length);
                for (int c = 0; c < bands; c++) assertArrayEquals(channel(s, bands, c, max), img.planes()[c]);
                assertEquals(max == 255 ? 8 : 16, img.bitDepth());
                assertEquals("TIFF", ImageReader.probe(f).format());
            }
        }
    }

    @Test
    void imageExtensions() {
        for (String n : new String[] {"a.png", "a.PNG", "b.jpg", "b.JPEG", "c.bmp", "d.tif", "d.Tiff", "e.gif"}) {
            assertTrue(ImageReader.hasImageExtension(Path.of("x", n)), n);
        }
        for (String n : new String[] {"a.txt", "png", "a.png.bak", "a.", "a.webp", ".hidden"}) {
            assertFalse(ImageReader.hasImageExtension(Path.of(n)), n);
        }
    }
}
