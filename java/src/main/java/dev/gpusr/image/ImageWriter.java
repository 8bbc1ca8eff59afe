package dev.gpusr.image;

import java.nio.file.Path;

/**
 * Writes PNG, JPEG (quality 1-100), BMP and TIFF. Values are clamped to [0, 1] and rounded to the image's bit depth
 * (16-bit only where the format holds it: PNG, TIFF); alpha is kept where the format holds it. The file appears
 * under its final name only when complete (temporary file + rename).
 */
public final class ImageWriter {
    private ImageWriter() {}

    public static void write(Image image, Path file, ImageFormat format, int jpegQuality) throws ImageException {
        throw new UnsupportedOperationException("not yet");
    }
}
