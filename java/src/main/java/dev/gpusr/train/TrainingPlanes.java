package dev.gpusr.train;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Image;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.resample.BicubicResampler;

/** The plane(s) a model trains on, and the few image steps training adds to {@link SrProtocol}. */
final class TrainingPlanes {
    private TrainingPlanes() {}

    /**
     * What the model sees of an image: Y as the protocol's 8-bit levels / 255 (the SRCNN code trains on rgb2ycbcr's
     * uint8 Y / 255); or R, G, B (a gray image's plane three times).
     */
    static float[][] of(Image image, ColorSpace color) {
        if (color == ColorSpace.Y) return new float[][] {SrProtocol.lumaLevels(image).data()};
        if (image.isGray()) {
            float[] g = image.planes()[0];
            return new float[][] {g.clone(), g.clone(), g.clone()};
        }
        return new float[][] {image.planes()[0].clone(), image.planes()[1].clone(), image.planes()[2].clone()};
    }

    /** Y of RGB planes rounded to 8 bits first, as an RGB result saved to a file and then measured. */
    static float[] lumaOfRgb(float[][] rgb) {
        float[][] rounded = new float[3][];
        for (int c = 0; c < 3; c++) rounded[c] = SrProtocol.unitLevels(rgb[c]);
        return ColorConversion.rgbToYcbcr(rounded)[0];
    }

    /** The largest multiple of k not above n (the side MATLAB's modcrop leaves). */
    static int modcrop(int n, int k) {
        return n - n % k;
    }

    /** MATLAB imresize(plane, scale, 'bicubic') for any positive factor: output ceil(scale * size). */
    static Resized resize(float[] plane, int width, int height, double scale) {
        BicubicResampler.Contributions rows = BicubicResampler.contributions(height, scale);
        BicubicResampler.Contributions columns = BicubicResampler.contributions(width, scale);
        return new Resized(BicubicResampler.resize(plane, width, height, rows, columns), columns.outLength(),
                rows.outLength());
    }

    record Resized(float[] data, int width, int height) {}
}
