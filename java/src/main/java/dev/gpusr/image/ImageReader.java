package dev.gpusr.image;

import java.nio.file.Path;

/**
 * Reads PNG (1/8/16-bit, gray, gray+alpha, RGB, RGBA, palette), JPEG (incl. grayscale), BMP, TIFF and GIF (first
 * frame). Dimensions are checked from the header before decoding, so a huge image is refused without allocating it.
 */
public final class ImageReader {
    /** Default --max-pixels: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    private ImageReader() {}

    /** Image dimensions read from the header only. */
    public record Dimensions(int width, int height, String format) {}

    public static Dimensions probe(Path file) throws ImageException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Decodes an image; refuses (ImageException) when width*height exceeds maxPixels, from the header alone. */
    public static Image read(Path file, long maxPixels) throws ImageException {
        throw new UnsupportedOperationException("not yet");
    }

    /** True when the file name has an extension gpu-sr reads (png, jpg, jpeg, bmp, tif, tiff, gif). */
    public static boolean hasImageExtension(Path file) {
        throw new UnsupportedOperationException("not yet");
    }
}
