package dev.gpusr.image;

/**
 * How {@link ImageWriter} encodes: JPEG quality 1-100 (other formats ignore it). Formats' further settings join here
 * as fields with defaults.
 */
public record WriteOptions(int jpegQuality) {
    public static final int DEFAULT_JPEG_QUALITY = 95;

    public WriteOptions {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + jpegQuality);
        }
    }

    public static WriteOptions defaults() {
        return new WriteOptions(DEFAULT_JPEG_QUALITY);
    }

    public WriteOptions withJpegQuality(int quality) {
        return new WriteOptions(quality);
    }
}
