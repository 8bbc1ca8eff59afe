package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Written files read back to the same levels, in the right layout, and appear only when complete. */
class ImageWriterTest {
    static final int W = 9, H = 6;

    @TempDir
    Path dir;

    /** Planes holding exact levels k / max, all distinct patterns. */
    static float[] levels(int max, int seed) {
        float[] p = new float[W * H];
        int[] s = ImageReaderTest.pattern(W * H, max + 1, seed);
        for (int i = 0; i < p.length; i++) p[i] = s[i] / (float) max;
        return p;
    }

    static Image image(int planes, boolean alpha, int bitDepth) {
        int max = bitDepth == 16 ? 65535 : 255;
        float[][] ps = new float[planes][];
        for (int c = 0; c < planes; c++) ps[c] = levels(max, c + 1);
        return new Image(W, H, ps, alpha ? levels(max, 9) : null, bitDepth);
    }

    /** The values as the 8-bit file holds them: round(v * 255) / 255. */
    static float[] to8Bit(float[] p) {
        float[] q = new float[p.length];
        for (int i = 0; i < p.length; i++) q[i] = Math.round(p[i] * 255.0) / 255f;
        return q;
    }

    private Image roundTrip(Image img, ImageFormat format, String name) throws IOException {
        Path f = dir.resolve(name + "." + format.extension);
        ImageWriter.write(img, f, format, 95);
        return ImageReader.read(f);
    }

