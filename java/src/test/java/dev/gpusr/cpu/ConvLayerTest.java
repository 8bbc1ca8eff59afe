package dev.gpusr.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One layer's row kernels against plain loops written here: every output value and every weight gradient must be
 * the float that a sequential {@link Math#fma} over the taps (forward) or over the pixels of a row (gradient) gives,
 * bit for bit, whatever the tap chunks (L1-sized, one pass), the blocks of rows of one-output layers, the groups of
 * four or the reuse of scratch buffers.
 * Filters 1, 3 and 5, odd sizes, one to three images per row, gradients with many zeros (as after a ReLU) so that
 * groups end with one to three pixels, and outputs and scratch poisoned with NaN before each call.
 */
class ConvLayerTest {
    private static final int H = 7;

    private record Case(int cin, int cout, int f, int items, int width) {
        RowLayout layout() {
            return new RowLayout(items, H, width, f / 2 + 1); // wider padding than the filter needs, as in 9-5-5
        }

        int taps() {
            return cin * f * f;
        }
    }

    private static final Case[] CASES = {
        new Case(3, 5, 1, 2, 13), new Case(2, 9, 3, 1, 29), new Case(5, 3, 5, 3, 11), new Case(7, 11, 5, 2, 23),
        new Case(1, 16, 3, 3, 17), new Case(13, 8, 1, 1, 70), new Case(4, 1, 5, 2, 19),
        new Case(6, 1, 3, 1, 21), new Case(5, 1, 1, 2, 9),
        // the vector kernels: rows whose computed columns are not a multiple of the vector (1, 7, 15, 17, 33 wide
        // images, one or many per row), one, two and three blocks of 8 output channels with and without leftovers
        new Case(2, 8, 3, 1, 33), new Case(3, 16, 5, 1, 17), new Case(2, 24, 1, 9, 1), new Case(4, 12, 3, 6, 7),
        new Case(3, 17, 5, 3, 15), new Case(1, 8, 9, 20, 1), new Case(5, 19, 1, 1, 33), new Case(2, 10, 3, 1, 15),
        // weight gradients with output channels in the lanes: one and two blocks, taps not a multiple of a group,
        // rows longer than one tile of pixels
        new Case(11, 32, 5, 12, 23), new Case(2, 64, 9, 3, 30),
        // rows of several wide blocks (three vectors) whose last block overlaps the one before it
        new Case(3, 16, 5, 2, 50),
    };

    /** The kernels each case runs through: the scalar ones always, the vector ones where the JVM has them. */
    private static boolean[] kernels() {
        return Simd.ENABLED ? new boolean[] {false, true} : new boolean[] {false};
    }

    @Test
    void theVectorKernelsRunUnderMaven() {
        // surefire starts the tests with --add-modules jdk.incubator.vector: the vector cases must not silently skip
        assertTrue(Simd.ENABLED || !"true".equals(System.getProperty("gpusr.expectSimd")), Simd.describe());
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f;
        return a;
    }

    /** An input canvas with random values in the images and zero padding columns; {@code sparse}: about half zero. */
    private static Canvas input(Case c, int channels, long seed, boolean sparse, float[] zero) {
        RowLayout layout = c.layout();
        Canvas in = new Canvas();
        in.layout(channels, 0, H, H, layout.length(), zero);
        for (int ch = 0; ch < channels; ch++) {
            for (int r = 0; r < H; r++) {
                float[] row = in.writable(ch, r);
                float[] v = random(row.length, seed + 100L * ch + r);
                for (int j = 0; j < row.length; j++) row[j] = sparse ? Math.max(0f, v[j]) : v[j];
                layout.clearPadding(row, 0, row.length);
            }
        }
        return in;
    }

    private static Canvas poisoned(int channels, RowLayout layout, float[] zero) {
        Canvas out = new Canvas();
        out.layout(channels, 0, H, H, layout.length(), zero);
        for (int ch = 0; ch < channels; ch++) for (int r = 0; r < H; r++) Arrays.fill(out.writable(ch, r), Float.NaN);
        return out;
    }

    /** A scratch that a larger layer used before, with its buffers then poisoned. */
    private static Scratch usedScratch() {
        Case big = new Case(9, 12, 5, 3, 31);
        float[] zero = new float[big.layout().length()];
        Scratch s = new Scratch();
        ConvLayer layer = new ConvLayer(big.cin, big.cout, big.f, random(big.cout * big.taps(), 5), 0,
                random(big.cout, 6), 0);
        Canvas in = input(big, big.cin, 7, false, zero);
        layer.forwardRows(in, poisoned(big.cout, big.layout(), zero), big.layout(), 0, H, ConvLayer.Epilogue.RELU, s);
        Canvas grad = input(big, big.cout, 8, true, zero);
        layer.gradientRows(grad, in, big.layout(), 0, H, new double[big.cout * big.taps() + big.cout], s);
        Arrays.fill(s.row, Float.NaN);
        for (float[] row : s.outputRows(big.cout, big.layout().length())) Arrays.fill(row, Float.NaN);
        for (float[] row : s.gradientRows(big.cout, big.taps())) Arrays.fill(row, Float.NaN);
        Arrays.fill(s.tapSums(1 << 16), Float.NaN);
        Arrays.fill(s.transposed(1 << 16), Float.NaN);
        float[][] pixels = s.pixelTaps(ConvLayer.GATHER_PIXELS, big.taps());
        for (int p = 0; p < ConvLayer.GATHER_PIXELS; p++) Arrays.fill(pixels[p], Float.NaN); // not the zero pixel
        return s;
    }

    /** Input value (channel, row, column) with zero outside the image rows; columns are inside the row. */
    private static float at(Canvas in, int ch, int r, int j) {
        return in.row(ch, r)[j];
    }

    private static void assertSame(float expected, float actual, String what) {
        if (expected == actual || (Float.isNaN(expected) && Float.isNaN(actual))) return; // 0.0 == -0.0 too
        fail(what + ": expected " + expected + " but was " + actual);
    }

    @Test
    void forwardRowsAreSequentialFmasBitForBit() {
        for (Case c : CASES) {
            for (boolean simd : kernels()) {
                for (int chunkFloats : new int[] {ConvLayer.CHUNK_FLOATS, 4 * c.layout().length(), Integer.MAX_VALUE / 2}) {
                    for (ConvLayer.Epilogue epilogue : ConvLayer.Epilogue.values()) {
                        checkForward(c, simd, true, chunkFloats, epilogue);
                        if (simd) checkForward(c, true, false, chunkFloats, epilogue); // blocks of two vectors only
                    }
                }
            }
        }
    }

    private static void checkForward(Case c, boolean simd, boolean wide, int chunkFloats, ConvLayer.Epilogue epilogue) {
        RowLayout layout = c.layout();
        float[] zero = new float[layout.length()];
        float[] w = random(c.cout * c.taps(), 11);
        float[] bias = random(c.cout, 12);
        ConvLayer layer = new ConvLayer(c.cin, c.cout, c.f, w, 0, bias, 0);
        layer.simd = simd;
        layer.wideBlocks = wide;
        layer.chunkFloats = chunkFloats;
        // vector kernels: tiles of columns that end inside the row (one vector pair, three) and one tile for all
        layer.vectorTile = chunkFloats == ConvLayer.CHUNK_FLOATS ? ConvLayer.VECTOR_TILE
                : chunkFloats == Integer.MAX_VALUE / 2 ? 1 : 3 * 16;
        // one-output layers: blocks of all rows, of 3 and of 2 (blocks that end inside the image)
        layer.singleOutputBlockRows = chunkFloats == ConvLayer.CHUNK_FLOATS ? ConvLayer.SINGLE_OUTPUT_BLOCK_ROWS
                : chunkFloats == Integer.MAX_VALUE / 2 ? 2 : 3;
        Canvas in = input(c, c.cin, 13, false, zero);
        Canvas out = epilogue == ConvLayer.Epilogue.RELU_GRAD_IN_PLACE ? input(c, c.cout, 14, true, zero)
                : poisoned(c.cout, layout, zero);
        float[][][] mask = new float[c.cout][H][];
        for (int o = 0; o < c.cout; o++) for (int r = 0; r < H; r++) mask[o][r] = out.writable(o, r).clone();
        int pad = c.f / 2;
        layer.forwardRows(in, out, layout, 0, H, epilogue, usedScratch());
        for (int o = 0; o < c.cout; o++) {
            for (int r = 0; r < H; r++) {
                float[] row = out.writable(o, r);
                for (int j = 0; j < layout.length(); j++) {
                    boolean image = j >= layout.first() && j < layout.end()
                            && (j - layout.first()) % layout.stride() < layout.width();
                    float expected;
                    if (epilogue == ConvLayer.Epilogue.RELU_GRAD_IN_PLACE && !(j >= layout.first() && j < layout.end())) {
                        expected = mask[o][r][j]; // the end columns are left as they were
                    } else if (epilogue == ConvLayer.Epilogue.RELU_GRAD_IN_PLACE) {
                        float y = bias[o]; // (the engine's backward layers have none; this one has)
                        for (int i = 0; i < c.cin; i++) for (int ky = 0; ky < c.f; ky++) for (int kx = 0; kx < c.f; kx++) {
                            y = Math.fma(w[((o * c.cin + i) * c.f + ky) * c.f + kx], at(in, i, r + ky - pad, j + kx - pad), y);
                        }
                        expected = mask[o][r][j] > 0 ? y : 0f;
                    } else if (!image) {
                        expected = 0f; // padding columns and both ends are zero
                    } else {
                        float y = bias[o];
                        for (int i = 0; i < c.cin; i++) for (int ky = 0; ky < c.f; ky++) for (int kx = 0; kx < c.f; kx++) {
                            y = Math.fma(w[((o * c.cin + i) * c.f + ky) * c.f + kx], at(in, i, r + ky - pad, j + kx - pad), y);
                        }
                        expected = epilogue == ConvLayer.Epilogue.RELU ? Math.max(0f, y) : y;
                    }
                    assertSame(expected, row[j], c + (simd ? wide ? " vector (wide)" : " vector" : " scalar") + " chunk " + chunkFloats + " " + epilogue + " out " + o + " row " + r
                            + " column " + j);
                }
            }
        }
    }

    @Test
    void weightGradientsAreSequentialFmasPerRowBitForBit() {
        int outputLanes = 0;
        for (Case c : CASES) {
            for (boolean simd : kernels()) outputLanes += checkGradients(c, simd) ? 1 : 0;
        }
        assertTrue(!Simd.ENABLED || outputLanes > 0, "some cases put output channels in the lanes");
    }

    /** Returns whether the layer put output channels in the lanes. */
    private static boolean checkGradients(Case c, boolean simd) {
        {
            RowLayout layout = c.layout();
            float[] zero = new float[layout.length()];
            ConvLayer layer = new ConvLayer(c.cin, c.cout, c.f, random(c.cout * c.taps(), 21), 0, random(c.cout, 22), 0);
            layer.simd = simd;
            Canvas in = input(c, c.cin, 23, true, zero);
            Canvas grad = input(c, c.cout, 24, true, zero); // about half zero, zero in the padding columns
            int size = c.cout * c.taps() + c.cout;
            double[] acc = new double[size];
            Arrays.fill(acc, 0.25); // sums are added to what is there
            layer.gradientRows(grad, in, layout, 0, H, acc, usedScratch());
            int pad = c.f / 2;
            boolean gathered = !simd && c.cout >= 8;
            // the gathered taps and the output lanes add each row's columns in order; the vector dot products add
            // per lane: another order
            boolean exact = gathered || layer.outputLaneGradients();
            int leftovers = 0;
            for (int o = 0; o < c.cout; o++) {
                for (int r = 0; r < H; r++) {
                    int live = 0;
                    for (int j = layout.first(); j < layout.end(); j++) live += grad.row(o, r)[j] != 0f ? 1 : 0;
                    leftovers += live % 4 != 0 ? 1 : 0;
                }
                for (int i = 0; i < c.cin; i++) for (int ky = 0; ky < c.f; ky++) for (int kx = 0; kx < c.f; kx++) {
                    int t = (i * c.f + ky) * c.f + kx;
                    double expected = 0.25;
                    for (int r = 0; r < H; r++) {
                        float y = 0f;
                        double exactSum = 0;
                        for (int j = layout.first(); j < layout.end(); j++) {
                            float e = grad.row(o, r)[j];
                            float x = at(in, i, r + ky - pad, j + kx - pad);
                            y = Math.fma(e, x, y);
                            exactSum += (double) e * x;
                        }
                        expected += exact ? y : exactSum;
                    }
                    double actual = acc[o * c.taps() + t];
                    if (exact) {
                        assertEquals(expected, actual, 0.0, c + (simd ? " vector" : " scalar") + " weight " + o + "/" + t); // exact
                    } else { // the dot products sum in another order: float rounding only
                        assertEquals(expected, actual, 2e-4, c + " weight " + o + "/" + t);
                    }
                }
                double bias = 0.25;
                for (int r = 0; r < H; r++) {
                    for (int j = layout.first(); j < layout.end(); j++) bias += grad.row(o, r)[j];
                }
                assertEquals(bias, acc[c.cout * c.taps() + o], 2e-4, c + " bias " + o);
            }
            if (gathered) assertTrue(leftovers > 0, c + ": some rows end with a group of one to three pixels");
            return layer.outputLaneGradients();
        }
    }
}
