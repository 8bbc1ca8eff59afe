package dev.gpusr.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Samples;
import dev.gpusr.resample.GoldenReference;
import dev.gpusr.resample.GoldenReference.Grid;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Grid A = GoldenReference.grid("metrics.a");
    private static final Grid B = GoldenReference.grid("metrics.b");
    private static final int SHAVE = (int) GoldenReference.number("metrics.shave");

    @Test
    void mseAndPsnrMatchReference() {
        double mse = Metrics.mse(A.asFloats(), B.asFloats(), A.width(), A.height(), SHAVE);
        double psnr = Metrics.psnr(A.asFloats(), B.asFloats(), A.width(), A.height(), SHAVE);
        double expectedMse = GoldenReference.number("metrics.mse_after_shave");
        double expectedPsnr = GoldenReference.number("metrics.psnr");
        assertEquals(expectedMse, mse, 1e-9 * expectedMse);
        assertEquals(expectedPsnr, psnr, 1e-9 * expectedPsnr);
    }

    @Test
    void ssimMatchesReference() {
        double ssim = Metrics.ssim(A.asFloats(), B.asFloats(), A.width(), A.height(), SHAVE);
        assertEquals(GoldenReference.number("metrics.ssim"), ssim, 1e-6);
    }

    @Test
    void psnrOfHandComputedErrors() {
        float[] a = new float[9];
        float[] b = new float[9];
        b[4] = 1; // the only pixel left after shaving 1 from a 3x3 image
        b[0] = 200; // shaved away
        assertEquals(1.0, Metrics.mse(a, b, 3, 3, 1), 0);
        assertEquals(10 * Math.log10(65025), Metrics.psnr(a, b, 3, 3, 1), 1e-12);
        assertEquals(48.1308036086791, Metrics.psnr(a, b, 3, 3, 1), 1e-12);
        assertEquals((1 + 200.0 * 200) / 9, Metrics.mse(a, b, 3, 3, 0), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a.clone(), 3, 3, 0));
    }

    @Test
    void ssimOfConstantImagesIsTheLuminanceTerm() {
        float[] a = new float[15 * 13];
        float[] b = new float[15 * 13];
        Arrays.fill(a, 100);
        Arrays.fill(b, 110);
        double c1 = 2.55 * 2.55;
        // no variance or covariance: the structure term is C2 / C2 and only luminance remains
        double expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1);
        assertEquals(expected, Metrics.ssim(a, b, 15, 13, 1), 1e-12);
    }

    @Test
    void ssimOfIdenticalImagesIsOneAndBordersAreShaved() {
        Grid a = A;
        float[] same = a.asFloats();
        assertEquals(1.0, Metrics.ssim(same, same.clone(), a.width(), a.height(), SHAVE), 1e-12);
        // wreck the shaved border of one image: the score must not move
        float[] b = B.asFloats();
        float[] bWithBorder = b.clone();
        for (int x = 0; x < B.width(); x++) bWithBorder[x] = 0;
        for (int y = 0; y < B.height(); y++) bWithBorder[y * B.width() + B.width() - 1] = 255;
        float[] af = a.asFloats();
        assertEquals(Metrics.ssim(af, b, a.width(), a.height(), SHAVE),
                Metrics.ssim(af, bWithBorder, a.width(), a.height(), SHAVE), 0);
        assertEquals(Metrics.psnr(af, b, a.width(), a.height(), SHAVE),
                Metrics.psnr(af, bWithBorder, a.width(), a.height(), SHAVE), 0);
        assertTrue(Metrics.ssim(af, bWithBorder, a.width(), a.height(), 0) < Metrics.ssim(af, b, a.width(), a.height(), 0));
    }

    @Test
    void ssimOfATallImageSplitIntoBandsEqualsABruteForceMap() {
        // 200 map rows span several work bands; the oracle filters with the full 11x11 window, no separation
        int w = 23;
        int h = 210;
        Random r = new Random(5);
        float[] a = new float[w * h];
        float[] b = new float[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(256);
            b[i] = Math.max(0, Math.min(255, a[i] + r.nextInt(41) - 20));
        }
        assertEquals(bruteForceSsim(a, b, w, h), Metrics.ssim(a, b, w, h, 0), 1e-12);
    }

    private static double bruteForceSsim(float[] a, float[] b, int w, int h) {
        double[][] win = new double[11][11];
        double total = 0;
        for (int i = 0; i < 11; i++) {
            for (int j = 0; j < 11; j++) {
                win[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
                total += win[i][j];
            }
        }
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        double sum = 0;
        for (int y = 0; y + 11 <= h; y++) {
            for (int x = 0; x + 11 <= w; x++) {
                double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                for (int i = 0; i < 11; i++) {
                    for (int j = 0; j < 11; j++) {
                        double g = win[i][j] / total;
                        double va = a[(y + i) * w + x + j];
                        double vb = b[(y + i) * w + x + j];
                        ma += g * va;
                        mb += g * vb;
                        aa += g * va * va;
                        bb += g * vb * vb;
                        ab += g * va * vb;
                    }
                }
                sum += ((2 * ma * mb + c1) * (2 * (ab - ma * mb) + c2))
                        / ((ma * ma + mb * mb + c1) * (aa - ma * ma + bb - mb * mb + c2));
            }
        }
        return sum / ((w - 10) * (h - 10));
    }

    @Test
    void toUint8LevelsClampsAndRoundsHalfAwayFromZero() {
        float[] levels = Metrics.toUint8Levels(new float[] {-0.2f, 0f, 0.25f, 0.5f, 1f, 1.7f, 100.4f / 255});
        // 0.25 * 255 = 63.75 -> 64; 0.5 * 255 = 127.5 -> 128 (half away from zero, as MATLAB's uint8)
        assertArrayEquals(new float[] {0, 0, 64, 128, 255, 255, 100}, levels);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.toUint8Levels(new float[] {0, Float.NaN}));
        assertTrue(e.getMessage().contains("NaN"));
    }

    /** The documented exception to the one quantisation: the protocol's levels use a single-precision product. */
    @Test
    void scoreLevelsUseTheSinglePrecisionProductUnlikeSampleQuantisation() {
        float v = 0.50392157f;
        assertEquals(128.49999994039536, v * 255.0, 1e-12); // exactly: below the half
        assertEquals(128.5f, v * 255f); // in single precision: on it
        assertEquals(129, Metrics.uint8Level(v));
        assertEquals(128, Samples.quantize(v, 255));
        // elsewhere they agree, including clamping (NaN: 0 for a single level)
        for (float x : new float[] {-1f, 0f, 0.25f, 0.5f, 100.4f / 255, 1f, 3f, Float.NaN}) {
            assertEquals(Samples.quantize(x, 255), Metrics.uint8Level(x), "v = " + x);
        }
    }

    @Test
    void imagesTooSmallForTheWindowAreRejected() {
        float[] p = new float[20 * 20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(p, p, 20, 20, 5));
        assertTrue(e.getMessage().contains("shaved by 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.mse(p, new float[399], 20, 20, 0));
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(p, p, 20, 20, 10));
    }
}
