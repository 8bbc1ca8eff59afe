package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch pipeline's raw-sample path: EXIF applied and the ICC profile carried from reading to writing. */
class PixelsMetadataTest {
    @TempDir
    Path dir;

    @Test
    void readPixelsIsUprightAndCarriesTheProfile() throws Exception {
        Pixels upright = ImageReader.readPixels(Fixtures.path("upright.png"), 1000);
        for (int o = 1; o <= 8; o++) {
            Pixels p = ImageReader.readPixels(Fixtures.path("orient" + o + ".png"), 1000);
            assertEquals(7, p.width(), "orientation " + o);
            assertArrayEquals(upright.samples(), p.samples(), "orientation " + o);
        }
        byte[] icc = Files.readAllBytes(Fixtures.path("compatibleWithAdobeRGB1998.icc"));
        for (String f : new String[] {"adobergb.png", "adobergb.jpg", "adobergb.tif"}) {
            assertArrayEquals(icc, ImageReader.readPixels(Fixtures.path(f), 1000).iccProfile(), f);
        }
        assertNull(ImageReader.readPixels(Fixtures.path("plain.jpg"), 1000).iccProfile());
    }

    @Test
    void writingPixelsKeepsTheProfileAndTheSamples() throws Exception {
        byte[] icc = Files.readAllBytes(Fixtures.path("compatibleWithAdobeRGB1998.icc"));
        Pixels p = ImageReader.readPixels(Fixtures.path("adobergb.png"), 1000);
        for (ImageFormat f : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF, ImageFormat.JPG}) {
            Path out = dir.resolve("o." + f.extension);
            ImageWriter.write(p, out, f, new WriteOptions(95));
            assertArrayEquals(icc, FileMetadata.read(out).iccProfile(), f.name());
            if (f != ImageFormat.JPG) assertArrayEquals(p.samples(), ImageReader.readPixels(out, 1000).samples());
        }
    }
}
