package dev.gpusr.resample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.resample.BicubicResampler.Contributions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Regions of the enlarged image computed from input windows equal the whole-image resize bit for bit. */
class BicubicRegionTest {
    private static float[] noise(int n, long seed) {
        Random r = new Random(seed);
        float[] p = new float[n];
        for (int i = 0; i < n; i++) p[i] = r.nextFloat() * 1.2f - 0.1f;
        return p;
    }

    @Test
    void everyRegionAtBordersAndInsideMatchesTheWholeImage() {
        for (int[] size : new int[][] {{1, 1}, {2, 3}, {7, 5}, {13, 11}, {31, 9}}) {
            int w = size[0], h = size[1];
            float[] plane = noise(w * h, w * 100L + h);
            for (int k = 1; k <= 4; k++) {
                float[] whole = BicubicResampler.upscale(plane, w, h, k);
                Contributions rows = BicubicResampler.enlargement(h, k), cols = BicubicResampler.enlargement(w, k);
                int outW = w * k, outH = h * k;
                int[][] regions = {{0, outH, 0, outW}, {0, 1, 0, 1}, {outH - 1, outH, outW - 1, outW},
                        {outH / 3, outH / 2 + 1, outW / 4, outW - 1}, {outH - 2 < 0 ? 0 : outH - 2, outH, 0, 2 < outW ? 2 : outW}};
                for (int[] g : regions) {
                    int oy0 = g[0], oy1 = Math.max(g[0] + 1, g[1]), ox0 = g[2], ox1 = Math.max(g[2] + 1, g[3]);
                    int[] ys = BicubicResampler.inputSpan(rows, oy0, oy1);
                    int[] xs = BicubicResampler.inputSpan(cols, ox0, ox1);
                    int wh = ys[1] - ys[0] + 1, ww = xs[1] - xs[0] + 1;
                    float[] window = new float[3 + wh * ww];
                    for (int y = 0; y < wh; y++) System.arraycopy(plane, (ys[0] + y) * w + xs[0], window, 3 + y * ww, ww);
                    float[] got = new float[(oy1 - oy0) * (ox1 - ox0) + 2];
                    BicubicResampler.resizeRegion(window, 3, ys[0], xs[0], wh, ww, rows, cols, oy0, oy1, ox0, ox1, got, 2);
                    float[] expected = new float[got.length];
                    for (int y = oy0; y < oy1; y++) {
                        System.arraycopy(whole, y * outW + ox0, expected, 2 + (y - oy0) * (ox1 - ox0), ox1 - ox0);
                    }
                    assertArrayEquals(expected, got, w + "x" + h + " x" + k + " region " + Arrays.toString(g));
                }
            }
        }
    }

    @Test
    void aWindowThatMissesNeededInputsIsRefused() {
        Contributions rows = BicubicResampler.enlargement(10, 2), cols = BicubicResampler.enlargement(10, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BicubicResampler.resizeRegion(
                new float[4], 0, 4, 4, 2, 2, rows, cols, 8, 10, 8, 10, new float[4], 0));
        assertTrue(e.getMessage().contains("do not cover"), e.getMessage());
    }

    @Test
    void tableCacheIsBounded() {
        for (int n = 1; n <= 200; n++) BicubicResampler.enlargement(1000 + n, 2);
        assertTrue(BicubicResampler.cachedTables() <= 32, "cache holds " + BicubicResampler.cachedTables());
        assertEquals(BicubicResampler.contributions(1200, 2).outLength(), BicubicResampler.enlargement(1200, 2).outLength());
        assertTrue(BicubicResampler.enlargement(1200, 2) == BicubicResampler.enlargement(1200, 2), "recent table reused");
    }
}
