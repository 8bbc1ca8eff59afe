package dev.gpusr.image;

/**
 * How {@link ImageWriter} encodes: JPEG quality 1-100 (other formats ignore it), and whether an existing file may be
 * replaced (false: the write fails if the file exists, even if it appeared while encoding). Formats' further settings
 * join here as fields with defaults.
 */
public record WriteOptions(int jpegQuality, boolean replaceExisting) {
    public static final int DEFAULT_JPEG_QUALITY = 95;

    public WriteOptions {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + jpegQuality);
        }
    }

    /** Quality as given, replacing existing files. */
    public WriteOptions(int jpegQuality) {
        this(jpegQuality, true);
    }

    public static WriteOptions defaults() {
        return new WriteOptions(DEFAULT_JPEG_QUALITY, true);
    }

    public WriteOptions withJpegQuality(int quality) {
        return new WriteOptions(quality, replaceExisting);
    }

    public WriteOptions withReplaceExisting(boolean replace) {
        return new WriteOptions(jpegQuality, replace);
    }
}
