package dev.gpusr.image;

/**
 * How {@link ImageWriter} encodes: JPEG quality 1-100, PNG compression 0-9 (zlib-scale level; other formats ignore
 * each) and the PNG codec that compresses at that level, and whether an existing file may be replaced (false: the
 * write fails if the file exists, even if it appeared while encoding). Formats' further settings join here as fields
 * with defaults.
 */
public record WriteOptions(int jpegQuality, boolean replaceExisting, int pngCompression, PngCodec pngCodec) {
    public static final int DEFAULT_JPEG_QUALITY = 95;
    /** Pillow's and libpng's default zlib level; see {@link PngEncoder}. */
    public static final int DEFAULT_PNG_COMPRESSION = PngEncoder.DEFAULT_COMPRESSION;

    public WriteOptions {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + jpegQuality);
        }
        if (pngCompression < 0 || pngCompression > 9) {
            throw new IllegalArgumentException("PNG compression must be 0 to 9, got " + pngCompression);
        }
        if (pngCodec == null) throw new IllegalArgumentException("PNG codec must not be null (AUTO, LIBDEFLATE, ZLIB)");
    }

    /** As given, with {@link PngCodec#AUTO}. */
    public WriteOptions(int jpegQuality, boolean replaceExisting, int pngCompression) {
        this(jpegQuality, replaceExisting, pngCompression, PngCodec.AUTO);
    }

    /** Quality and replacement as given, the default PNG compression. */
    public WriteOptions(int jpegQuality, boolean replaceExisting) {
        this(jpegQuality, replaceExisting, DEFAULT_PNG_COMPRESSION);
    }

    /** Quality as given, replacing existing files. */
    public WriteOptions(int jpegQuality) {
        this(jpegQuality, true);
    }

    public static WriteOptions defaults() {
        return new WriteOptions(DEFAULT_JPEG_QUALITY, true);
    }

    public WriteOptions withJpegQuality(int quality) {
        return new WriteOptions(quality, replaceExisting, pngCompression, pngCodec);
    }

    public WriteOptions withReplaceExisting(boolean replace) {
        return new WriteOptions(jpegQuality, replace, pngCompression, pngCodec);
    }

    public WriteOptions withPngCompression(int level) {
        return new WriteOptions(jpegQuality, replaceExisting, level, pngCodec);
    }

    public WriteOptions withPngCodec(PngCodec codec) {
        return new WriteOptions(jpegQuality, replaceExisting, pngCompression, codec);
    }
}
