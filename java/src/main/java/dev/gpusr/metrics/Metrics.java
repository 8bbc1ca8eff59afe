package dev.gpusr.metrics;

import java.util.stream.IntStream;

/**
 * Image quality metrics on planes of 8-bit-scale values (0..255), as SR papers compute them: MSE, PSNR with
 * R = 255, SSIM (Wang et al. 2004: Gaussian 11x11, sigma 1.5, K1 0.01, K2 0.03, L 255, mean over the 'valid' map).
 * {@code shave} pixels are dropped from every border of both images first. All sums are in double.
 */
public final class Metrics {
    /**
     * A PSNR for a table, the same in every command: {@code "inf"} for identical images (infinite PSNR), {@code "n/a"}
     * for NaN (nothing to average), else the value with {@code decimals} decimals in Locale.ROOT.
     */
    public static String psnrText(double db, int decimals) {
        if (Double.isNaN(db)) return "n/a";
        if (Double.isInfinite(db)) return db > 0 ? "inf" : "-inf";
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", db);
    }

    /** A PSNR difference with its sign ("+0.52"), or {@link #psnrText} when either side is not finite. */
    public static String psnrGainText(double from, double to, int decimals) {
        double d = to - from;
        if (!Double.isFinite(from) || !Double.isFinite(to)) return psnrText(Double.isNaN(d) ? Double.NaN : d, decimals);
        return String.format(java.util.Locale.ROOT, "%+." + decimals + "f", d);
    }

    private Metrics() {}

    private static final double PEAK = 255.0;
    private static final int SSIM_WINDOW = 11;
    private static final double SSIM_SIGMA = 1.5;
    private static final double SSIM_C1 = (0.01 * PEAK) * (0.01 * PEAK);
    private static final double SSIM_C2 = (0.03 * PEAK) * (0.03 * PEAK);

    /**
     * The normalised 1-D Gaussian; its outer product with itself is MATLAB's fspecial('gaussian', 11, 1.5) (the 2-D
     * normalisation factors into the two 1-D ones), so SSIM's window is applied as two 1-D passes.
     */
    private static final double[] GAUSSIAN = gaussian(SSIM_WINDOW, SSIM_SIGMA);

    /** SSIM map rows per parallel work item; each item recomputes the 10 rows of window overlap it needs. */
    private static final int SSIM_ROWS_PER_TASK = 64;

