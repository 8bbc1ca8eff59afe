package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

/**
 * PngEncoder's files decode to exactly the samples given, in two independent decoders: the JDK's ImageIO and
 * (where python3 with Pillow is installed, as .ci/run does) Pillow, which also has every chunk's CRC checked -- with
 * each codec: java.util.zip always, libdeflate where its native library loads (NativeDeflateTest says when it must).
 */
class PngEncoderTest {
    /** Odd sizes, single rows and columns, one pixel, and one wide enough for the filters' early exit to matter. */
    static final int[][] SIZES = {{1, 1}, {1, 6}, {7, 1}, {13, 5}, {300, 9}};
    static final int[] FILTERS = {-1, 0, 1, 2, 4};

    /** ZLIB, and LIBDEFLATE when its library loads. */
    static List<PngCodec> codecs() {
        return NativeDeflate.available() ? List.of(PngCodec.ZLIB, PngCodec.LIBDEFLATE) : List.of(PngCodec.ZLIB);
    }

    @TempDir
    Path dir;

    /**
     * Samples mixing smooth ramps (where Sub, Up and Paeth win) with pseudo-random noise (where None wins), all
     * values of the bit depth reachable, including 0 and the maximum.
     */
    static Pixels pixels(int w, int h, int channels, int bitDepth, long seed) {
        Pixels p = Pixels.allocate(w, h, channels, bitDepth, null);
        int max = p.maxValue();
        long s = seed * 0x9E3779B97F4A7C15L + 1;
        for (int y = 0; y < h; y++) {
            boolean noisy = (y % 4) == 3;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    s = s * 6364136223846793005L + 1442695040888963407L;
                    int v;
                    if (noisy) v = (int) ((s >>> 33) % (max + 1));
                    else v = (int) (((long) (x * 37 + y * 11 + c * 50) * (max / 255)) % (max + 1));
                    if (x == 0 && y == 0) v = c % 2 == 0 ? max : 0;
                    p.setSample(x, y, c, v);
                }
            }
        }
        return p;
    }

    static byte[] encode(Pixels px, int level, int filter, PngCodec codec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PngEncoder e = new PngEncoder(level, codec, filter)) {
            e.encode(px, out);
        }
        return out.toByteArray();
    }

    static void assertSamplesEqual(Pixels px, BufferedImage img, String what) {
        assertNotNull(img, what + ": ImageIO could not read it");
        assertEquals(px.width(), img.getWidth(), what);
        assertEquals(px.height(), img.getHeight(), what);
        Raster r = img.getRaster();
        assertEquals(px.channels(), r.getNumBands(), what + ": bands");
        assertEquals(px.bitDepth(), r.getSampleModel().getSampleSize(0), what + ": bits");
        for (int y = 0; y < px.height(); y++) {
            for (int x = 0; x < px.width(); x++) {
                for (int c = 0; c < px.channels(); c++) {
                    int want = px.sample(x, y, c), got = r.getSample(x, y, c);
                    if (want != got) {
                        throw new AssertionError(what + ": sample (" + x + "," + y + "," + c + ") is " + got
                                + ", wrote " + want);
                    }
                }
            }
        }
    }

    @Test
    void imageIoReadsBackEverySampleForEveryLayoutFilterLevelAndCodec() throws IOException {
        for (PngCodec codec : codecs()) imageIoReadsBack(codec);
    }

    private static void imageIoReadsBack(PngCodec codec) throws IOException {
        int files = 0, fixed = 0;
        for (int bits : new int[] {8, 16}) {
            for (int ch = 1; ch <= 4; ch++) {
                for (int[] size : SIZES) {
                    Pixels px = pixels(size[0], size[1], ch, bits, files);
                    for (int filter : FILTERS) {
                        int level = filter == -1 ? PngEncoder.DEFAULT_COMPRESSION : (fixed++ % 10); // all 0-9
                        String what = px + " filter " + filter + " level " + level + " " + codec;
                        BufferedImage img = ImageIO.read(new ByteArrayInputStream(encode(px, level, filter, codec)));
                        assertSamplesEqual(px, img, what);
                        files++;
                    }
                }
            }
        }
        assertEquals(2 * 4 * SIZES.length * FILTERS.length, files);
    }

    /** The filter type byte of each row, read back by inflating the IDAT chunks. */
    static List<Integer> rowFilters(byte[] png, int rowBytes, int height) throws Exception {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> c : chunks(png)) if (c.getKey().equals("IDAT")) idat.writeBytes(c.getValue());
        Inflater inf = new Inflater();
        inf.setInput(idat.toByteArray());
        byte[] raw = new byte[(rowBytes + 1) * height];
        int n = 0;
        while (n < raw.length && !inf.finished()) n += inf.inflate(raw, n, raw.length - n);
        assertEquals(raw.length, n, "inflated size");
        assertTrue(inf.finished(), "one zlib stream, nothing after the last row");
        inf.end();
        List<Integer> types = new ArrayList<>();
        for (int y = 0; y < height; y++) types.add((int) raw[y * (rowBytes + 1)]);
        return types;
    }

    static List<Map.Entry<String, byte[]>> chunks(byte[] png) {
        List<Map.Entry<String, byte[]>> list = new ArrayList<>();
        int i = 8;
        while (i < png.length) {
            int len = ((png[i] & 0xFF) << 24) | ((png[i + 1] & 0xFF) << 16) | ((png[i + 2] & 0xFF) << 8) | (png[i + 3] & 0xFF);
            String type = new String(png, i + 4, 4, StandardCharsets.US_ASCII);
            byte[] data = java.util.Arrays.copyOfRange(png, i + 8, i + 8 + len);
            list.add(Map.entry(type, data));
            i += 12 + len;
        }
        assertEquals(png.length, i, "chunks end at the end of the file");
        return list;
    }

    @Test
    void adaptiveFiltersPickPerRowAndBeatEveryFixedFilter() throws Exception {
        for (PngCodec codec : codecs()) adaptiveFilters(codec);
    }

    private static void adaptiveFilters(PngCodec codec) throws Exception {
        // A smooth photo-like image with a few noisy rows: the adaptive choice must vary and give the smallest file.
        Pixels px = pixels(257, 64, 3, 8, 5);
        byte[] adaptive = encode(px, 6, -1, codec);
        TreeSet<Integer> used = new TreeSet<>(rowFilters(adaptive, 257 * 3, 64));
        assertTrue(used.contains(0) && used.size() >= 3, "filters used: " + used);
        for (int f : new int[] {0, 1, 2, 4}) {
            byte[] fixed = encode(px, 6, f, codec);
            List<Integer> types = rowFilters(fixed, 257 * 3, 64);
            int firstRow = f == 2 ? 0 : f == 4 ? 1 : f; // no row above: Up is None there, Paeth is Sub
            assertEquals(firstRow, types.get(0));
            assertEquals(new TreeSet<>(List.of(f)), new TreeSet<>(types.subList(1, 64)));
            assertTrue(adaptive.length < fixed.length, "adaptive " + adaptive.length + " vs filter " + f + ": " + fixed.length);
        }
    }

    @Test
    void layoutChunksAndHeader() throws Exception {
        for (PngCodec codec : codecs()) layoutChunksAndHeader(codec);
    }

    private static void layoutChunksAndHeader(PngCodec codec) throws Exception {
        Pixels px = pixels(300, 9, 2, 16, 3);
        List<Map.Entry<String, byte[]>> c = chunks(encode(px, 9, -1, codec));
        assertEquals("IHDR", c.get(0).getKey());
        byte[] ihdr = c.get(0).getValue();
        assertArrayEquals(new byte[] {0, 0, 1, 44, 0, 0, 0, 9, 16, 4, 0, 0, 0}, ihdr, "300x9, 16-bit gray+alpha");
        assertEquals("IEND", c.get(c.size() - 1).getKey());
        assertEquals(0, c.get(c.size() - 1).getValue().length);
        for (int i = 1; i < c.size() - 1; i++) assertEquals("IDAT", c.get(i).getKey());
        // a stream longer than one IDAT chunk (128 KiB) is split over several, and they inflate back as one
        Pixels noise = pixels(400, 300, 4, 8, 9); // every 4th row noise: about 120 KB compressed at level 0
        for (int level : new int[] {0, 6}) {
            byte[] png = encode(noise, level, 0, codec);
            long idats = chunks(png).stream().filter(e -> e.getKey().equals("IDAT")).count();
            assertTrue(level > 0 || idats >= 4, codec + " level 0: " + idats + " IDAT chunks");
            assertEquals(new TreeSet<>(List.of(0)), new TreeSet<>(rowFilters(png, 1600, 300)), codec + " level " + level);
            assertSamplesEqual(noise, ImageIO.read(new ByteArrayInputStream(png)), codec + " level " + level);
        }
    }

    @Test
    void compressionLevelTradesSizeAndStoredIsRaw() throws IOException {
        Pixels px = pixels(200, 40, 3, 8, 11);
        for (PngCodec codec : codecs()) {
            int stored = encode(px, 0, 0, codec).length, fast = encode(px, 1, -1, codec).length;
            int best = encode(px, 9, -1, codec).length;
            assertTrue(stored > 200 * 40 * 3, codec + " level 0 stores: " + stored);
            assertTrue(best <= fast && fast < stored, codec + ": " + best + " <= " + fast + " < " + stored);
        }
        assertThrows(IllegalArgumentException.class, () -> new PngEncoder(10));
        assertThrows(IllegalArgumentException.class, () -> new PngEncoder(-1));
    }

    /** A profile that is not sRGB, so the reader must carry the file's own bytes. */
    static byte[] rgbProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    }

    static byte[] grayProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData();
    }

    /** The profile ImageIO's PNG reader found in the iCCP chunk (its metadata holds it zlib-compressed), or null. */
    static byte[] imageIoProfile(byte[] png) throws Exception {
        javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        try {
            reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            NodeList nodes = root.getElementsByTagName("iCCP");
            if (nodes.getLength() == 0) return null;
            IIOMetadataNode iccp = (IIOMetadataNode) nodes.item(0);
            assertEquals("deflate", iccp.getAttribute("compressionMethod"));
            assertEquals("ICC Profile", iccp.getAttribute("profileName"));
            Inflater inf = new Inflater();
            inf.setInput((byte[]) iccp.getUserObject());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new AssertionError("truncated profile");
                out.write(buf, 0, n);
            }
            inf.end();
            return out.toByteArray();
        } finally {
            reader.dispose();
        }
    }

    @Test
    void iccProfileRoundTripsThroughImageIo() throws Exception {
        for (int bits : new int[] {8, 16}) {
            for (int ch = 1; ch <= 4; ch++) {
                Pixels plain = pixels(13, 5, ch, bits, ch);
                byte[] icc = ch <= 2 ? grayProfile() : rgbProfile();
                Pixels px = new Pixels(13, 5, ch, bits, plain.samples(), icc);
                byte[] png = encode(px, 6, -1, codecs().get(codecs().size() - 1));
                assertEquals("iCCP", chunks(png).get(1).getKey(), "iCCP right after IHDR");
                assertSamplesEqual(px, ImageIO.read(new ByteArrayInputStream(png)), px.toString());
                assertArrayEquals(icc, imageIoProfile(png), px + ": profile bytes");
            }
        }
        assertEquals(null, imageIoProfile(encode(pixels(3, 2, 3, 8, 1), 6, -1, PngCodec.ZLIB)),
                "no profile given, none written");
    }

    @Test
    void mismatchedProfileIsLeftOut() throws Exception {
        Pixels gray = pixels(5, 3, 1, 8, 1);
        Pixels withRgb = new Pixels(5, 3, 1, 8, gray.samples(), rgbProfile());
        assertTrue(chunks(encode(withRgb, 6, -1, PngCodec.ZLIB)).stream().noneMatch(e -> e.getKey().equals("iCCP")),
                "an RGB profile on a gray image would make the file invalid");
        Pixels junk = new Pixels(5, 3, 1, 8, gray.samples(), new byte[] {1, 2, 3});
        assertSamplesEqual(junk, ImageIO.read(new ByteArrayInputStream(encode(junk, 6, -1, PngCodec.ZLIB))),
                "junk profile");
    }

    @Test
    void encoderIsReusableAcrossShapesAndDeterministic() throws IOException {
        Pixels[] images = {pixels(300, 9, 4, 16, 1), pixels(1, 1, 1, 8, 2), pixels(13, 5, 3, 8, 3), pixels(300, 9, 4, 16, 1)};
        for (PngCodec codec : codecs()) {
            List<byte[]> files = new ArrayList<>();
            try (PngEncoder e = new PngEncoder(PngEncoder.DEFAULT_COMPRESSION, codec)) {
                assertEquals(codec, e.codec());
                for (Pixels px : images) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    e.encode(px, out);
                    files.add(out.toByteArray());
                    assertSamplesEqual(px, ImageIO.read(new ByteArrayInputStream(out.toByteArray())), "reused " + px);
                }
            }
            // the same image again, after others, and with a fresh encoder: the same bytes (batches with any -j agree)
            assertArrayEquals(files.get(0), files.get(3), codec + ": reused encoder");
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(files.get(i), encode(images[i], PngEncoder.DEFAULT_COMPRESSION, -1, codec),
                        codec + ": fresh encoder, image " + i);
            }
        }
    }

    @Test
    void imageWriterWritesPngWithThisEncoderAtTheChosenLevel() throws Exception {
        Pixels px = new Pixels(200, 40, 3, 8, pixels(200, 40, 3, 8, 21).samples(), rgbProfile());
        Path fast = dir.resolve("fast.png"), small = dir.resolve("small.png");
        ImageWriter.write(px, fast, ImageFormat.PNG, WriteOptions.defaults().withPngCompression(1));
        ImageWriter.write(px, small, ImageFormat.PNG, WriteOptions.defaults().withPngCompression(9)
                .withPngCodec(PngCodec.ZLIB));
        byte[] a = Files.readAllBytes(fast), b = Files.readAllBytes(small);
        // the default codec is AUTO: libdeflate when loaded
        PngCodec auto = NativeDeflate.available() ? PngCodec.LIBDEFLATE : PngCodec.ZLIB;
        assertEquals(PngCodec.AUTO, WriteOptions.defaults().pngCodec());
        assertArrayEquals(encode(px, 1, -1, auto), a, "level 1: exactly this encoder's bytes");
        assertArrayEquals(encode(px, 9, -1, PngCodec.ZLIB), b, "level 9, zlib as asked");
        assertTrue(b.length < a.length, b.length + " < " + a.length);
        assertArrayEquals(rgbProfile(), imageIoProfile(a), "the profile travels");
        assertSamplesEqual(px, ImageIO.read(small.toFile()), "level 9 file");
        assertEquals(PngEncoder.DEFAULT_COMPRESSION, WriteOptions.defaults().pngCompression());
        assertThrows(IllegalArgumentException.class, () -> WriteOptions.defaults().withPngCompression(10));
    }

    // ---- Pillow: an independent decoder (C, libpng-free) and an independent CRC check

    static boolean pillowAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import PIL").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void pillowDecodesEverySampleAndEveryCrcIsRight() throws Exception {
        assumeTrue(pillowAvailable(), "python3 with Pillow is not installed: checked with ImageIO only");
        Path script = dir.resolve("pillow_decode.py");
        try (InputStream in = PngEncoderTest.class.getResourceAsStream("pillow_decode.py")) {
            Files.write(script, in.readAllBytes());
        }
        Map<String, Pixels> written = new HashMap<>();
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        int n = 0;
        for (PngCodec codec : codecs()) for (int bits : new int[] {8, 16}) {
            for (int ch = 1; ch <= 4; ch++) {
                for (int[] size : SIZES) {
                    for (int filter : new int[] {-1, 4}) {
                        Pixels px = pixels(size[0], size[1], ch, bits, n);
                        if (n % 5 == 0) px = new Pixels(px.width(), px.height(), ch, bits, px.samples(),
                                ch <= 2 ? grayProfile() : rgbProfile());
                        Path f = dir.resolve("p" + n++ + ".png");
                        Files.write(f, encode(px, filter == -1 ? 6 : n % 10, filter, codec));
                        written.put(f.toString(), px);
                        command.add(f.toString());
                    }
                }
            }
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "Pillow timed out");
        assertEquals(0, p.exitValue(), "Pillow failed:\n" + out);
        String[] lines = out.strip().split("\n");
        assertEquals(written.size(), lines.length, out);
        int exact = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            Pixels px = written.get(f[0]);
            String mode = f[1];
            assertEquals(px.width(), Integer.parseInt(f[2]), line);
            assertEquals(px.height(), Integer.parseInt(f[3]), line);
            assertEquals("True", f[5], "a chunk CRC is wrong: " + line);
            if (px.iccProfile() != null) {
                assertArrayEquals(px.iccProfile(), Files.readAllBytes(Path.of(f[0] + ".icc")), line);
            } else {
                assertEquals("0", f[4], line);
            }
            byte[] raw = Files.readAllBytes(Path.of(f[0] + ".raw"));
            exact += compareWithPillow(px, mode, raw, line) ? 1 : 0;
        }
        assertTrue(exact >= written.size() * 5 / 8, "exact comparisons: " + exact);
    }

    /**
     * Pillow keeps 8-bit modes and 16-bit gray exactly (I;16, little-endian); it reduces 16-bit gray+alpha and colour
     * to 8 bits by keeping the high byte, which is then what is compared. Returns whether the comparison was exact.
     */
    static boolean compareWithPillow(Pixels px, String mode, byte[] raw, String what) {
        int ch = px.channels();
        boolean sixteen = px.bitDepth() == 16;
        String expectMode = switch (ch) {
            case 1 -> sixteen ? "I;16" : "L";
            case 2 -> sixteen ? "RGBA" : "LA"; // Pillow opens 16-bit gray+alpha as 8-bit RGBA
            case 3 -> "RGB";
            default -> "RGBA";
        };
        assertEquals(expectMode, mode, what);
        int bytesPer = mode.equals("I;16") ? 2 : 1;
        int[] source = mode.equals("RGBA") && ch == 2 ? new int[] {0, 0, 0, 1} : null; // Pillow channel -> ours
        int pillowChannels = source != null ? 4 : ch;
        assertEquals(px.pixels() * pillowChannels * bytesPer, raw.length, what);
        boolean exact = bytesPer == 2 || !sixteen;
        int i = 0;
        for (int y = 0; y < px.height(); y++) {
            for (int x = 0; x < px.width(); x++) {
                for (int k = 0; k < pillowChannels; k++) {
                    int c = source != null ? source[k] : k;
                    int got = bytesPer == 2 ? (raw[i] & 0xFF) | (raw[i + 1] & 0xFF) << 8 : raw[i] & 0xFF;
                    int want = exact ? px.sample(x, y, c) : px.sample(x, y, c) >>> 8;
                    if (got != want) {
                        throw new AssertionError(what + ": Pillow read (" + x + "," + y + "," + c + ") as " + got
                                + ", wrote " + want);
                    }
                    i += bytesPer;
                }
            }
        }
        return exact;
    }
}
