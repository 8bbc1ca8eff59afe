package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXIF orientation from files Pillow wrote (stored sideways, tagged); outputs upright and untagged. */
class ExifOrientationTest {
    @TempDir
    Path dir;

    @Test
    void everyPngOrientationReadsUpright() throws Exception {
        Image upright = ImageReader.read(Fixtures.path("upright.png"));
        Pixels expected = Fixtures.pixels(upright);
        for (int o = 1; o <= 8; o++) {
            Path file = Fixtures.path("orient" + o + ".png");
            assertEquals(o, FileMetadata.read(file).orientation(), "tag of orient" + o);
            Image read = ImageReader.read(file);
            assertEquals(7, read.width(), "orientation " + o);
            assertEquals(4, read.height(), "orientation " + o);
            for (int c = 0; c < 3; c++) assertArrayEquals(upright.planes()[c], read.planes()[c], "orientation " + o);

            // The raw-sample hook the batch pipeline calls: stored samples in, upright samples out.
            Pixels stored = Fixtures.pixels(withoutOrientation(file));
            Pixels turned = ExifOrientation.apply(file, stored);
            assertEquals(expected.width(), turned.width());
            assertArrayEquals(expected.samples(), turned.samples(), "Pixels, orientation " + o);
        }
    }

    @Test
    void sixteenBitGrayAndTiffToo() throws Exception {
        Path g = Fixtures.path("orient5-gray16.png");
        Pixels stored = Fixtures.pixels(withoutOrientation(g));
        assertEquals(16, stored.bitDepth());
        assertEquals(3, stored.width());
        Pixels turned = ExifOrientation.apply(g, stored);
        assertArrayEquals(Fixtures.pixels(ImageReader.read(Fixtures.path("upright16.png"))).samples(), turned.samples());

        Path tif = Fixtures.path("orient8.tif");
        assertEquals(8, FileMetadata.read(tif).orientation());
        Image upright = ImageReader.read(Fixtures.path("upright.png"));
        Image read = ImageReader.read(tif);
        assertEquals(7, read.width());
        for (int c = 0; c < 3; c++) assertArrayEquals(upright.planes()[c], read.planes()[c]);
    }

    @Test
    void aJpegTaggedRotate90ThatDisplaysAs60x120ComesOutUprightAndUntagged() throws Exception {
        Path jpg = Fixtures.path("orient6.jpg");
        assertEquals(new ImageReader.Dimensions(120, 60, "JPEG"), ImageReader.probe(jpg), "stored sideways");
        Image read = ImageReader.read(jpg);
        Image upright = ImageReader.read(Fixtures.path("upright-60x120.png"));
        assertEquals(60, read.width());
        assertEquals(120, read.height());
        assertTrue(meanDiff(read, upright) <= 1.5 / 255, "JPEG loss only: " + meanDiff(read, upright) * 255);
        // Discriminates: the other turn is far off.
        Image wrong = ExifOrientation.apply(ExifOrientation.apply(read, 3), 1);
        assertTrue(meanDiff(wrong, upright) > 20 / 255.0, "" + meanDiff(wrong, upright) * 255);

        Path out = dir.resolve("out.jpg");
        ImageWriter.write(read, out, ImageFormat.JPG, 95);
        assertEquals(1, FileMetadata.read(out).orientation(), "the output carries no orientation tag");
        assertEquals(new ImageReader.Dimensions(60, 120, "JPEG"), ImageReader.probe(out), "stored upright");

        Image r3 = ImageReader.read(Fixtures.path("orient3.jpg"));
        assertTrue(meanDiff(r3, upright) <= 1.5 / 255);
    }

