package dev.gpusr.metrics;

/** One row-major float image plane with its size: what the evaluation protocol passes around. */
public record Plane(float[] data, int width, int height) {
    public Plane {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("plane size must be positive, got " + width + "x" + height);
        }
        if (data.length != (long) width * height) {
            throw new IllegalArgumentException("plane has " + data.length + " values, " + width + "x" + height
                    + " needs " + (long) width * height);
        }
    }

    public boolean sameSize(Plane o) {
        return width == o.width && height == o.height;
    }

    public String sizeString() {
        return width + "x" + height;
    }
}
