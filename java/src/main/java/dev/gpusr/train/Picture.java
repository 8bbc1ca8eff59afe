package dev.gpusr.train;

import dev.gpusr.image.Image;
import dev.gpusr.model.SrcnnConfig.ColorSpace;

/**
 * One high-resolution training picture as the plane(s) a model learns from: one Y plane (8-bit levels / 255) or R, G,
 * B; row-major floats in [0, 1].
 */
public record Picture(String name, int width, int height, float[][] planes) {
    public Picture {
        if (width < 1 || height < 1) throw new IllegalArgumentException(name + ": empty picture " + width + "x" + height);
        for (float[] p : planes) {
            if (p.length != (long) width * height) {
                throw new IllegalArgumentException(name + ": plane of " + p.length + " values for " + width + "x" + height);
            }
        }
    }

    /** The planes of a decoded image in the given colour space. */
    public static Picture of(String name, Image image, ColorSpace color) {
        return new Picture(name, image.width(), image.height(), TrainingPlanes.of(image, color));
    }

    public int channels() {
        return planes.length;
    }
}
