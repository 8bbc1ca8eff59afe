package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CMYK (Pillow) and Adobe YCCK (ImageMagick) JPEGs are read as RGB; ordinary JPEGs stay with the JDK's decoder. */
class CmykJpegTest {
    @TempDir
    Path dir;

    @Test
    void cmykAndYcckJpegsReadAsTheRgbPillowConvertsThemTo() throws Exception {
        for (String name : new String[] {"cmyk", "ycck"}) {
            Image read = ImageReader.read(Fixtures.path(name + ".jpg"));
            Image pillow = ImageReader.read(Fixtures.path(name + "-as-rgb.png"));
            assertEquals(pillow.width(), read.width());
            assertEquals(pillow.height(), read.height());
            assertEquals(3, read.planes().length);
            double mean = meanDiff(read, pillow) * 255;
            assertTrue(mean < 3, name + ": mean difference " + mean + " levels");
        }
    }

    @Test
    void ordinaryJpegsAreDecodedByTheJdkReaderAsBefore() throws Exception {
        assertTrue(ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName().contains("twelvemonkeys"),
                "TwelveMonkeys is registered (first)");
        Path plain = Fixtures.path("plain.jpg");
        javax.imageio.ImageReader jdk = JpegProfiles.jdkReader(ImageIO.getImageReadersByFormatName("jpeg"));
        assertTrue(jdk.getClass().getName().startsWith("com.sun.imageio."));
        Image expected;
        try (var in = ImageIO.createImageInputStream(plain.toFile())) {
            jdk.setInput(in);
            expected = ImageReader.toImage(jdk.read(0));
        } finally {
            jdk.dispose();
        }
        Image read = ImageReader.read(plain);
        for (int c = 0; c < 3; c++) assertArrayEquals(expected.planes()[c], read.planes()[c]);
    }

    @Test
    void aTruncatedCmykJpegIsRefused() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.path("cmyk.jpg"));
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(full, full.length * 2 / 3));
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aCmykProfileIsNotCarriedToTheRgbOutput() throws Exception {
        // The samples are converted to sRGB on reading; only RGB and gray profiles describe what is written.
        byte[] cmykProfile = Files.readAllBytes(Fixtures.path("compatibleWithAdobeRGB1998.icc"));
        System.arraycopy("CMYK".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, cmykProfile, 16, 4);
        byte[] rgbProfile = Files.readAllBytes(Fixtures.path("compatibleWithAdobeRGB1998.icc"));
        byte[] cmyk = Files.readAllBytes(Fixtures.path("cmyk.jpg"));
        Path tagged = Files.write(dir.resolve("tagged.jpg"), IccEmbedding.embed(cmyk, ImageFormat.JPG, cmykProfile));
        assertEquals(null, FileMetadata.read(tagged).iccProfile());
        Path rgb = Files.write(dir.resolve("rgb.jpg"), IccEmbedding.embed(cmyk, ImageFormat.JPG, rgbProfile));
        assertArrayEquals(rgbProfile, FileMetadata.read(rgb).iccProfile(), "the same file with an RGB profile");
    }

    private static double meanDiff(Image a, Image b) {
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < a.planes()[c].length; i++) sum += Math.abs(a.planes()[c][i] - b.planes()[c][i]);
        }
        return sum / (3.0 * a.planes()[0].length);
    }
}
