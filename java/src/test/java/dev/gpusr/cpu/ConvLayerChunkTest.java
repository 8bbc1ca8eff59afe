package dev.gpusr.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rows with many taps (9-5-5's layer 2: 64 x 5 x 5) are summed in chunks of taps for cache reuse: every epilogue must
 * give bit for bit what one pass over all taps gives, including the chunk that ends with fewer than four taps.
 */
class ConvLayerChunkTest {
    private static final int CIN = 13; // 13 * 25 = 325 taps: not a multiple of 4, so the last chunk has a remainder
    private static final int COUT = 6;
    private static final int F = 5;

    private static float[] random(int n, long seed, float lo) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + r.nextFloat();
        return a;
    }

    /** The output rows of one layer over an 11 x 37 image (2 images side by side), with a given chunk budget. */
    private static float[][][] run(ConvLayer.Epilogue epilogue, int chunkFloats) {
        RowLayout layout = new RowLayout(2, 11, 37, F / 2);
        float[] zero = new float[layout.length()];
        Canvas in = new Canvas();
        in.layout(CIN, 0, 11, 11, layout.length(), zero);
        Canvas out = new Canvas();
        out.layout(COUT, 0, 11, 11, layout.length(), zero);
        for (int c = 0; c < CIN; c++) {
            for (int r = 0; r < 11; r++) {
                float[] row = in.writable(c, r);
                float[] v = random(row.length, 100L * c + r, -0.5f);
                System.arraycopy(v, 0, row, 0, row.length);
                layout.clearPadding(row, 0, row.length);
            }
        }
        for (int c = 0; c < COUT; c++) { // the activations a ReLU-gradient epilogue masks by (some zero)
            for (int r = 0; r < 11; r++) {
                float[] row = out.writable(c, r);
                float[] v = random(row.length, 7000L + 100L * c + r, -0.5f);
                for (int j = 0; j < row.length; j++) row[j] = Math.max(0f, v[j]);
            }
        }
        float[] weights = random(COUT * CIN * F * F, 1, -0.5f);
        float[] bias = random(COUT, 2, -0.5f);
        ConvLayer layer = new ConvLayer(CIN, COUT, F, weights, 0, bias, 0);
        layer.chunkFloats = chunkFloats;
        layer.forwardRows(in, out, layout, 0, 11, epilogue, new Scratch());
        float[][][] rows = new float[COUT][11][];
        for (int c = 0; c < COUT; c++) for (int r = 0; r < 11; r++) rows[c][r] = out.writable(c, r).clone();
        return rows;
    }

    @Test
    void chunkedTapsSumBitForBitLikeOnePass() {
        int length = new RowLayout(2, 11, 37, F / 2).length();
        int small = 12 * length; // chunks of 12 taps
        assertEquals(12, ConvLayer.tapChunk(length, small));
        assertTrue(ConvLayer.tapChunk(length, Integer.MAX_VALUE / 2) > CIN * F * F, "one pass");
        for (ConvLayer.Epilogue e : ConvLayer.Epilogue.values()) {
            float[][][] whole = run(e, Integer.MAX_VALUE / 2);
            float[][][] chunked = run(e, small);
            for (int c = 0; c < COUT; c++) {
                for (int r = 0; r < 11; r++) assertArrayEquals(whole[c][r], chunked[c][r], e + " channel " + c + " row " + r);
            }
        }
    }
}
