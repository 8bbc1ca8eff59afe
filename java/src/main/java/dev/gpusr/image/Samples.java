package dev.gpusr.image;

/**
 * The one quantisation of gpu-sr: a value on the [0, 1] scale to an integer level of 0..max, clamped and rounded half
 * up (as MATLAB's im2uint8 / im2uint16). Every float-to-sample step (the writer's float path, the pixel path, the
 * reader's reduction of 1-15-bit samples) goes through {@link #quantize}.
 */
public final class Samples {
    private Samples() {}

    /** Clamp to [0, 1], then round half up to an integer level; NaN gives 0. */
    public static int quantize(float v, int max) {
        if (!(v > 0f)) return 0; // also NaN
        if (v >= 1f) return max;
        return (int) (v * (double) max + 0.5); // positive here, so truncation is the floor

    }

    /** A stored sample as the reader's float: exactly v / max, one correctly rounded float division. */
    public static float toUnit(int v, int max) {
        return v / (float) max;
    }

    private static final float[] UNIT_8 = table(255);
    private static volatile float[] unit16;

    /** {@link #toUnit} of every level 0..max (255 or 65535) as a table: a lookup instead of a division per sample. */
    public static float[] unitTable(int max) {
        if (max == 255) return UNIT_8;
        if (max != 65535) throw new IllegalArgumentException("tables for 255 and 65535, got " + max);
        float[] t = unit16;
        if (t == null) unit16 = t = table(65535);
        return t;
    }

    private static float[] table(int max) {
        float[] t = new float[max + 1];
        for (int v = 0; v <= max; v++) t[v] = toUnit(v, max);
        return t;
    }
}
