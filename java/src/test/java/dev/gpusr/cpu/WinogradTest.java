package dev.gpusr.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(4x4, 5x5) against sums in double written here: every output of every epilogue, and every weight
 * gradient, within {@link #BOUND} of its channel's (filter's) largest sum of |weight x input|, on odd and even sizes,
 * one to sixteen images per row, rows ending inside a vector and inside a chunk, one and two bands of tile rows,
 * rows longer than the layout with NaN past it, outputs poisoned with NaN before the call, and one to three
 * workers. The direct kernels are held to the same measure, to show what the bound allows.
 */
class WinogradTest {
    /**
     * Allowed error over the largest sum of |w x| among the outputs of a channel (weight gradients: over the largest
     * sum of |e x| among the taps of a filter). Winograd's rounding scales with the magnitudes a tile's 8x8 patch
     * mixes, not with each value's own terms. The test prints the worst error of each case.
     */
    private static final double BOUND = 1e-5;

    private record Case(int cin, int cout, int items, int height, int width, int pad) {
        RowLayout layout() {
            return new RowLayout(items, height, width, pad);
        }
    }

    private static final Case[] CASES = {
        new Case(16, 16, 1, 5, 7, 2),       // one tile row short of a vector, pad exactly 2
        new Case(64, 32, 16, 33, 33, 4),    // 9-5-5's conv2 in a training step of 16 sub-images
        new Case(32, 64, 16, 33, 33, 4),    // and back to its input
        new Case(17, 24, 3, 8, 29, 3),      // even height, odd channel count, three chunks' worth of columns
        new Case(20, 16, 2, 1, 97, 4),      // one row
        new Case(16, 8 * 3, 9, 6, 1, 2),    // images one pixel wide
        new Case(19, 32, 3, 7, 29, 3),      // weight gradients: blocks of 12, 4 and 1 input channels
        new Case(16, 32, 2, 37, 23, 2),     // two bands of tile rows
        new Case(16, 16, 5, 10, 11, 2),     // rows of two and a half tiles, a row's end inside a tile
    };

    /**
     * Weight-gradient cases: output channels a multiple of 32, so that 8- and 16-float vectors run them all; one and
     * two rows (filter taps that read only the zero rows outside the image, whose exact gradient is 0).
     */
    private static final Case[] GRADIENT_CASES = {
        new Case(64, 32, 16, 33, 33, 4),    // 9-5-5's conv2 in a training step of 16 sub-images
        new Case(19, 32, 3, 7, 29, 3),      // blocks of 12, 4 and 1 input channels
        new Case(16, 32, 2, 37, 23, 2),     // more than one band of tile rows
        new Case(20, 32, 2, 1, 97, 4),      // one row
        new Case(16, 64, 1, 2, 40, 2),      // two rows, two pairs of output vectors
        // pad 2 and rows of 11-14 columns: the 4-column phases end at each offset from the row's end, so a read one
        // column past the layout (NaN there) reaches the gradient through the padding column's zero gradient
        new Case(16, 32, 1, 6, 7, 2),
        new Case(16, 32, 1, 8, 8, 2),       // (also a height that is a multiple of 4)
        new Case(16, 32, 1, 6, 9, 2),
        new Case(16, 32, 1, 6, 10, 2),
    };

    private static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f;
        return a;
    }

    /**
     * Channels of random values inside the images, zero in the padding and at both ends; the rows are longer than
     * the layout (as after a larger batch) and hold NaN past its length, which must never be read (NaN survives even
     * a product with a zero gradient).
     */
    private static Canvas canvas(RowLayout layout, int channels, Random r, boolean relu, float[] zero) {
        Canvas c = new Canvas();
        int length = layout.length();
        c.layout(channels, 0, layout.height(), layout.height(), zero.length, zero);
        c.layout(channels, 0, layout.height(), layout.height(), length, zero);
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < layout.height(); y++) {
                float[] row = c.writable(ch, y);
                for (int j = 0; j < length; j++) row[j] = relu ? Math.max(0f, r.nextFloat() - 0.5f) : r.nextFloat() - 0.5f;
                layout.clearPadding(row, 0, length);
                java.util.Arrays.fill(row, length, row.length, Float.NaN);
            }
        }
        return c;
    }

    /** A zero row longer than the layout's rows (see {@link #canvas}). */
    private static float[] zero(RowLayout layout) {
        return new float[layout.length() + 40];
    }

    private static boolean image(RowLayout layout, int j) {
        return j >= layout.first() && j < layout.end() && (j - layout.first()) % layout.stride() < layout.width();
    }

    @Test
    void theMatricesComputeOneDimensionalCorrelationExactly() {
        // y_l = sum_k g_k d_{k+l} for l in [0, 4), from A^T [(G g) .* (B^T d)], in double with small integers
        Random r = new Random(1);
        assertEquals(8, Winograd.PATCH);
        for (int trial = 0; trial < 50; trial++) {
            double[] g = new double[5];
            double[] d = new double[8];
            for (int k = 0; k < 5; k++) g[k] = r.nextInt(19) - 9;
            for (int k = 0; k < 8; k++) d[k] = r.nextInt(19) - 9;
            double[] point = new double[8];
            for (int p = 0; p < 8; p++) {
                double gg = 0, bd = 0;
                for (int k = 0; k < 5; k++) gg += Winograd.G[p][k] * g[k];
                for (int k = 0; k < 8; k++) bd += Winograd.BT[p][k] * d[k];
                point[p] = gg * bd;
            }
            for (int l = 0; l < 4; l++) {
                double y = 0, expected = 0;
                for (int p = 0; p < 8; p++) y += Winograd.AT[l][p] * point[p];
                for (int k = 0; k < 5; k++) expected += g[k] * d[k + l];
                assertEquals(expected, y, 1e-9, "output " + l);
            }
        }
    }

    @Test
    void everyOutputIsTheConvolutionWithinTheBound() {
        assumeTrue(Winograd.ENABLED, "Winograd needs the vector kernels: " + Simd.describe());
        for (Case c : CASES) {
            for (ConvLayer.Epilogue epilogue : ConvLayer.Epilogue.values()) {
                boolean big = c.cin * c.cout > 1024; // each check's reference takes seconds: one worker count
                for (int workers : big ? new int[] {2} : new int[] {1, 3}) {
                    double worst = check(c, epilogue, workers, false);
                    if (workers <= 2 && epilogue == ConvLayer.Epilogue.LINEAR) {
                        double direct = check(c, epilogue, workers, true);
                        System.out.printf("[gpu-sr] winograd %s: worst error / largest sum|wx| %.2e (direct kernels %.2e)%n",
                                c, worst, direct);
                    }
                }
            }
        }
    }

    @Test
    void weightGradientsAreTheSumsOverPixelsWithinTheBoundWhateverTheThreads() {
        assumeTrue(Winograd.ENABLED, "Winograd needs the vector kernels: " + Simd.describe());
        for (Case c : GRADIENT_CASES) {
            RowLayout layout = c.layout();
            Random r = new Random(c.hashCode() * 17L);
            float[] zero = zero(layout);
            ConvLayer layer = new ConvLayer(c.cin, c.cout, 5, random(c.cout * c.cin * 25, r), 0, null, 0);
            assertTrue(WinogradGradient.applies(layer, layout), c.toString());
            Canvas in = canvas(layout, c.cin, r, true, zero);
            Canvas grad = canvas(layout, c.cout, r, false, zero); // zero in the padding, as the engine's are
            int size = c.cout * c.cin * 25 + c.cout;
            int offset = 3;
            double[] start = new double[offset + size + 2];
            for (int i = 0; i < start.length; i++) start[i] = r.nextDouble();
            double[] one = null;
            for (int workers : new int[] {1, 2, 3}) {
                double[] sums = start.clone();
                try (WorkerPool pool = new WorkerPool(workers)) {
                    new WinogradGradient(new Winograd(workers).work()).add(layer, grad, in, layout, pool, sums, offset);
                }
                if (one == null) {
                    one = sums;
                } else {
                    assertTrue(Arrays.equals(one, sums), c + ": " + workers + " workers gave other sums than one");
                }
            }
            for (int i = 0; i < offset; i++) assertEquals(start[i], one[i], 0.0, "before the layer's sums");
            for (int i = offset + size; i < start.length; i++) assertEquals(start[i], one[i], 0.0, "after them");
            double worst = 0;
            for (int o = 0; o < c.cout; o++) {
                double bias = 0;
                for (int y = 0; y < c.height(); y++) for (int j = 0; j < layout.length(); j++) bias += grad.row(o, y)[j];
                assertEquals(start[offset + size - c.cout + o] + bias, one[offset + size - c.cout + o], 1e-4, c + " bias " + o);
                for (int i = 0; i < c.cin; i++) {
                    double[] sum = new double[25];
                    double scale = 0; // the filter's largest sum of |e x|: Winograd mixes its taps' magnitudes
                    for (int k = 0; k < 25; k++) {
                        double abs = 0;
                        for (int y = 0; y < c.height(); y++) {
                            float[] e = grad.row(o, y);
                            float[] x = in.row(i, y + k / 5 - 2);
                            for (int j = layout.first(); j < layout.end(); j++) {
                                double p = (double) e[j] * x[j + k % 5 - 2];
                                sum[k] += p;
                                abs += Math.abs(p);
                            }
                        }
                        scale = Math.max(scale, abs);
                    }
                    for (int k = 0; k < 25; k++) {
                        int at = offset + (o * c.cin + i) * 25 + k;
                        double error = Math.abs(one[at] - start[at] - sum[k]) / scale;
                        if (!(error <= BOUND)) {
                            fail(c + " weight " + o + "/" + i + "/" + k / 5 + "/" + k % 5 + ": " + (one[at] - start[at])
                                    + " against " + sum[k] + " (error / the filter's largest sum|e x| " + error + ")");
                        }
                        worst = Math.max(worst, error);
                    }
                }
            }
            System.out.printf("[gpu-sr] winograd weight gradient %s: worst error / largest sum|e x| %.2e%n", c, worst);
        }
    }

    @Test
    void aLayerItDoesNotTakeIsRefused() {
        float[] w = new float[16 * 16 * 9];
        RowLayout layout = new RowLayout(1, 4, 4, 4);
        assertFalse(Winograd.applies(new ConvLayer(16, 16, 3, w, 0, null, 0), layout), "3x3 filter");
        assertFalse(Winograd.applies(new ConvLayer(8, 16, 5, new float[8 * 16 * 25], 0, null, 0), layout), "few inputs");
        assertFalse(Winograd.applies(new ConvLayer(32, 1, 5, new float[32 * 25], 0, null, 0), layout), "one output");
        assertFalse(Winograd.applies(new ConvLayer(16, 16, 5, new float[16 * 16 * 25], 0, null, 0),
                new RowLayout(1, 4, 4, 1)), "padding narrower than the filter's half");
    }

    /** The worst error over sum |w x| of the layer's outputs (Winograd, or the direct kernels). */
    private static double check(Case c, ConvLayer.Epilogue epilogue, int workers, boolean direct) {
        RowLayout layout = c.layout();
        Random r = new Random(c.hashCode() * 31L + epilogue.ordinal());
        float[] zero = zero(layout);
        float[] w = random(c.cout * c.cin * 25, r);
        float[] bias = random(c.cout, r);
        ConvLayer layer = new ConvLayer(c.cin, c.cout, 5, w, 0, bias, 0);
        assertTrue(Winograd.applies(layer, layout), c.toString());
        Canvas in = canvas(layout, c.cin, r, true, zero);
        boolean mask = epilogue == ConvLayer.Epilogue.RELU_GRAD_IN_PLACE;
        Canvas out;
        if (mask) {
            out = canvas(layout, c.cout, r, true, zero);
        } else {
            out = new Canvas();
            out.layout(c.cout, 0, c.height(), c.height(), layout.length(), zero);
            for (int o = 0; o < c.cout; o++) for (int y = 0; y < c.height(); y++) Arrays.fill(out.writable(o, y), Float.NaN);
        }
        float[][][] before = new float[c.cout][c.height()][];
        for (int o = 0; o < c.cout; o++) for (int y = 0; y < c.height(); y++) before[o][y] = out.writable(o, y).clone();
        try (WorkerPool pool = new WorkerPool(workers)) {
            if (direct) {
                layer.forwardRows(in, out, layout, 0, c.height(), epilogue, new Scratch());
            } else {
                new Winograd(workers).run(layer, in, out, layout, epilogue, pool);
            }
        }
        // the sums in double, and each channel's largest sum of |w x|: Winograd's rounding scales with the magnitudes
        // mixed in a tile's patch, not with each output's own terms (an output whose taps see only zeros is exactly
        // 0 for the direct kernels, not for Winograd)
        double[][][] reference = new double[c.cout][c.height()][layout.length()];
        double[] channelScale = new double[c.cout];
        for (int o = 0; o < c.cout; o++) {
            for (int y = 0; y < c.height(); y++) {
                for (int j = layout.first(); j < layout.end(); j++) {
                    double sum = bias[o];
                    double scale = Math.abs(bias[o]);
                    for (int i = 0; i < c.cin; i++) {
                        for (int k = 0; k < 25; k++) {
                            double p = (double) w[(o * c.cin + i) * 25 + k] * in.row(i, y + k / 5 - 2)[j + k % 5 - 2];
                            sum += p;
                            scale += Math.abs(p);
                        }
                    }
                    reference[o][y][j] = sum;
                    channelScale[o] = Math.max(channelScale[o], scale);
                }
            }
        }
        double worst = 0;
        String what = c + " " + epilogue + " workers " + workers + (direct ? " direct" : " winograd");
        for (int o = 0; o < c.cout; o++) {
            for (int y = 0; y < c.height(); y++) {
                float[] row = out.writable(o, y);
                for (int j = 0; j < layout.length(); j++) {
                    String at = what + " out " + o + " row " + y + " column " + j;
                    boolean inside = j >= layout.first() && j < layout.end();
                    if (mask && !inside) {
                        assertEquals(before[o][y][j], row[j], 0f, at + " (left as it was)");
                        continue;
                    }
                    if (!mask && !image(layout, j)) {
                        assertEquals(0f, row[j], 0f, at + " (padding)");
                        continue;
                    }
                    double sum = reference[o][y][j];
                    double scale = channelScale[o];
                    double expected;
                    double error;
                    if (mask) {
                        if (!(before[o][y][j] > 0)) {
                            assertEquals(0f, row[j], 0f, at + " (masked)");
                            continue;
                        }
                        expected = sum;
                    } else {
                        expected = epilogue == ConvLayer.Epilogue.RELU ? Math.max(0, sum) : sum;
                    }
                    if (Float.isNaN(row[j])) fail(at + ": NaN");
                    error = Math.abs(row[j] - expected) / scale;
                    if (error > BOUND) {
                        fail(at + ": " + row[j] + " against " + expected + " (error / the channel's largest sum|wx| "
                                + error + ")");
                    }
                    worst = Math.max(worst, error);
                }
            }
        }
        return worst;
    }
}
