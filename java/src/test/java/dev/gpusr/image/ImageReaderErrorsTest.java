package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives an ImageException with one clear line, never a stack trace, an OOM or a half-decoded image. */
class ImageReaderErrorsTest {
    @TempDir
    Path dir;

    /** Reads, expects an ImageException, checks the message is one clean line and returns it. */
    private String failure(Path f) {
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.read(f));
        String m = e.getMessage();
        assertFalse(m.isBlank(), "message is empty");
        assertFalse(m.contains("\n"), "one line: " + m);
        assertFalse(m.contains("null"), "no 'null': " + m);
        assertFalse(m.contains("Exception"), "no class names: " + m);
        return m;
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** A noisy RGB image, so every compressed format has real data to cut. */
    static BufferedImage noise(int w, int h) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(42);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) bi.setRGB(x, y, rnd.nextInt());
        return bi;
    }

    static byte[] encode(BufferedImage bi, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(bi, format, out), "ImageIO writes " + format);
        return out.toByteArray();
    }

    @Test
    void emptyFile() throws IOException {
        assertEquals("file is empty (0 bytes)", failure(file("empty.png", new byte[0])));
    }

    @Test
    void missingFileAndFolder() throws IOException {
        assertEquals("no such file", failure(dir.resolve("absent.png")));
        Path sub = Files.createDirectory(dir.resolve("folder.png"));
        assertTrue(failure(sub).contains("folder"));
        assertThrows(ImageException.class, () -> ImageReader.probe(dir.resolve("absent.png")));
    }

    @Test
    void textAndGarbageAreNotImages() throws IOException {
        String text = failure(file("notes.png", "just some notes\nsecond line\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a PNG, JPEG, BMP, TIFF or GIF image (the file starts with text)", text);
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x01; // make sure no signature matches by chance
        String g = failure(file("garbage.jpg", garbage));
        assertTrue(g.startsWith("not a PNG, JPEG, BMP, TIFF or GIF image (starts with bytes 01 "), g);
    }

    @Test
    void truncatedFilesOfEveryFormat() throws IOException {
        BufferedImage img = noise(64, 48);
        for (String format : new String[] {"png", "jpeg", "bmp", "tiff", "gif"}) {
            byte[] whole = encode(img, format);
            ImageReader.read(file("whole." + format, whole)); // the untruncated file is fine
            for (double keep : new double[] {0.02, 0.5, 0.9}) {
                int n = Math.max(20, (int) (whole.length * keep));
                String m = failure(file("cut" + keep + "." + format, Arrays.copyOf(whole, n)));
                assertTrue(m.contains("truncated") || m.contains("corrupt"), format + " cut to " + n + ": " + m);
            }
        }
    }

    @Test
    void truncatedJpegIsRefusedNotHalfDecoded() throws IOException {
        byte[] whole = encode(noise(64, 48), "jpeg");
        // ImageIO itself decodes this with only a warning, filling the missing rows with grey.
        Path f = file("half.jpg", Arrays.copyOf(whole, whole.length / 2));
        assertTrue(ImageIO.read(f.toFile()) != null, "precondition: ImageIO alone accepts the cut file");
        assertTrue(failure(f).startsWith("truncated JPEG"));
    }

    @Test
    void corruptPngData() throws IOException {
        byte[] idat = new byte[64];
        new Random(3).nextBytes(idat);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(PngBytes.header(16, 16, 8, PngBytes.RGB));
        b.writeBytes(PngBytes.chunk("IDAT", idat));
        b.writeBytes(PngBytes.chunk("IEND", new byte[0]));
        String m = failure(file("corrupt.png", b.toByteArray()));
        assertTrue(m.startsWith("corrupt or truncated PNG data"), m);
    }

    @Test
    void hugeDimensionsAreRefusedFromTheHeaderAlone() throws IOException {
        // Header only, no pixel data: decoding would fail differently, so these messages prove nothing was decoded.
        Path huge = file("huge.png", PngBytes.header(50000, 50000, 8, PngBytes.RGB));
        assertEquals("image is 50000x50000 = 2500.0 MP, above --max-pixels 100.0 MP", failure(huge));
        ImageException beyondInt = assertThrows(ImageException.class, () -> ImageReader.read(huge, Long.MAX_VALUE));
        assertTrue(beyondInt.getMessage().contains("more than the 2^31 pixels"), beyondInt.getMessage());

        Path big = file("big.png", PngBytes.header(20000, 20000, 16, PngBytes.RGBA));
        assertEquals("image is 20000x20000 = 400.0 MP, above --max-pixels 100.0 MP", failure(big));

        Path small = file("small.png", PngBytes.encode(40, 30, 8, PngBytes.GRAY, new int[1200], null, null));
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.read(small, 1000));
        assertEquals("image is 40x30 = 1200 pixels, above --max-pixels 1000 pixels", e.getMessage());
        assertEquals(40, ImageReader.read(small, 1200).width(), "exactly at the limit is allowed");
    }

    @Test
    void aFourChannelJpegIsReadAsRgb() throws IOException {
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        Random rnd = new Random(5);
        for (int i = 0; i < 16 * 16 * 4; i++) cmyk.getDataBuffer().setElem(i, rnd.nextInt(256));
        Path f = dir.resolve("cmyk.jpg");
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(cmyk, null, null), null);
        } finally {
            w.dispose();
        }
        assertEquals(new ImageReader.Dimensions(16, 16, "JPEG"), ImageReader.probe(f));
        // Read since TwelveMonkeys decodes CMYK (CmykJpegTest checks the colours); converted to RGB.
        assertEquals(3, ImageReader.read(f).planes().length);
    }

    @Test
    void floatingPointTiffIsUnsupported() throws IOException {
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT);
        WritableRaster raster = cm.createCompatibleWritableRaster(8, 8);
        Path f = dir.resolve("float.tif");
        assertTrue(ImageIO.write(new BufferedImage(cm, raster, false, null), "tiff", f.toFile()));
        assertEquals("unsupported sample type (32-bit floating point); gpu-sr reads 1 to 16-bit integer samples",
                failure(f));
    }

    @Test
    void textThatStartsLikeBmpIsCorrupt() throws IOException {
        String m = failure(file("car.bmp", "BMW owners club newsletter, issue 4".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(m.contains("BMP"), m);
    }
}
