package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

/**
 * ICC profiles from files Pillow wrote (an Adobe-RGB-compatible profile) are read, carried into PNG, JPEG and TIFF
 * outputs, and never applied to the samples.
 */
class IccProfileTest {
    @TempDir
    Path dir;

    /** The profile Pillow embedded (Debian icc-profiles-free, zlib licence: java/src/test/fixtures/ICC-LICENSE.txt). */
    static byte[] profile() throws Exception {
        return Files.readAllBytes(Fixtures.path("compatibleWithAdobeRGB1998.icc"));
    }

    @Test
    void theProfileIsReadFromEachFormat() throws Exception {
        byte[] icc = profile();
        assertEquals(580, icc.length);
        for (String f : new String[] {"adobergb.png", "adobergb.jpg", "adobergb.tif"}) {
            assertArrayEquals(icc, FileMetadata.read(Fixtures.path(f)).iccProfile(), f);
        }
        assertNull(FileMetadata.read(Fixtures.path("plain.jpg")).iccProfile());
        assertNull(FileMetadata.read(Fixtures.path("upright.png")).iccProfile());
    }

    @Test
    void aJpegWithAProfileDecodesToTheSameSamplesAsWithout() throws Exception {
        // Same pixels, same encoder settings; one file carries Adobe RGB. The JDK reader converted it to sRGB
        // (up to 21 levels off); gpu-sr keeps the encoded values, as for PNG and TIFF.
        Image tagged = ImageReader.read(Fixtures.path("adobergb.jpg"));
        Image plain = ImageReader.read(Fixtures.path("plain.jpg"));
        for (int c = 0; c < 3; c++) assertArrayEquals(plain.planes()[c], tagged.planes()[c]);
    }

    @Test
    void profileBytesSurviveReadThenWriteAndPixelsAreUntouched() throws Exception {
        byte[] icc = profile();
        for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF, ImageFormat.JPG}) {
            Path in = Fixtures.path(format == ImageFormat.PNG ? "adobergb.png"
                    : format == ImageFormat.TIFF ? "adobergb.tif" : "adobergb.jpg");
            Image img = ImageReader.read(in);
            byte[] carried = FileMetadata.read(in).iccProfile();
            Path out = dir.resolve("out." + format.name().toLowerCase());
            Path bare = dir.resolve("bare." + format.name().toLowerCase());
            ImageWriter.write(img, out, format, 95, carried);
            ImageWriter.write(img, bare, format, 95, null);
            assertArrayEquals(icc, FileMetadata.read(out).iccProfile(), format + ": profile bytes kept");
            assertNull(FileMetadata.read(bare).iccProfile());
            Image back = ImageReader.read(out);
            Image ref = format == ImageFormat.JPG ? ImageReader.read(bare) : img; // JPEG: same encode, no profile
            for (int c = 0; c < 3; c++) assertArrayEquals(ref.planes()[c], back.planes()[c], format + ": samples");
            assertTrue(independentReaderSeesProfile(out, format, icc), format + ": ImageIO's own parser sees it");
        }
    }

    @Test
    void largeProfilesSpanSeveralJpegSegments() throws Exception {
        byte[] big = new byte[150_000];
        new Random(3).nextBytes(big);
        byte[] icc = profile();
        System.arraycopy(icc, 0, big, 0, 128); // a valid header ...
        big[0] = 0;
        big[1] = 2;
        big[2] = 0x49;
        big[3] = (byte) 0xF0; // ... declaring 150000 bytes
        Path out = dir.resolve("big.jpg");
        ImageWriter.write(ImageReader.read(Fixtures.path("plain.jpg")), out, ImageFormat.JPG, 90, big);
        assertArrayEquals(big, FileMetadata.read(out).iccProfile());
        byte[] file = Files.readAllBytes(out);
        int segments = 0;
        byte[] tag = "ICC_PROFILE".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 4; i + tag.length < file.length; i++) {
            if ((file[i - 4] & 0xFF) == 0xFF && (file[i - 3] & 0xFF) == 0xE2
                    && java.util.Arrays.equals(tag, java.util.Arrays.copyOfRange(file, i, i + tag.length))) {
                segments++;
            }
        }
        assertEquals(3, segments, "150000 bytes need three APP2 segments");
        assertEquals(40, ImageReader.read(out).width());
    }

    @Test
    void bmpDropsTheProfileAndWritingStillWorks() throws Exception {
        Path out = dir.resolve("x.bmp");
        ImageWriter.write(ImageReader.read(Fixtures.path("adobergb.png")), out, ImageFormat.BMP, 95, profile());
        assertNull(FileMetadata.read(out).iccProfile());
        assertEquals(16, ImageReader.read(out).width());
    }

    /** The profile as ImageIO's own PNG/JPEG/TIFF metadata parsers find it (independent of FileMetadata). */
    private static boolean independentReaderSeesProfile(Path file, ImageFormat format, byte[] icc) throws Exception {
        javax.imageio.ImageReader r = ImageIO.getImageReaders(ImageIO.createImageInputStream(file.toFile())).next();
        try (var in = ImageIO.createImageInputStream(file.toFile())) {
            r.setInput(in);
            IIOMetadata meta = r.getImageMetadata(0);
            switch (format) {
                case PNG -> {
                    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_png_1.0");
                    NodeList n = root.getElementsByTagName("iCCP");
                    if (n.getLength() != 1) return false;
                    byte[] z = (byte[]) ((IIOMetadataNode) n.item(0)).getUserObject();
                    java.util.zip.Inflater inf = new java.util.zip.Inflater();
                    inf.setInput(z);
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    while (!inf.finished()) o.write(buf, 0, inf.inflate(buf));
                    return java.util.Arrays.equals(icc, o.toByteArray());
                }
                case TIFF -> {
                    TIFFField f = TIFFDirectory.createFromMetadata(meta).getTIFFField(34675);
                    assertNotNull(f);
                    return java.util.Arrays.equals(icc, f.getAsBytes());
                }
                default -> {
                    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_jpeg_image_1.0");
                    NodeList n = root.getElementsByTagName("app2ICC");
                    if (n.getLength() != 1) throw new AssertionError("app2ICC nodes: " + n.getLength());
                    var p = (java.awt.color.ICC_Profile) ((IIOMetadataNode) n.item(0)).getUserObject();
                    // Java's colour engine rewrites a few header fields (CMM, platform, creator); the tags are the same.
                    byte[] d = p.getData();
                    return d.length == icc.length && java.util.Arrays.equals(icc, 128, icc.length, d, 128, d.length);
                }
            }
        } finally {
            r.dispose();
        }
    }
}
