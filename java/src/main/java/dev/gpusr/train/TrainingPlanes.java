package dev.gpusr.train;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Image;
import dev.gpusr.metrics.Metrics;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.resample.BicubicResampler;

/**
 * The image steps training shares with evaluation: the plane(s) a model learns from, modcrop, the bicubic
 * degradation and the paper's scores. Planes are row-major floats in [0, 1].
 */
final class TrainingPlanes {
    private TrainingPlanes() {}

    /**
     * What the model sees of an image: Y as 8-bit levels / 255 (the SRCNN code's {@code rgb2ycbcr} on uint8, then
     * {@code im2single}); or R, G, B (a gray image's plane three times).
     */
    static float[][] of(Image image, ColorSpace color) {
        if (color == ColorSpace.Y) return new float[][] {lumaLevels(image)};
        if (image.isGray()) {
            float[] g = image.planes()[0];
            return new float[][] {g.clone(), g.clone(), g.clone()};
        }
        return new float[][] {image.planes()[0].clone(), image.planes()[1].clone(), image.planes()[2].clone()};
    }

    /**
     * Y on the 8-bit grid / 255. A gray image is its own luma, as in the SRCNN demo code, which converts only
     * three-channel images.
     */
    static float[] lumaLevels(Image image) {
        float[] y = image.isGray() ? image.planes()[0] : ColorConversion.rgbToYcbcr(image.planes())[0];
        return toLevels(y);
    }

    /** Y of RGB planes rounded to 8 bits first, as an RGB result saved to a file and then measured. */
    static float[] lumaOfRgb(float[][] rgb) {
        float[][] rounded = {toLevels(rgb[0]), toLevels(rgb[1]), toLevels(rgb[2])};
        return ColorConversion.rgbToYcbcr(rounded)[0];
    }

    /** round(clamp(v) * 255) / 255. */
    static float[] toLevels(float[] plane) {
        float[] levels = Metrics.toUint8Levels(plane);
        for (int i = 0; i < levels.length; i++) levels[i] /= 255f;
        return levels;
    }

    /** The largest multiple of k not above n. */
    static int modcrop(int n, int k) {
        return n - n % k;
    }

    /** The top-left newWidth x newHeight of a plane (MATLAB modcrop keeps the top-left corner). */
    static float[] crop(float[] plane, int width, int newWidth, int newHeight) {
        if (newWidth == width && plane.length == newWidth * newHeight) return plane;
        float[] out = new float[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) System.arraycopy(plane, y * width, out, y * newWidth, newWidth);
        return out;
    }

    /** The network input for a HR plane whose sides are multiples of k: bicubic down by k, then up by k, unrounded. */
    static float[] degrade(float[] hr, int width, int height, int k) {
        if (width % k != 0 || height % k != 0) {
            throw new IllegalArgumentException(width + "x" + height + " is not a multiple of " + k + ": modcrop first");
        }
        float[] low = BicubicResampler.downscale(hr, width, height, k);
        return BicubicResampler.upscale(low, width / k, height / k, k);
    }

    /**
     * MATLAB imresize(plane, scale, 'bicubic') for any positive factor, from the resampler's contribution tables:
     * output ceil(scale * size), the vertical pass first as MATLAB does for equal factors.
     */
    static Resized resize(float[] plane, int width, int height, double scale) {
        BicubicResampler.Contributions rows = BicubicResampler.contributions(height, scale);
        BicubicResampler.Contributions cols = BicubicResampler.contributions(width, scale);
        int outH = rows.outLength();
        int outW = cols.outLength();
        float[] vertical = new float[outH * width];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int t = 0; t < rows.taps(); t++) {
                    int i = y * rows.taps() + t;
                    sum += rows.weight()[i] * plane[rows.index()[i] * width + x];
                }
                vertical[y * width + x] = (float) sum;
            }
        }
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                for (int t = 0; t < cols.taps(); t++) {
                    int i = x * cols.taps() + t;
                    sum += cols.weight()[i] * vertical[y * width + cols.index()[i]];
                }
                out[y * outW + x] = (float) sum;
            }
        }
        return new Resized(out, outW, outH);
    }

    record Resized(float[] data, int width, int height) {}

    /** PSNR and SSIM of a restored Y plane against the HR Y, both rounded to 8 bits, k pixels shaved per border. */
    static double[] score(float[] hrLuma, float[] restoredLuma, int width, int height, int k) {
        float[] a = Metrics.toUint8Levels(hrLuma);
        float[] b = Metrics.toUint8Levels(restoredLuma);
        return new double[] {Metrics.psnr(a, b, width, height, k), Metrics.ssim(a, b, width, height, k)};
    }
}
