package dev.gpusr.image;

/**
 * MATLAB rgb2ycbcr / ycbcr2rgb (BT.601 studio range), on planes in [0, 1]:
 * Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 with R, G, B in [0, 1], etc. No rounding here.
 *
 * <p>The inverse is the exact matrix inverse of the forward matrix (computed in double), not MATLAB's rounded
 * 1.164384 ... coefficients, so that a round trip returns the input up to float rounding.
 */
public final class ColorConversion {
    private ColorConversion() {}

    /** MATLAB's forward matrix T, in 8-bit units: [Y, Cb, Cr] = OFFSET + T [R, G, B] / 255. */
    private static final double[][] T = {
        {65.481, 128.553, 24.966},
        {-37.797, -74.203, 112.0},
        {112.0, -93.786, -18.214},
    };

    /** [16, 128, 128] / 255: the studio-range offsets on the [0, 1] scale. */
    private static final double[] OFFSET = {16.0 / 255.0, 128.0 / 255.0, 128.0 / 255.0};

    /** T / 255: maps [0, 1] RGB to [0, 1] YCbCr (before the offset). */
    private static final double[][] FORWARD = scaled(T, 1.0 / 255.0);

    /** Inverse of FORWARD; equals 255 inv(T), whose entries SPEC rounds to 1.164384, 1.596027, ... */
    private static final double[][] INVERSE = invert3x3(FORWARD);

    /** {Y, Cb, Cr} planes from {R, G, B} planes, all in [0, 1]. */
    public static float[][] rgbToYcbcr(float[][] rgb) {
        int n = checkThreePlanes(rgb, "rgbToYcbcr");
        float[][] out = new float[3][n];
        for (int i = 0; i < n; i++) {
            double r = rgb[0][i], g = rgb[1][i], b = rgb[2][i];
            for (int c = 0; c < 3; c++) {
                out[c][i] = (float) (OFFSET[c] + FORWARD[c][0] * r + FORWARD[c][1] * g + FORWARD[c][2] * b);
            }
        }
        return out;
    }

    /** {R, G, B} planes from {Y, Cb, Cr} planes (not clamped). */
    public static float[][] ycbcrToRgb(float[][] ycbcr) {
        int n = checkThreePlanes(ycbcr, "ycbcrToRgb");
        float[][] out = new float[3][n];
        for (int i = 0; i < n; i++) {
            double y = ycbcr[0][i] - OFFSET[0], cb = ycbcr[1][i] - OFFSET[1], cr = ycbcr[2][i] - OFFSET[2];
            for (int c = 0; c < 3; c++) {
                out[c][i] = (float) (INVERSE[c][0] * y + INVERSE[c][1] * cb + INVERSE[c][2] * cr);
            }
        }
        return out;
    }

    /** The Y plane of rgbToYcbcr alone (what Y-channel SRCNN works on). */
    public static float[] luma(float[][] rgb) {
        int n = checkThreePlanes(rgb, "luma");
        float[] y = new float[n];
        double[] f = FORWARD[0];
        for (int i = 0; i < n; i++) {
            y[i] = (float) (OFFSET[0] + f[0] * rgb[0][i] + f[1] * rgb[1][i] + f[2] * rgb[2][i]);
        }
        return y;
    }

    /** One pixel in double: {Y, Cb, Cr} in [0, 1] from R, G, B in [0, 1]. */
    public static double[] rgbToYcbcr(double r, double g, double b) {
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) out[c] = OFFSET[c] + FORWARD[c][0] * r + FORWARD[c][1] * g + FORWARD[c][2] * b;
        return out;
    }

    /** One pixel in double: {R, G, B} (not clamped) from Y, Cb, Cr in [0, 1]. */
    public static double[] ycbcrToRgb(double y, double cb, double cr) {
        double dy = y - OFFSET[0], dcb = cb - OFFSET[1], dcr = cr - OFFSET[2];
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) out[c] = INVERSE[c][0] * dy + INVERSE[c][1] * dcb + INVERSE[c][2] * dcr;
        return out;
    }

    /**
     * The 3x3 matrix ycbcrToRgb applies to (Y, Cb, Cr) minus the offsets; the same numbers as MATLAB's 8-bit
     * formula (R = 1.164384 (Y - 16) + 1.596027 (Cr - 128), ...). A copy.
     */
    public static double[][] ycbcrToRgbMatrix() {
        return scaled(INVERSE, 1.0);
    }

    /** An RGB image's Y, Cb, Cr as a three-plane Image (same size, alpha and bit depth). */
    public static Image toYcbcr(Image rgb) {
        requireRgb(rgb);
        return new Image(rgb.width(), rgb.height(), rgbToYcbcr(rgb.planes()), rgb.alpha(), rgb.bitDepth());
    }

    /** The inverse of {@link #toYcbcr}: an Image whose three planes hold Y, Cb, Cr back to RGB (not clamped). */
    public static Image fromYcbcr(Image ycbcr) {
        requireRgb(ycbcr);
        return new Image(ycbcr.width(), ycbcr.height(), ycbcrToRgb(ycbcr.planes()), ycbcr.alpha(), ycbcr.bitDepth());
    }

    private static void requireRgb(Image image) {
        if (image.isGray()) throw new IllegalArgumentException("colour conversion needs 3 planes, the image is gray");
    }

    private static int checkThreePlanes(float[][] planes, String what) {
        if (planes == null || planes.length != 3) {
            throw new IllegalArgumentException(what + " needs 3 planes, got " + (planes == null ? 0 : planes.length));
        }
        int n = planes[0].length;
        if (planes[1].length != n || planes[2].length != n) {
            throw new IllegalArgumentException(what + ": planes differ in length (" + n + ", " + planes[1].length
                    + ", " + planes[2].length + ")");
        }
        return n;
    }

    private static double[][] scaled(double[][] m, double s) {
        double[][] out = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) out[i][j] = m[i][j] * s;
        return out;
    }

    /** Inverse by the adjugate; the matrix here is well conditioned, so this is accurate to a few ulps. */
    private static double[][] invert3x3(double[][] m) {
        double a = m[0][0], b = m[0][1], c = m[0][2];
        double d = m[1][0], e = m[1][1], f = m[1][2];
        double g = m[2][0], h = m[2][1], k = m[2][2];
        double co00 = e * k - f * h, co01 = -(d * k - f * g), co02 = d * h - e * g;
        double det = a * co00 + b * co01 + c * co02;
        return new double[][] {
            {co00 / det, -(b * k - c * h) / det, (b * f - c * e) / det},
            {co01 / det, (a * k - c * g) / det, -(a * f - c * d) / det},
            {co02 / det, -(a * h - b * g) / det, (a * e - b * d) / det},
        };
    }
}
