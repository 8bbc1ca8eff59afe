package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/** Models, batches and comparisons shared by the GPU tests. */
final class GpuTestData {
    private GpuTestData() {}

    static final SrcnnConfig Y_915 = new SrcnnConfig(1, 64, 32, 9, 1, 5, 3, ColorSpace.Y);
    static final SrcnnConfig RGB_915 = new SrcnnConfig(3, 64, 32, 9, 1, 5, 3, ColorSpace.RGB);
    static final SrcnnConfig RGB_955 = new SrcnnConfig(3, 64, 32, 9, 5, 5, 2, ColorSpace.RGB);

    static void assumeGpu() {
        Assumptions.assumeTrue(GpuAvailability.usable(),
                () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse("?"));
    }

    /**
     * Weights that keep activations near 1 (half of He's scale) and non-zero biases, so every term of the forward and
     * backward pass matters; the paper's N(0, 0.001) would make the output almost all bias.
     */
    static SrcnnWeights weights(SrcnnConfig c, long seed) {
        Random rng = new Random(seed);
        float[] p = new float[c.paramCount()];
        for (Param t : Param.values()) {
            int off = c.offset(t);
            double std = t.isWeight
                    ? 0.5 * Math.sqrt(2.0 / (c.inChannels(t.layer) * c.filter(t.layer) * c.filter(t.layer)))
                    : 0.05;
            for (int i = 0; i < c.size(t); i++) p[off + i] = (float) (rng.nextGaussian() * std);
        }
        return new SrcnnWeights(c, p);
    }

    static Tensor uniform(int n, int c, int h, int w, long seed) {
        Random rng = new Random(seed);
        Tensor t = new Tensor(n, c, h, w);
        for (int i = 0; i < t.size(); i++) t.data[i] = rng.nextFloat();
        return t;
    }

    /** An SR-like pair: the target is random, the input its 3x3 box blur (edges repeated). */
    static Tensor[] blurPair(int n, int c, int h, int w, long seed) {
        Tensor target = uniform(n, c, h, w, seed);
        Tensor input = new Tensor(n, c, h, w);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float s = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = Math.min(h - 1, Math.max(0, y + dy));
                                int xx = Math.min(w - 1, Math.max(0, x + dx));
                                s += target.get(b, ch, yy, xx);
                            }
                        }
                        input.set(b, ch, y, x, s / 9);
                    }
                }
            }
        }
        return new Tensor[] {input, target};
    }

    static double maxAbs(float[] a, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]));
        return m;
    }

    /** max |actual - expected| / max |expected| over [from, to). */
    static double relativeToMax(float[] actual, float[] expected, int from, int to) {
        double diff = 0;
        for (int i = from; i < to; i++) diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
        double scale = maxAbs(expected, from, to);
        return scale == 0 ? diff : diff / scale;
    }

    static void assertClose(float[] actual, float[] expected, double tolerance, String what) {
        assertTrue(actual.length == expected.length, what + ": " + actual.length + " vs " + expected.length + " values");
        double r = relativeToMax(actual, expected, 0, expected.length);
        assertTrue(maxAbs(expected, 0, expected.length) > 0, what + ": the reference is all zeros, the test is void");
        assertTrue(r <= tolerance, what + ": relative-to-max difference " + r + " > " + tolerance);
    }

    /** Each parameter tensor separately, relative to its own largest value (biases are much larger than weights). */
    static void assertParamsClose(SrcnnConfig c, float[] actual, float[] expected, double tolerance, String what) {
        for (Param p : Param.values()) {
            int off = c.offset(p);
            double scale = maxAbs(expected, off, off + c.size(p));
            assertTrue(scale > 0, what + " " + p.tensorName + ": the reference is all zeros, the test is void");
            double r = relativeToMax(actual, expected, off, off + c.size(p));
            assertTrue(r <= tolerance, what + " " + p.tensorName + ": relative-to-max difference " + r + " > "
                    + tolerance);
        }
    }

    static float[] minus(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
        return d;
    }
}
