package dev.gpusr.resample;

/**
 * MATLAB imresize(..., 'bicubic') for integer factors: Keys kernel a = -0.5, u = x/k + 0.5(1 - 1/k) (1-based),
 * antialiasing when shrinking, symmetric mirrored borders, output ceil(k * size), separable (rows first, i.e. the
 * vertical pass first as MATLAB does for equal factors). Planes are row-major float arrays.
 */
public final class BicubicResampler {
    private BicubicResampler() {}

    /**
     * One dimension's resampling table (the single source both the CPU and the GPU kernel use): output i takes
     * {@code taps} inputs {@code index[i*taps + t]} (already mirrored into 0..inLength-1) with weights
     * {@code weight[i*taps + t]} (normalised to sum 1).
     */
    public record Contributions(int inLength, int outLength, int taps, int[] index, float[] weight) {}

    /** Table for scaling a length by {@code scale} (k for enlarging, 1/k for shrinking), output ceil(scale * in). */
    public static Contributions contributions(int inLength, double scale) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Enlarges a w x h plane by k: result (k*h) x (k*w). */
    public static float[] upscale(float[] plane, int width, int height, int k) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Shrinks a w x h plane by k with antialiasing: result ceil(h/k) x ceil(w/k). */
    public static float[] downscale(float[] plane, int width, int height, int k) {
        throw new UnsupportedOperationException("not yet");
    }
}
