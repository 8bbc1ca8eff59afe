package dev.gpusr.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG (1/2/4/8/16-bit, gray, gray+alpha, RGB, RGBA, palette), JPEG (incl. grayscale), BMP, TIFF and GIF
 * (first frame). The format is told by the file's first bytes, never by its name. Dimensions are checked from the
 * header before decoding, so a huge image is refused without allocating it.
 *
 * <p>Samples are taken from the decoded Raster as stored (no colour management, no gamma), so 8-bit values become
 * exactly v / 255 and 16-bit values v / 65535. A palette whose entries are all gray gives a gray image.
 */
public final class ImageReader {
    /** Default --max-pixels: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /** A BufferedImage and the float planes are indexed by int. */
    private static final long MAX_DECODABLE_PIXELS = Integer.MAX_VALUE - 8;

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "gif");

    private ImageReader() {}

    /** Image dimensions read from the header only; format is PNG, JPEG, BMP, TIFF or GIF. */
    public record Dimensions(int width, int height, String format) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The formats read, each recognised by its signature. */
    private enum SourceFormat {
        PNG("PNG", "png"),
        JPEG("JPEG", "jpeg"),
        BMP("BMP", "bmp"),
        TIFF("TIFF", "tiff"),
        GIF("GIF", "gif");

        final String displayName;
        final String imageIoName;

        SourceFormat(String displayName, String imageIoName) {
            this.displayName = displayName;
            this.imageIoName = imageIoName;
        }

        static SourceFormat sniff(byte[] h, int n) {
            if (starts(h, n, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return PNG;
            if (starts(h, n, 0xFF, 0xD8, 0xFF)) return JPEG;
            if (starts(h, n, 'G', 'I', 'F', '8') && n >= 6 && (h[4] == '7' || h[4] == '9') && h[5] == 'a') return GIF;
            if (starts(h, n, 'I', 'I', 42, 0) || starts(h, n, 'M', 'M', 0, 42)) return TIFF;
            if (starts(h, n, 'B', 'M')) return BMP;
            return null;
        }

        private static boolean starts(byte[] h, int n, int... sig) {
            if (n < sig.length) return false;
            for (int i = 0; i < sig.length; i++) if ((h[i] & 0xFF) != sig[i]) return false;
            return true;
        }
    }

    public static Dimensions probe(Path file) throws ImageException {
        try (Opened opened = open(file)) {
            return new Dimensions(opened.width, opened.height, opened.format.displayName);
        }
    }

    /** {@link #read(Path, long)} with {@link #DEFAULT_MAX_PIXELS}. */
    public static Image read(Path file) throws ImageException {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /** Decodes an image; refuses (ImageException) when width*height exceeds maxPixels, from the header alone. */
    public static Image read(Path file, long maxPixels) throws ImageException {
        return ExifOrientation.apply(file, toImage(decode(file, maxPixels, null))); // upright, as viewers show it
    }

    /**
     * Decodes an image to its raw samples (no float planes), with the same sample semantics as {@link #read}: 8- and
     * 16-bit samples as stored; 1 to 15-bit samples become the 8- or 16-bit level {@code read}'s v / max quantises
     * to (for 1, 2 and 4 bits exactly v * 255 / max); a palette becomes gray or RGB (plus alpha) as in {@code read}.
     */
    public static Pixels readPixels(Path file, long maxPixels) throws ImageException {
        return withMetadata(file, RasterSamples.toPixels(decode(file, maxPixels, null)));
    }

    /** The file's EXIF orientation applied (upright, as viewers show it) and its RGB/gray ICC profile attached. */
    private static Pixels withMetadata(Path file, Pixels p) {
        FileMetadata meta = FileMetadata.read(file);
        if (meta.iccProfile() != null && p.iccProfile() == null) {
            p = new Pixels(p.width(), p.height(), p.channels(), p.bitDepth(), p.samples(), meta.iccProfile());
        }
        return ExifOrientation.apply(p, meta.orientation());
    }

    /** Decides, from the header alone, whether (or when) an image may be decoded. */
    @FunctionalInterface
    public interface HeaderGate {
        /** Returns to go on (it may wait first, e.g. for memory); throws to refuse. */
        void admit(Dimensions dimensions) throws IOException;
    }

    /**
     * {@link #readPixels(Path, long)} that calls {@code gate} with the header's dimensions before decoding (after the
     * --max-pixels check): a batch waits there for memory. An IOException from the gate passes through unchanged.
     */
    public static Pixels readPixels(Path file, long maxPixels, HeaderGate gate) throws IOException {
        try {
            return withMetadata(file, RasterSamples.toPixels(decode(file, maxPixels, gate)));
        } catch (GateException e) {
            throw e.refusal;
        }
    }

    /** Carries the gate's own exception through the ImageException-only decode path. */
    private static final class GateException extends ImageException {
        final IOException refusal;

        GateException(IOException refusal) {
            super(refusal.getMessage(), refusal);
            this.refusal = refusal;
        }
    }

    private static BufferedImage decode(Path file, long maxPixels, HeaderGate gate) throws ImageException {
        if (maxPixels <= 0) throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        try (Opened opened = open(file)) {
            long pixels = (long) opened.width * opened.height;
            if (pixels > maxPixels) {
                throw new ImageException("image is " + opened.width + "x" + opened.height + " = " + amount(pixels)
                        + ", above --max-pixels " + amount(maxPixels));
            }
            if (pixels > MAX_DECODABLE_PIXELS) {
                throw new ImageException("image is " + opened.width + "x" + opened.height + " = " + amount(pixels)
                        + ", more than the 2^31 pixels a single image can hold");
            }
            if (gate != null) {
                try {
                    gate.admit(new Dimensions(opened.width, opened.height, opened.format.displayName));
                } catch (IOException e) {
                    throw new GateException(e);
                }
            }
            return opened.decode();
        }
    }

    /** True when the file name has an extension gpu-sr reads (png, jpg, jpeg, bmp, tif, tiff, gif). */
    public static boolean hasImageExtension(Path file) {
        Path name = file.getFileName();
        if (name == null) return false;
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** A decoded image's raw samples, with the same semantics as {@link #readPixels}. */
    public static Pixels toPixels(BufferedImage image) throws ImageException {
        return RasterSamples.toPixels(image);
    }

    /**
     * Converts a decoded image to planes in [0, 1], reading samples from its Raster. Gray (with or without alpha)
     * stays one plane; 16-bit samples give bitDepth 16.
     */
    public static Image toImage(BufferedImage image) throws ImageException {
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel icm) return fromPalette(image.getRaster(), icm);
        int maxBits = checkComponents(image);
        int colours = cm.getNumColorComponents();
        int[] bits = cm.getComponentSize();
        Raster raster = image.getRaster();
        int w = image.getWidth(), h = image.getHeight();
        float[][] planes = new float[colours][];
        for (int c = 0; c < colours; c++) planes[c] = band(raster, c, bits[c], w, h);
        float[] alpha = cm.hasAlpha() ? band(raster, colours, bits[colours], w, h) : null;
        return new Image(w, h, planes, alpha, maxBits > 8 ? 16 : 8);
    }

    /**
     * Refuses what gpu-sr does not read (not gray or RGB, not 1-16-bit integers), un-premultiplies alpha; returns the
     * widest component's bits.
     */
    static int checkComponents(BufferedImage image) throws ImageException {
        ColorModel cm = image.getColorModel();
        if (!(cm instanceof ComponentColorModel) && !(cm instanceof DirectColorModel)) {
            throw new ImageException("unsupported colour model " + cm.getClass().getSimpleName());
        }
        int colours = cm.getNumColorComponents();
        int spaceType = cm.getColorSpace().getType();
        boolean gray = spaceType == ColorSpace.TYPE_GRAY && colours == 1;
        boolean rgb = spaceType == ColorSpace.TYPE_RGB && colours == 3;
        if (!gray && !rgb) {
            throw new ImageException("unsupported colour type " + colourSpaceName(spaceType) + " with " + colours
                    + " channels (gpu-sr reads gray and RGB; convert the image to RGB first)");
        }
        int dataType = image.getRaster().getDataBuffer().getDataType();
        boolean integerSamples = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT
                || (dataType == DataBuffer.TYPE_INT && cm instanceof DirectColorModel);
        int[] bits = cm.getComponentSize();
        int maxBits = 0;
        for (int b : bits) maxBits = Math.max(maxBits, b);
        if (!integerSamples || maxBits > 16) {
            throw new ImageException("unsupported sample type (" + sampleTypeName(dataType, maxBits)
                    + "); gpu-sr reads 1 to 16-bit integer samples");
        }
        if (cm.isAlphaPremultiplied()) image.coerceData(false);
        return maxBits;
    }

    private static float[] band(Raster raster, int band, int bits, int w, int h) {
        // Samples and the maximum are exact in float, so one float division gives the correctly rounded v / max.
        float max = (1 << bits) - 1;
        float[] plane = new float[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, band, row);
            int base = y * w;
            for (int x = 0; x < w; x++) plane[base + x] = row[x] / max;
        }
        return plane;
    }

    private static Image fromPalette(Raster raster, IndexColorModel icm) {
        RasterSamples.Palette p = RasterSamples.Palette.of(icm);
        int[] r = p.r(), g = p.g(), b = p.b(), a = p.a();
        boolean grayPalette = p.gray();
        boolean hasAlpha = p.hasAlpha();
        int w = raster.getWidth(), h = raster.getHeight();
        int colours = grayPalette ? 1 : 3;
        float[][] planes = new float[colours][w * h];
        float[] alpha = hasAlpha ? new float[w * h] : null;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = y * w + x, idx = row[x];
                planes[0][i] = r[idx] / 255f;
                if (!grayPalette) {
                    planes[1][i] = g[idx] / 255f;
                    planes[2][i] = b[idx] / 255f;
                }
                if (alpha != null) alpha[i] = a[idx] / 255f;
            }
        }
        return new Image(w, h, planes, alpha, 8);
    }

    /** An open file whose header has been read: format and dimensions known, pixels not yet decoded. */
    private static final class Opened implements AutoCloseable {
        final SourceFormat format;
        final ImageInputStream input;
        final javax.imageio.ImageReader reader;
        final List<String> warnings = new ArrayList<>();
        int width;
        int height;

        Opened(SourceFormat format, ImageInputStream input, javax.imageio.ImageReader reader) {
            this.format = format;
            this.input = input;
            this.reader = reader;
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        }

        BufferedImage decode() throws ImageException {
            BufferedImage image;
            try {
                image = reader.read(0, format == SourceFormat.JPEG ? JpegProfiles.withoutConversion(reader) : null);
            } catch (IOException | RuntimeException e) {
                if (format != SourceFormat.JPEG || !reason(e).contains("Unsupported Image Type")) throw decodeFailure(e);
                image = JpegProfiles.readCmykAsRgb(input, warnings); // YCCK: the JDK refuses it
            }
            if (format == SourceFormat.JPEG && image.getColorModel().getNumColorComponents() == 4) {
                warnings.clear(); // CMYK: the JDK gives raw (often inverted Adobe) CMYK; decode again, to RGB
                image = JpegProfiles.readCmykAsRgb(input, warnings);
            }
            // JPEG (and some others) decode a truncated file with a warning and grey-filled rows: refuse it.
            for (String w : warnings) {
                if (isTruncationWarning(w)) {
                    throw new ImageException("truncated " + format.displayName + " file (" + oneLine(w) + ")");
                }
            }
            return image;
        }

        private ImageException decodeFailure(Exception e) {
            String reason = reason(e);
            boolean truncated = hasCause(e, EOFException.class)
                    || warnings.stream().anyMatch(ImageReader::isTruncationWarning);
            return new ImageException((truncated ? "truncated " : "corrupt or truncated ") + format.displayName
                    + " data: " + reason, e);
        }

        @Override
        public void close() {
            reader.dispose();
            try {
                input.close();
            } catch (IOException ignored) {
                // read-only stream; nothing is lost if closing fails
            }
        }
    }

    private static Opened open(Path file) throws ImageException {
        byte[] head = new byte[16];
        int n;
        try {
            if (Files.isDirectory(file)) throw new ImageException("is a folder, not an image file");
            if (Files.size(file) == 0) throw new ImageException("file is empty (0 bytes)");
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            }
        } catch (NoSuchFileException e) {
            throw new ImageException("no such file");
        } catch (AccessDeniedException e) {
            throw new ImageException("permission denied");
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException("cannot read the file: " + reason(e), e);
        }
        SourceFormat format = SourceFormat.sniff(head, n);
        if (format == null) {
            throw new ImageException("not a PNG, JPEG, BMP, TIFF or GIF image (" + describeContent(head, n) + ")");
        }
        Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        if (!readers.hasNext()) throw new ImageException("this Java runtime has no " + format.displayName + " decoder");
        // JPEG: the JDK's reader, always (TwelveMonkeys registers itself first; it only takes CMYK/YCCK, see decode).
        javax.imageio.ImageReader reader = format == SourceFormat.JPEG ? JpegProfiles.jdkReader(readers) : readers.next();
        ImageInputStream input;
        try {
            input = new FileImageInputStream(file.toFile());
        } catch (IOException e) {
            reader.dispose();
            throw new ImageException("cannot read the file: " + reason(e), e);
        }
        // Not seek-forward-only: TIFF writers often put the directory after the pixel data. Metadata is not ignored:
        // PNG transparency (tRNS) is read with it.
        reader.setInput(input, false, false);
        Opened opened = new Opened(format, input, reader);
        try {
            opened.width = reader.getWidth(0);
            opened.height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw new ImageException("corrupt or truncated " + format.displayName + " header: " + reason(e), e);
        }
        if (opened.width <= 0 || opened.height <= 0) {
            opened.close();
            throw new ImageException(format.displayName + " header gives an empty size " + opened.width + "x"
                    + opened.height);
        }
        return opened;
    }

    private static boolean isTruncationWarning(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi");
    }

    /** "400.0 MP" for large counts, "3072 pixels" below 0.1 MP where one decimal of MP would read as 0. */
    static String amount(long pixels) {
        if (pixels >= 100_000) return String.format(Locale.ROOT, "%.1f MP", pixels / 1e6);
        return pixels + " pixels";
    }

    private static String describeContent(byte[] head, int n) {
        boolean text = n > 0;
        for (int i = 0; i < n; i++) {
            int c = head[i] & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) text = false;
        }
        if (text) return "the file starts with text";
        StringBuilder hex = new StringBuilder("starts with bytes");
        for (int i = 0; i < Math.min(n, 8); i++) hex.append(String.format(Locale.ROOT, " %02X", head[i] & 0xFF));
        return hex.toString();
    }

    private static String colourSpaceName(int type) {
        return switch (type) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_CMY -> "CMY";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_Lab -> "Lab";
            case ColorSpace.TYPE_GRAY -> "gray";
            case ColorSpace.TYPE_RGB -> "RGB";
            default -> "colour space type " + type;
        };
    }

    private static String sampleTypeName(int dataType, int bits) {
        return switch (dataType) {
            case DataBuffer.TYPE_FLOAT -> "32-bit floating point";
            case DataBuffer.TYPE_DOUBLE -> "64-bit floating point";
            case DataBuffer.TYPE_SHORT -> "signed 16-bit";
            default -> bits + "-bit";
        };
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    /** The messages along a cause chain on one line, e.g. "Error reading PNG image data: unexpected end of file". */
    static String reason(Throwable t) {
        StringBuilder b = new StringBuilder();
        String last = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c instanceof EOFException ? "unexpected end of file"
                    : c.getMessage() != null && !c.getMessage().isBlank() ? oneLine(c.getMessage()) : null;
            if (m == null) {
                if (c.getCause() != null || b.length() > 0) continue;
                m = c.getClass().getSimpleName();
            }
            if (m.equals(last) || (last != null && last.contains(m))) continue;
            if (b.length() > 0) b.append(": ");
            b.append(m);
            last = m;
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