    @Test
    void losslessFormatsRoundTripExactly() throws IOException {
        for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF, ImageFormat.BMP}) {
            for (int planes : new int[] {1, 3}) {
                Image img = image(planes, false, 8);
                Image back = roundTrip(img, format, "rt" + planes);
                assertEquals(planes, back.planes().length, format + " keeps " + planes + " planes");
                for (int c = 0; c < planes; c++) assertArrayEquals(img.planes()[c], back.planes()[c], format + " plane " + c);
                assertNull(back.alpha());
                assertEquals(8, back.bitDepth());
            }
        }
    }

    @Test
    void sixteenBitStaysSixteenBitInPngAndTiff() throws IOException {
        for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF}) {
            for (int planes : new int[] {1, 3}) {
                Image img = image(planes, false, 16);
                Image back = roundTrip(img, format, "deep" + planes);
                assertEquals(16, back.bitDepth(), format.name());
                for (int c = 0; c < planes; c++) assertArrayEquals(img.planes()[c], back.planes()[c]);
            }
        }
    }

    @Test
    void alphaIsKeptInPngAndTiffAtBothDepths() throws IOException {
        for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF}) {
            for (int depth : new int[] {8, 16}) {
                for (int planes : new int[] {1, 3}) {
                    Image img = image(planes, true, depth);
                    Image back = roundTrip(img, format, "alpha" + depth + "_" + planes);
                    String what = format + " " + depth + "-bit " + planes + " planes + alpha";
                    assertEquals(planes, back.planes().length, what);
                    assertNotNull(back.alpha(), what);
                    assertArrayEquals(img.alpha(), back.alpha(), what);
                    for (int c = 0; c < planes; c++) assertArrayEquals(img.planes()[c], back.planes()[c], what);
                    assertEquals(depth, back.bitDepth(), what);
                }
            }
        }
    }

    @Test
    void bmpIsEightBitWithoutAlpha() throws IOException {
        Image img = image(3, true, 16);
        Image back = roundTrip(img, ImageFormat.BMP, "deep");
        assertEquals(8, back.bitDepth());
        assertNull(back.alpha());
        for (int c = 0; c < 3; c++) assertArrayEquals(to8Bit(img.planes()[c]), back.planes()[c]);
    }

    @Test
    void jpegWithinToleranceGrayStaysGrayAlphaDropped() throws IOException {
        // Smooth content: JPEG at quality 95 keeps it within a few levels.
        float[][] planes = new float[3][W * H];
        for (int i = 0; i < W * H; i++) {
            int x = i % W, y = i / W;
            planes[0][i] = (100 + 4 * x) / 255f;
            planes[1][i] = (80 + 3 * y) / 255f;
            planes[2][i] = 150 / 255f;
        }
        for (int n : new int[] {1, 3}) {
            float[][] ps = n == 1 ? new float[][] {planes[0]} : planes;
            Image img = new Image(W, H, ps, levels(255, 4), 16);
            Path f = dir.resolve("q" + n + ".jpg");
            ImageWriter.write(img, f, ImageFormat.JPG, 95);
            Image back = ImageReader.read(f);
            assertEquals(n, back.planes().length);
            assertNull(back.alpha());
            assertEquals(8, back.bitDepth());
            for (int c = 0; c < n; c++) {
                for (int i = 0; i < W * H; i++) assertEquals(ps[c][i], back.planes()[c][i], 5 / 255.0, "plane " + c);
            }
        }
    }

    @Test
    void jpegQualityControlsSize() throws IOException {
        Image noisy = image(3, false, 8);
        Path low = dir.resolve("low.jpg"), high = dir.resolve("high.jpg");
        ImageWriter.write(noisy, low, ImageFormat.JPG, 5);
        ImageWriter.write(noisy, high, ImageFormat.JPG, 100);
        assertTrue(Files.size(low) < Files.size(high), Files.size(low) + " vs " + Files.size(high));
        assertThrows(IllegalArgumentException.class, () -> ImageWriter.write(noisy, low, ImageFormat.JPG, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageWriter.write(noisy, low, ImageFormat.JPG, 101));
    }

    @Test
    void valuesAreClampedAndRounded() throws IOException {
        float[] p = new float[W * H];
        float[] expected = new float[W * H];
        float[][] cases = {
            {-0.5f, 0}, {1.5f, 255}, {Float.NaN, 0}, {Float.POSITIVE_INFINITY, 255}, {Float.NEGATIVE_INFINITY, 0},
            {100.4f / 255, 100}, {100.6f / 255, 101}, {1f, 255}, {0f, 0},
        };
        for (int i = 0; i < cases.length; i++) {
            p[i] = cases[i][0];
            expected[i] = cases[i][1] / 255f;
        }
        Image back = roundTrip(new Image(W, H, new float[][] {p}, null, 8), ImageFormat.PNG, "clamp");
        assertArrayEquals(expected, back.planes()[0]);
        assertEquals(65535, Samples.quantize(2f, 65535));
        assertEquals(12346, Samples.quantize(12345.6f / 65535, 65535));
    }

    @Test
    void writesAtomicallyAndReplaces() throws IOException {
        Path f = dir.resolve("out.png");
        ImageWriter.write(image(1, false, 8), f, ImageFormat.PNG, 95);
        ImageWriter.write(image(3, false, 8), f, ImageFormat.PNG, 95);
        assertEquals(3, ImageReader.read(f).planes().length, "second write replaced the first");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary files left behind");
        }
    }

    @Test
    void unwritableDestinations() throws IOException {
        Image img = image(3, false, 8);
        ImageException missing = assertThrows(ImageException.class,
                () -> ImageWriter.write(img, dir.resolve("no/such/folder/x.png"), ImageFormat.PNG, 95));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        Path plainFile = Files.writeString(dir.resolve("plain.txt"), "x");
        ImageException underFile = assertThrows(ImageException.class,
                () -> ImageWriter.write(img, plainFile.resolve("x.png"), ImageFormat.PNG, 95));
        assertTrue(underFile.getMessage().contains("does not exist"), underFile.getMessage());

        Path folder = Files.createDirectory(dir.resolve("taken.png"));
        ImageException isFolder = assertThrows(ImageException.class,
                () -> ImageWriter.write(img, folder, ImageFormat.PNG, 95));
        assertTrue(isFolder.getMessage().contains("folder"), isFolder.getMessage());
        for (ImageException e : List.of(missing, underFile, isFolder)) assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void readOnlyFolder() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        try {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "no POSIX permissions on this file system");
        }
        assumeTrue(!Files.isWritable(ro), "running as root: permissions are not enforced");
        ImageException e = assertThrows(ImageException.class,
                () -> ImageWriter.write(image(1, false, 8), ro.resolve("x.png"), ImageFormat.PNG, 95));
        assertEquals("cannot write: permission denied in folder " + ro.toAbsolutePath(), e.getMessage());
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
