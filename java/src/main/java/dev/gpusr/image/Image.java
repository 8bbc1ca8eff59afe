package dev.gpusr.image;

/**
 * A decoded image as float planes in [0, 1] (8-bit values / 255, 16-bit values / 65535): one plane for grayscale,
 * three for RGB; alpha separate (null when opaque). {@code bitDepth} (8 or 16) is what the file had and what
 * writing uses again.
 */
public record Image(int width, int height, float[][] planes, float[] alpha, int bitDepth) {
    public Image {
        if (planes.length != 1 && planes.length != 3) {
            throw new IllegalArgumentException("an image has 1 or 3 colour planes, got " + planes.length);
        }
        for (float[] p : planes) {
            if (p.length != width * height) throw new IllegalArgumentException("plane size does not match " + width + "x" + height);
        }
        if (alpha != null && alpha.length != width * height) throw new IllegalArgumentException("alpha size mismatch");
        if (bitDepth != 8 && bitDepth != 16) throw new IllegalArgumentException("bit depth 8 or 16, got " + bitDepth);
    }

    public boolean isGray() {
        return planes.length == 1;
    }

    public long pixels() {
        return (long) width * height;
    }
}