    @Test
    void theTurnsComposeAsRotationsAndMirrorsDo() {
        Random rnd = new Random(5);
        for (int channels = 1; channels <= 4; channels++) {
            for (int depth : new int[] {8, 16}) {
                Pixels p = Pixels.allocate(5, 3, channels, depth, new byte[] {1});
                rnd.nextBytes(p.samples());
                Pixels r90 = ExifOrientation.apply(p, 6);
                assertEquals(3, r90.width());
                assertEquals(5, r90.height());
                assertSame(ExifOrientation.apply(r90, 6), ExifOrientation.apply(p, 3));
                assertSame(ExifOrientation.apply(ExifOrientation.apply(r90, 6), 6), ExifOrientation.apply(p, 8));
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 8), 6), p);
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 2), 2), p);
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 3), 2), ExifOrientation.apply(p, 4));
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 2), 8), ExifOrientation.apply(p, 5));
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 2), 6), ExifOrientation.apply(p, 7));
                assertSame(ExifOrientation.apply(ExifOrientation.apply(p, 5), 5), p);
                assertArrayEquals(new byte[] {1}, ExifOrientation.apply(p, 7).iccProfile(), "profile kept");
                // Mirror left-right moves whole pixels, all channels and both bytes of a 16-bit sample together.
                Pixels m = ExifOrientation.apply(p, 2);
                for (int c = 0; c < channels; c++) assertEquals(p.sample(0, 1, c), m.sample(4, 1, c));
            }
        }
    }

    @Test
    void corruptExifIsOrientationOneAndTheImageStillReads() throws Exception {
        byte[] good = Files.readAllBytes(Fixtures.path("orient6.jpg"));
        int exif = indexOf(good, "Exif".getBytes());
        assertTrue(exif > 0);
        // The IFD offset points past the block.
        byte[] bad = good.clone();
        int tiff = exif + 6;
        boolean le = bad[tiff] == 'I';
        bad[tiff + (le ? 7 : 4)] = 0x7F;
        Path f = Files.write(dir.resolve("bad.jpg"), bad);
        assertEquals(1, FileMetadata.read(f).orientation());
        assertEquals(120, ImageReader.read(f).width(), "read as stored");
        // Every truncation and many random corruptions of the header region: never an exception, always 1..8.
        Random rnd = new Random(1);
        for (int n = 0; n < 400; n++) {
            byte[] b = n < 200 ? Arrays.copyOf(good, n * 3) : good.clone();
            if (n >= 200) for (int k = 0; k < 4; k++) b[2 + rnd.nextInt(Math.min(200, b.length - 2))] = (byte) rnd.nextInt();
            Path p = Files.write(dir.resolve("c.jpg"), b);
            FileMetadata m = FileMetadata.read(p);
            assertNotNull(m);
            assertTrue(m.orientation() >= 1 && m.orientation() <= 8);
        }
        byte[] png = Files.readAllBytes(Fixtures.path("orient6.png"));
        int x = indexOf(png, "eXIf".getBytes());
        png[x + 4] = 'Q'; // not a TIFF header
        Path p = Files.write(dir.resolve("bad.png"), png);
        assertEquals(1, FileMetadata.read(p).orientation());
    }

    private static void assertSame(Pixels a, Pixels b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        assertArrayEquals(a.samples(), b.samples());
    }

    /** Decodes the stored samples, as the raw reader does before the hook. */
    private Image withoutOrientation(Path file) throws Exception {
        javax.imageio.ImageReader r = javax.imageio.ImageIO.getImageReadersBySuffix(
                file.toString().substring(file.toString().lastIndexOf('.') + 1)).next();
        try (var in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
            r.setInput(in);
            return ImageReader.toImage(r.read(0));
        } finally {
            r.dispose();
        }
    }

    private static double meanDiff(Image a, Image b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        double sum = 0;
        for (int c = 0; c < a.planes().length; c++) {
            for (int i = 0; i < a.planes()[c].length; i++) sum += Math.abs(a.planes()[c][i] - b.planes()[c][i]);
        }
        return sum / (a.planes().length * (double) a.planes()[0].length);
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int k = 0; k < what.length; k++) if (b[i + k] != what[k]) continue outer;
            return i;
        }
        return -1;
    }
}
