package dev.gpusr.bench;

/**
 * What one run of a benchmarked operation does, for the throughput columns: output pixels, the bytes it must move
 * through device (or main) memory at the least, and floating-point operations (2 per multiply-add). Zero = not
 * meaningful for this operation.
 */
public record Work(double pixels, double bytes, double flop) {
    public static final Work NONE = new Work(0, 0, 0);

    public Work {
        if (pixels < 0 || bytes < 0 || flop < 0) throw new IllegalArgumentException("work cannot be negative");
    }

    public static Work pixels(double pixels) {
        return new Work(pixels, 0, 0);
    }
}
