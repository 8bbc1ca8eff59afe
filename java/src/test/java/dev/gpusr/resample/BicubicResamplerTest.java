package dev.gpusr.resample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler.Contributions;
import dev.gpusr.resample.GoldenReference.Grid;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BicubicResamplerTest {

    /** Largest absolute difference between a float result and a double reference. */
    private static double maxError(float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, "value count");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void upscaleMatchesMatlabReference(int k) {
        Grid in = GoldenReference.grid("upscale.input");
        Grid expected = GoldenReference.grid("upscale.outputs." + k);
        assertEquals(in.width() * k, expected.width());
        assertEquals(in.height() * k, expected.height());
        float[] out = BicubicResampler.upscale(in.asFloats(), in.width(), in.height(), k);
        double err = maxError(out, expected.values());
        assertTrue(err < 1e-4, "x" + k + " upscale differs from MATLAB by " + err);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void downscaleMatchesMatlabReference(int k) {
        Grid in = GoldenReference.grid("downscale.input");
        Grid expected = GoldenReference.grid("downscale.outputs." + k);
        float[] out = BicubicResampler.downscale(in.asFloats(), in.width(), in.height(), k);
        assertEquals(expected.width() * expected.height(), out.length);
        double err = maxError(out, expected.values());
        assertTrue(err < 1e-4, "/" + k + " downscale differs from MATLAB by " + err);
    }

    @Test
    void uint8DownscaleWithinOneLevelOfMatlab() {
        Grid in = GoldenReference.grid("uint8_downscale_x3_rounded_once.input");
        Grid expected = GoldenReference.grid("uint8_downscale_x3_rounded_once.output");
        float[] out = BicubicResampler.downscale(in.asFloats(), in.width(), in.height(), 3);
        assertEquals(expected.width() * expected.height(), out.length);
        int exact = 0;
        for (int i = 0; i < out.length; i++) {
            long level = Math.round(Math.min(255, Math.max(0, out[i])));
            double diff = Math.abs(level - expected.values()[i]);
            assertTrue(diff <= 1, "pixel " + i + ": " + level + " vs MATLAB " + expected.values()[i]);
            if (diff == 0) exact++;
        }
        // rounding once, as the reference does, should agree everywhere except at float-noise ties
        assertTrue(exact >= out.length - 2, exact + " of " + out.length + " levels identical");
    }

    @Test
    void upscaleX2TableMatchesHandComputedKeysWeights() {
        Contributions c = BicubicResampler.contributions(10, 2);
        assertEquals(4, c.taps());
        assertEquals(20, c.outLength());
        // output 1 (1-based): u = 0.75, taps at 1-based -1, 0, 1, 2 with distances 1.75, 0.75, -0.25, -1.25;
        // the symmetric border maps -1 -> 2 and 0 -> 1
        assertArrayEquals(new int[] {1, 0, 0, 1}, java.util.Arrays.copyOfRange(c.index(), 0, 4));
        assertArrayEquals(new float[] {-0.0234375f, 0.2265625f, 0.8671875f, -0.0703125f},
                java.util.Arrays.copyOfRange(c.weight(), 0, 4));
        // output 10: u = 5.25, taps 4..7 (0-based 3..6) at distances 1.25, 0.25, -0.75, -1.75
        assertArrayEquals(new int[] {3, 4, 5, 6}, java.util.Arrays.copyOfRange(c.index(), 36, 40));
        assertArrayEquals(new float[] {-0.0703125f, 0.8671875f, 0.2265625f, -0.0234375f},
                java.util.Arrays.copyOfRange(c.weight(), 36, 40));
    }

    @Test
    void tapCountsFollowMatlabsDropOfAllZeroColumns() {
        // enlarging: 6 candidates, the outer two are zero in every row. Shrinking by k: 4k + 2 candidates; for odd k
        // u = k x + (1 - k) / 2 is an integer, so the distances are integers and the columns at distance k and 2k
        // (the kernel's zeros f(1) = f(2) = 0, stretched by k) are zero in every row: 14 - 5 = 9 taps at k = 3
        assertEquals(4, BicubicResampler.contributions(13, 2).taps());
        assertEquals(4, BicubicResampler.contributions(13, 3).taps());
        assertEquals(4, BicubicResampler.contributions(13, 4).taps());
        assertEquals(8, BicubicResampler.contributions(24, 1.0 / 2).taps());
        assertEquals(9, BicubicResampler.contributions(24, 1.0 / 3).taps());
        assertEquals(16, BicubicResampler.contributions(24, 1.0 / 4).taps());
    }

    @Test
    void everyRowOfWeightsSumsToOneAndIndicesStayInside() {
        for (int n : new int[] {1, 2, 3, 5, 13, 24, 37}) {
            for (double scale : new double[] {2, 3, 4, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.5, 0.7}) {
                Contributions c = BicubicResampler.contributions(n, scale);
                for (int i = 0; i < c.outLength(); i++) {
                    double sum = 0;
                    for (int t = 0; t < c.taps(); t++) {
                        sum += c.weight()[i * c.taps() + t];
                        int idx = c.index()[i * c.taps() + t];
                        assertTrue(idx >= 0 && idx < n, "index " + idx + " outside 0.." + (n - 1));
                    }
                    assertEquals(1.0, sum, 1e-6, "row " + i + " of n=" + n + " scale=" + scale);
                }
            }
        }
    }

    @Test
    void outputSizesAreCeilOfScaledSize() {
        float[] plane = new float[19 * 25];
        for (int k = 2; k <= 4; k++) {
            assertEquals(19 * k * 25 * k, BicubicResampler.upscale(plane, 19, 25, k).length);
            assertEquals(ceilDiv(19, k) * ceilDiv(25, k), BicubicResampler.downscale(plane, 19, 25, k).length);
            assertEquals(ceilDiv(25, k), BicubicResampler.contributions(25, 1.0 / k).outLength());
            assertEquals(ceilDiv(19, k), BicubicResampler.contributions(19, 1.0 / k).outLength());
        }
        // a scale whose product with the length is a hair above an integer still gives that integer
        assertEquals(3, BicubicResampler.contributions(30, 0.1).outLength());
        assertEquals(1, BicubicResampler.contributions(49, 1.0 / 49).outLength());
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void linearRampIsReproducedAwayFromBorders(int k) {
        int w = 21;
        int h = 17;
        float[] ramp = new float[w * h];
        for (int y = 1; y <= h; y++) {
            for (int x = 1; x <= w; x++) ramp[(y - 1) * w + x - 1] = 3 + 2 * x + 5 * y;
        }
        float[] out = BicubicResampler.upscale(ramp, w, h, k);
        int checked = 0;
        for (int oy = 1; oy <= h * k; oy++) {
            double v = oy / (double) k + 0.5 * (1 - 1.0 / k);
            for (int ox = 1; ox <= w * k; ox++) {
                double u = ox / (double) k + 0.5 * (1 - 1.0 / k);
                // all taps lie strictly within 2 of u: they are unmirrored when u and v are 2 away from the ends
                if (u < 3 || u > w - 2 || v < 3 || v > h - 2) continue;
                double expected = 3 + 2 * u + 5 * v;
                assertEquals(expected, out[(oy - 1) * w * k + ox - 1], 1e-4, "at " + ox + "," + oy);
                checked++;
            }
        }
        assertTrue(checked > w * h * k * k / 2, "checked " + checked);
    }

    @Test
    void constantPlaneStaysConstantEverywhere() {
        float c = 0.7372549f;
        for (int[] size : new int[][] {{1, 1}, {2, 3}, {19, 25}, {36, 24}}) {
            float[] plane = new float[size[0] * size[1]];
            java.util.Arrays.fill(plane, c);
            for (int k = 2; k <= 4; k++) {
                for (float v : BicubicResampler.upscale(plane, size[0], size[1], k)) assertEquals(c, v, 1e-6);
                for (float v : BicubicResampler.downscale(plane, size[0], size[1], k)) assertEquals(c, v, 1e-6);
            }
        }
    }

    @Test
    void bigPlanesResizedInParallelMatchDirectEvaluationOfTheDefinition() {
        // 300 x 260 enlarged twice is well above the threshold for splitting work over threads
        int w = 300;
        int h = 260;
        float[] plane = randomPlane(w, h, 7);
        for (int k : new int[] {2, 3}) {
            assertMatchesDirect(plane, w, h, k, BicubicResampler.upscale(plane, w, h, k), 1e-6);
        }
        int bigW = 1000;
        int bigH = 600;
        float[] big = randomPlane(bigW, bigH, 8);
        assertMatchesDirect(big, bigW, bigH, 1.0 / 3, BicubicResampler.downscale(big, bigW, bigH, 3), 1e-6);
    }

    @Test
    void tinyPlanesMirrorRepeatedlyLikeMatlab() {
        // shrinking by 4 spans 16 samples: a length-2 or length-3 axis is reflected several times over
        for (int[] size : new int[][] {{1, 2}, {2, 3}, {3, 1}, {5, 2}}) {
            float[] plane = randomPlane(size[0], size[1], size[0] * 10 + size[1]);
            for (int k = 2; k <= 4; k++) {
                assertMatchesDirect(plane, size[0], size[1], 1.0 / k,
                        BicubicResampler.downscale(plane, size[0], size[1], k), 1e-6);
                assertMatchesDirect(plane, size[0], size[1], k,
                        BicubicResampler.upscale(plane, size[0], size[1], k), 1e-6);
            }
        }
    }

    @Test
    void tensorPlanesAreResizedOneByOne() {
        Tensor t = new Tensor(2, 3, 9, 11, randomPlane(11, 9 * 6, 3));
        Tensor up = BicubicResampler.upscale(t, 3);
        Tensor down = BicubicResampler.downscale(t, 2);
        assertEquals("2x3x27x33", up.shapeString());
        assertEquals("2x3x5x6", down.shapeString());
        for (int p = 0; p < 6; p++) {
            float[] plane = java.util.Arrays.copyOfRange(t.data, p * 99, (p + 1) * 99);
            assertArrayEquals(BicubicResampler.upscale(plane, 11, 9, 3),
                    java.util.Arrays.copyOfRange(up.data, p * up.planeSize(), (p + 1) * up.planeSize()));
            assertArrayEquals(BicubicResampler.downscale(plane, 11, 9, 2),
                    java.util.Arrays.copyOfRange(down.data, p * down.planeSize(), (p + 1) * down.planeSize()));
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BicubicResampler.upscale(new float[5], 2, 3, 2))
                .getMessage().contains("2x3"));
        assertThrows(IllegalArgumentException.class, () -> BicubicResampler.upscale(new float[6], 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> BicubicResampler.contributions(0, 2));
        assertThrows(IllegalArgumentException.class, () -> BicubicResampler.contributions(4, Double.NaN));
    }

    private static float[] randomPlane(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) p[i] = r.nextFloat();
        return p;
    }

    /**
     * MATLAB's imresize written out naively from its definition, all in double, as a 2-D sum per output pixel: an
     * oracle independent of the tables, the tap dropping and the two-pass float code.
     */
    private static void assertMatchesDirect(float[] plane, int w, int h, double scale, float[] actual, double tol) {
        int outW = (int) Math.ceil(w * scale - 1e-9);
        int outH = (int) Math.ceil(h * scale - 1e-9);
        assertEquals(outW * outH, actual.length, "output size");
        double[][] wy = directWeights(h, outH, scale);
        double[][] wx = directWeights(w, outW, scale);
        int[][] usedX = new int[outW][];
        for (int ox = 0; ox < outW; ox++) {
            double[] row = wx[ox];
            usedX[ox] = java.util.stream.IntStream.range(0, w).filter(ix -> row[ix] != 0).toArray();
        }
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                double s = 0;
                for (int iy = 0; iy < h; iy++) {
                    if (wy[oy][iy] == 0) continue;
                    for (int ix : usedX[ox]) s += wy[oy][iy] * wx[ox][ix] * plane[iy * w + ix];
                }
                assertEquals(s, actual[oy * outW + ox], tol, "at " + ox + "," + oy + " scale " + scale);
            }
        }
    }

    /** Dense weights [out][in]: MATLAB's kernel, mirrored through aux = [1:n, n:-1:1], row-normalised. */
    private static double[][] directWeights(int n, int out, double scale) {
        double width = scale < 1 ? 4 / scale : 4;
        int[] aux = new int[2 * n];
        for (int i = 0; i < n; i++) {
            aux[i] = i;
            aux[2 * n - 1 - i] = i;
        }
        double[][] dense = new double[out][n];
        for (int x = 1; x <= out; x++) {
            double u = x / scale + 0.5 * (1 - 1 / scale);
            int left = (int) Math.floor(u - width / 2);
            double sum = 0;
            double[] row = new double[n];
            for (int j = left; j < left + (int) Math.ceil(width) + 2; j++) {
                double d = u - j;
                double h = scale < 1 ? scale * BicubicResampler.cubic(scale * d) : BicubicResampler.cubic(d);
                row[aux[Math.floorMod(j - 1, 2 * n)]] += h;
                sum += h;
            }
            for (int i = 0; i < n; i++) dense[x - 1][i] = row[i] / sum;
        }
        return dense;
    }
}
