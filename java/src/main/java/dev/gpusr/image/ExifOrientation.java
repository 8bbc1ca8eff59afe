package dev.gpusr.image;

import java.nio.file.Path;

/**
 * Turns a decoded image upright as its EXIF orientation says (phone photos are stored sideways and tagged). The
 * result is what a viewer displays; gpu-sr never writes the tag back, so outputs are upright and untagged.
 *
 * <p>Orientation values (TIFF/EXIF tag 274), stored -> displayed: 1 as is, 2 mirrored left-right, 3 turned 180, 4
 * mirrored top-bottom, 5 transposed (mirrored across the main diagonal), 6 turned 90 clockwise, 7 transversed
 * (mirrored across the other diagonal), 8 turned 90 counter-clockwise. 5 to 8 swap width and height. Samples are
 * moved exactly (no resampling).
 */
public final class ExifOrientation {
    private ExifOrientation() {}

    /** The file's orientation applied to its decoded samples (the reader's hook: one call after decoding). */
    public static Pixels apply(Path file, Pixels pixels) {
        return apply(pixels, FileMetadata.read(file).orientation());
    }

    /** As {@link #apply(Path, Pixels)} for the float planes of {@link ImageReader#read}. */
    public static Image apply(Path file, Image image) {
        return apply(image, FileMetadata.read(file).orientation());
    }

    /** Whether the orientation swaps width and height (5 to 8). */
    public static boolean swapsSides(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /** The upright samples; {@code pixels} itself for orientation 1 or a value outside 1..8. ICC profile kept. */
    public static Pixels apply(Pixels pixels, int orientation) {
        if (orientation < 2 || orientation > 8) return pixels;
        int w = pixels.width(), h = pixels.height();
        boolean swap = swapsSides(orientation);
        int ow = swap ? h : w, oh = swap ? w : h;
        int bpp = pixels.channels() * pixels.bytesPerSample();
        byte[] src = pixels.samples();
        byte[] out = new byte[src.length];
        int[] s = new int[2];
        for (int y = 0; y < oh; y++) {
            int o = y * ow * bpp;
            for (int x = 0; x < ow; x++, o += bpp) {
                source(orientation, w, h, x, y, s);
                int i = (s[1] * w + s[0]) * bpp;
                for (int b = 0; b < bpp; b++) out[o + b] = src[i + b];
            }
        }
        return new Pixels(ow, oh, pixels.channels(), pixels.bitDepth(), out, pixels.iccProfile());
    }

    /** As {@link #apply(Pixels, int)} for float planes (and alpha). */
    public static Image apply(Image image, int orientation) {
        if (orientation < 2 || orientation > 8) return image;
        int w = image.width(), h = image.height();
        boolean swap = swapsSides(orientation);
        int ow = swap ? h : w, oh = swap ? w : h;
        float[][] planes = new float[image.planes().length][];
        for (int c = 0; c < planes.length; c++) planes[c] = move(image.planes()[c], orientation, w, h, ow, oh);
        float[] alpha = image.alpha() == null ? null : move(image.alpha(), orientation, w, h, ow, oh);
        return new Image(ow, oh, planes, alpha, image.bitDepth());
    }

    private static float[] move(float[] plane, int orientation, int w, int h, int ow, int oh) {
        float[] out = new float[plane.length];
        int[] s = new int[2];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                source(orientation, w, h, x, y, s);
                out[y * ow + x] = plane[s[1] * w + s[0]];
            }
        }
        return out;
    }

    /** The stored pixel (s[0], s[1]) shown at displayed (x, y), for a stored image of w x h. */
    static void source(int orientation, int w, int h, int x, int y, int[] s) {
        switch (orientation) {
            case 2 -> { s[0] = w - 1 - x; s[1] = y; }
            case 3 -> { s[0] = w - 1 - x; s[1] = h - 1 - y; }
            case 4 -> { s[0] = x; s[1] = h - 1 - y; }
            case 5 -> { s[0] = y; s[1] = x; }
            case 6 -> { s[0] = y; s[1] = h - 1 - x; }
            case 7 -> { s[0] = w - 1 - y; s[1] = h - 1 - x; }
            case 8 -> { s[0] = w - 1 - y; s[1] = x; }
            default -> { s[0] = x; s[1] = y; }
        }
    }
}
