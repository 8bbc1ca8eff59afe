package dev.gpusr.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.resample.GoldenReference;
import dev.gpusr.resample.GoldenReference.Grid;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SrProtocolTest {

    private static float[] indexPlane(int w, int h) {
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) p[i] = i;
        return p;
    }

    @Test
    void modcropKeepsTheTopLeftMultipleOfK() {
        Plane p = SrProtocol.modcrop(indexPlane(7, 5), 7, 5, 3);
        assertEquals(6, p.width());
        assertEquals(3, p.height());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19}, p.data());
        Plane whole = SrProtocol.modcrop(new Plane(indexPlane(6, 4), 6, 4), 2);
        assertArrayEquals(indexPlane(6, 4), whole.data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SrProtocol.modcrop(indexPlane(2, 9), 2, 9, 3));
        assertTrue(e.getMessage().contains("2x9"), e.getMessage());
    }

    @Test
    void lumaOfAGrayImageIsItsPlaneRoundedToEightBitLevels() {
        float[] gray = {100.4f / 255, 100.6f / 255, 0.5f, -0.01f};
        Plane y = SrProtocol.lumaLevels(new Image(2, 2, new float[][] {gray}, null, 8));
        assertArrayEquals(new float[] {100f / 255, 101f / 255, 128f / 255, 0f}, y.data());
        assertEquals(2, y.width());
    }

    @Test
    void lumaOfRgbIsMatlabRgb2ycbcrYRoundedToUint8() {
        Grid rgb = GoldenReference.grid("rgb2ycbcr.rgb");
        Grid ycbcr = GoldenReference.grid("rgb2ycbcr.ycbcr_unrounded");
        int n = rgb.height();
        float[][] planes = new float[3][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) planes[c][i] = (float) (rgb.values()[i * 3 + c] / 255);
        }
        Image img = new Image(n, 1, planes, null, 8);
        Plane y = SrProtocol.lumaLevels(img);
        for (int i = 0; i < n; i++) {
            double exactY = ycbcr.values()[i * 3];
            assertEquals(Math.round(exactY) / 255f, y.data()[i], 0, "triplet " + i + " (Y = " + exactY + ")");
        }
    }

    @Test
    void degradeIsModcropShrinkEnlarge() {
        int w = 29;
        int h = 22;
        float[] hr = new float[w * h];
        for (int i = 0; i < hr.length; i++) hr[i] = (float) ((i * 7919 % 256) / 255.0);
        Plane bicubic = SrProtocol.degrade(new Plane(hr, w, h), 3);
        assertEquals(27, bicubic.width());
        assertEquals(21, bicubic.height());
        Plane cropped = SrProtocol.modcrop(hr, w, h, 3);
        float[] low = BicubicResampler.downscale(cropped.data(), 27, 21, 3);
        assertArrayEquals(BicubicResampler.upscale(low, 9, 7, 3), bicubic.data());
    }

    @Test
    void degradeReproducesALinearRampAwayFromBorders() {
        // shrinking by k maps low-res pixel X to high-res centre kX - (k-1)/2 and enlarging maps back exactly, and
        // both kernels reproduce linear functions: the round trip is the identity on a ramp where no tap mirrors
        for (int k = 2; k <= 4; k++) {
            int w = 48;
            int h = 36;
            float[] ramp = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) ramp[y * w + x] = 0.1f + 0.01f * x + 0.015f * y;
            }
            Plane out = SrProtocol.degrade(new Plane(ramp, w, h), k);
            int margin = 4 * k + 2 * k;
            for (int y = margin; y < h - margin; y++) {
                for (int x = margin; x < w - margin; x++) {
                    assertEquals(ramp[y * w + x], out.data()[y * w + x], 2e-6, "k=" + k + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void scoreRoundsToLevelsShavesKAndMatchesReference() {
        Grid a = GoldenReference.grid("metrics.a");
        Grid b = GoldenReference.grid("metrics.b");
        int k = (int) GoldenReference.number("metrics.shave");
        float[] truth = a.asFloats();
        float[] restored = b.asFloats();
        for (int i = 0; i < truth.length; i++) {
            truth[i] /= 255f;
            // a sub-level offset that rounding to 8 bits removes again
            restored[i] = restored[i] / 255f + (i % 2 == 0 ? 0.3f : -0.3f) / 255f;
        }
        SrProtocol.Scores s = SrProtocol.score(new Plane(truth, a.width(), a.height()),
                new Plane(restored, b.width(), b.height()), k);
        assertEquals(GoldenReference.number("metrics.psnr"), s.psnr(), 1e-9 * s.psnr());
        assertEquals(GoldenReference.number("metrics.ssim"), s.ssim(), 1e-6);
    }

    @Test
    void scoreOfAPerfectRestorationAndOfMismatchedSizes() {
        Plane p = new Plane(indexPlane(20, 20), 20, 20);
        for (int i = 0; i < p.data().length; i++) p.data()[i] /= 400;
        SrProtocol.Scores perfect = SrProtocol.score(p, new Plane(p.data().clone(), 20, 20), 2);
        assertEquals(Double.POSITIVE_INFINITY, perfect.psnr());
        assertEquals(1.0, perfect.ssim(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SrProtocol.score(new Plane(new float[21 * 20], 21, 20), p, 2));
        assertTrue(e.getMessage().contains("modcrop"), e.getMessage());
    }

    /** minSide is exactly what score accepts: one 11x11 SSIM window left after shaving k from every border. */
    @Test
    void minSideIsTheSmallestScorableSide() {
        for (int k = 2; k <= 4; k++) {
            int min = SrProtocol.minSide(k);
            assertEquals(11 + 2 * k, min);
            Plane ok = new Plane(new float[min * min], min, min);
            assertEquals(1.0, SrProtocol.score(ok, ok, k).ssim(), 1e-12);
            int small = min - 1;
            Plane tooSmall = new Plane(new float[small * min], small, min);
            int scale = k;
            assertThrows(IllegalArgumentException.class, () -> SrProtocol.score(tooSmall, tooSmall, scale));
        }
    }
}