    private static double[] gaussian(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0;
        int centre = size / 2;
        for (int i = 0; i < size; i++) {
            g[i] = Math.exp(-((i - centre) * (i - centre)) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) g[i] /= sum;
        return g;
    }

    public static double mse(float[] a, float[] b, int width, int height, int shave) {
        checkPair(a, b, width, height, shave, 1);
        double sum = 0;
        for (int y = shave; y < height - shave; y++) {
            for (int x = shave, i = y * width + shave; x < width - shave; x++, i++) {
                double d = (double) a[i] - b[i];
                sum += d * d;
            }
        }
        return sum / ((double) (width - 2 * shave) * (height - 2 * shave));
    }

    /** 10 log10(255^2 / MSE); +Infinity for identical images. */
    public static double psnr(float[] a, float[] b, int width, int height, int shave) {
        double mse = mse(a, b, width, height, shave);
        if (mse == 0) return Double.POSITIVE_INFINITY;
        return 10 * Math.log10(PEAK * PEAK / mse);
    }

    public static double ssim(float[] a, float[] b, int width, int height, int shave) {
        checkPair(a, b, width, height, shave, SSIM_WINDOW);
        int mapWidth = width - 2 * shave - (SSIM_WINDOW - 1);
        int mapHeight = height - 2 * shave - (SSIM_WINDOW - 1);
        int bands = (mapHeight + SSIM_ROWS_PER_TASK - 1) / SSIM_ROWS_PER_TASK;
        double[] bandSums = new double[bands];
        IntStream ids = IntStream.range(0, bands);
        if (bands > 1) ids = ids.parallel();
        ids.forEach(band -> bandSums[band] = ssimBandSum(a, b, width, shave, mapWidth,
                band * SSIM_ROWS_PER_TASK, Math.min(mapHeight, (band + 1) * SSIM_ROWS_PER_TASK)));
        double sum = 0;
        for (double s : bandSums) sum += s; // fixed order: the result does not depend on thread timing
        return sum / ((double) mapWidth * mapHeight);
    }

    /**
     * Sum of the SSIM map over map rows [row0, row1). Horizontally filtered statistics of the last 11 input rows are
     * kept in a ring, so memory stays O(width) however tall the image is.
     */
    private static double ssimBandSum(float[] a, float[] b, int width, int shave, int mapWidth, int row0, int row1) {
        int n = SSIM_WINDOW;
        // per ring row: mean of a, mean of b, mean of a^2, mean of b^2, mean of a*b (horizontal pass only)
        double[][][] ring = new double[n][5][mapWidth];
        double sum = 0;
        for (int r = row0; r < row1 + n - 1; r++) {
            double[][] stats = ring[r % n];
            int rowStart = (shave + r) * width + shave;
            for (int x = 0; x < mapWidth; x++) {
                double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                for (int t = 0; t < n; t++) {
                    double g = GAUSSIAN[t];
                    double va = a[rowStart + x + t];
                    double vb = b[rowStart + x + t];
                    ma += g * va;
                    mb += g * vb;
                    aa += g * va * va;
                    bb += g * vb * vb;
                    ab += g * va * vb;
                }
                stats[0][x] = ma;
                stats[1][x] = mb;
                stats[2][x] = aa;
                stats[3][x] = bb;
                stats[4][x] = ab;
            }
            int y = r - (n - 1);
            if (y < row0) continue;
            for (int x = 0; x < mapWidth; x++) {
                double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                for (int t = 0; t < n; t++) {
                    double g = GAUSSIAN[t];
                    double[][] s = ring[(y + t) % n];
                    ma += g * s[0][x];
                    mb += g * s[1][x];
                    aa += g * s[2][x];
                    bb += g * s[3][x];
                    ab += g * s[4][x];
                }
                double varA = aa - ma * ma;
                double varB = bb - mb * mb;
                double cov = ab - ma * mb;
                sum += ((2 * ma * mb + SSIM_C1) * (2 * cov + SSIM_C2))
                        / ((ma * ma + mb * mb + SSIM_C1) * (varA + varB + SSIM_C2));
            }
        }
        return sum;
    }

    /**
     * A [0, 1] plane as 8-bit levels: round(clamp(v, 0, 1) * 255), as float. The product is taken in single
     * precision and rounded half away from zero, as MATLAB's uint8(single(v) * 255) in the SRCNN code does.
     */
    public static float[] toUint8Levels(float[] plane) {
        float[] levels = new float[plane.length];
        for (int i = 0; i < plane.length; i++) {
            float v = plane[i];
            if (Float.isNaN(v)) throw new IllegalArgumentException("plane value " + i + " is NaN; cannot round to 8 bits");
            float clamped = v < 0 ? 0 : (v > 1 ? 1 : v);
            levels[i] = Math.round(clamped * 255f);
        }
        return levels;
    }

    private static void checkPair(float[] a, float[] b, int width, int height, int shave, int minSide) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (a.length != pixels || b.length != pixels) {
            throw new IllegalArgumentException("images have " + a.length + " and " + b.length + " values, "
                    + width + "x" + height + " needs " + pixels);
        }
        if (shave < 0) throw new IllegalArgumentException("shave must be >= 0, got " + shave);
        if (width - 2 * shave < minSide || height - 2 * shave < minSide) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image shaved by " + shave
                    + " on every side is smaller than " + minSide + "x" + minSide
                    + (minSide > 1 ? " (the SSIM window)" : ""));
        }
    }
}
