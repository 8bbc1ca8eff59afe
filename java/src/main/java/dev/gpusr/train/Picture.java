package dev.gpusr.train;

import dev.gpusr.image.Image;
import dev.gpusr.model.SrcnnConfig.ColorSpace;

/**
 * One high-resolution picture as the plane(s) a model works on: one Y plane (8-bit levels / 255) or R, G, B; row-major
 * floats in [0, 1]. {@code luma} is the Y plane the scores are measured on (the same array as the plane for Y).
 */
public record Picture(String name, int width, int height, float[][] planes, float[] luma) {
    public Picture {
        if (width < 1 || height < 1) throw new IllegalArgumentException(name + ": empty picture " + width + "x" + height);
        for (float[] p : planes) {
            if (p.length != width * height) {
                throw new IllegalArgumentException(name + ": plane of " + p.length + " values for " + width + "x" + height);
            }
        }
        if (luma != null && luma.length != width * height) throw new IllegalArgumentException(name + ": luma size mismatch");
    }

    /** A picture with planes only (training does not need luma). */
    public Picture(String name, int width, int height, float[][] planes) {
        this(name, width, height, planes, planes.length == 1 ? planes[0] : null);
    }

    /** The planes of a decoded image in the given colour space, with its luma. */
    public static Picture of(String name, Image image, ColorSpace color) {
        float[][] planes = TrainingPlanes.of(image, color);
        float[] luma = color == ColorSpace.Y ? planes[0] : TrainingPlanes.lumaLevels(image);
        return new Picture(name, image.width(), image.height(), planes, luma);
    }

    public int channels() {
        return planes.length;
    }
}
