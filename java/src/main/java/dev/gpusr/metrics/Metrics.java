package dev.gpusr.metrics;

/**
 * Image quality metrics on planes of 8-bit-scale values (0..255), as SR papers compute them: MSE, PSNR with
 * R = 255, SSIM (Wang et al. 2004: Gaussian 11x11, sigma 1.5, K1 0.01, K2 0.03, L 255, mean over the 'valid' map).
 * {@code shave} pixels are dropped from every border of both images first.
 */
public final class Metrics {
    private Metrics() {}

    public static double mse(float[] a, float[] b, int width, int height, int shave) {
        throw new UnsupportedOperationException("not yet");
    }

    /** 10 log10(255^2 / MSE); +Infinity for identical images. */
    public static double psnr(float[] a, float[] b, int width, int height, int shave) {
        throw new UnsupportedOperationException("not yet");
    }

    public static double ssim(float[] a, float[] b, int width, int height, int shave) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A [0, 1] plane as 8-bit levels: round(clamp(v, 0, 1) * 255), as float. */
    public static float[] toUint8Levels(float[] plane) {
        throw new UnsupportedOperationException("not yet");
    }
}
