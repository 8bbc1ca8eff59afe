package dev.gpusr.image;

/**
 * MATLAB rgb2ycbcr / ycbcr2rgb (BT.601 studio range), on planes in [0, 1]:
 * Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 with R, G, B in [0, 1], etc. No rounding here.
 */
public final class ColorConversion {
    private ColorConversion() {}

    /** {Y, Cb, Cr} planes from {R, G, B} planes, all in [0, 1]. */
    public static float[][] rgbToYcbcr(float[][] rgb) {
        throw new UnsupportedOperationException("not yet");
    }

    /** {R, G, B} planes from {Y, Cb, Cr} planes (not clamped). */
    public static float[][] ycbcrToRgb(float[][] ycbcr) {
        throw new UnsupportedOperationException("not yet");
    }
}
