package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.Upscaler;
import dev.gpusr.image.Image;
import dev.gpusr.image.Pixels;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The opt-in device-resident pixel path against the CPU engine's whole-image result (quantised as the writer does):
 * within one 8-bit level for every layout, bit depth, odd size and tiling, and the same for one tile or many.
 */
@Tag("gpu")
class CudaPixelPathGpuTest {
    /** Smooth gradients with noise, every channel different, 0 and the maximum present. */
    static Pixels photo(int w, int h, int channels, int bits, long seed) {
        Random rng = new Random(seed);
        Pixels p = Pixels.allocate(w, h, channels, bits, null);
        int max = p.maxValue();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    double v = 0.5 + 0.4 * Math.sin(0.3 * x + 0.2 * y + c) + 0.1 * rng.nextGaussian();
                    p.setSample(x, y, c, (int) Math.max(0, Math.min(max, Math.round(v * max))));
                }
            }
        }
        p.setSample(0, 0, 0, max);
        p.setSample(w - 1, h - 1, 0, 0);
        return p;
    }

    /** The reference: the CPU engine through today's Upscaler on float planes, quantised (clamp, round half up). */
    static Pixels cpuReference(SrcnnWeights weights, Pixels lr, int outBits) {
        int n = (int) lr.pixels(), colour = lr.colourChannels();
        float max = lr.maxValue();
        float[][] planes = new float[colour][n];
        float[] alpha = lr.hasAlpha() ? new float[n] : null;
        for (int y = 0; y < lr.height(); y++) {
            for (int x = 0; x < lr.width(); x++) {
                int i = y * lr.width() + x;
                for (int c = 0; c < colour; c++) planes[c][i] = lr.sample(x, y, c) / max;
                if (alpha != null) alpha[i] = lr.sample(x, y, colour) / max;
            }
        }
        Image out;
        try (SrcnnEngine e = new CpuSrcnn(weights, 0)) {
            out = new Upscaler(e, Upscaler.DEFAULT_TILE).upscale(new Image(lr.width(), lr.height(), planes, alpha,
                    lr.bitDepth()));
        }
        Pixels px = Pixels.allocate(out.width(), out.height(), lr.channels(), outBits, null);
        int omax = px.maxValue();
        for (int y = 0; y < out.height(); y++) {
            for (int x = 0; x < out.width(); x++) {
                int i = y * out.width() + x;
                for (int c = 0; c < colour; c++) px.setSample(x, y, c, quantize(out.planes()[c][i], omax));
                if (alpha != null) px.setSample(x, y, colour, quantize(out.alpha()[i], omax));
            }
        }
        return px;
    }

    static int quantize(float v, int max) {
        if (!(v > 0f)) return 0;
        if (v >= 1f) return max;
        return (int) Math.floor(v * (double) max + 0.5);
    }

    static int worstLevels(Pixels a, Pixels b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        assertEquals(a.channels(), b.channels());
        assertEquals(a.bitDepth(), b.bitDepth());
        int worst = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                for (int c = 0; c < a.channels(); c++) worst = Math.max(worst, Math.abs(a.sample(x, y, c) - b.sample(x, y, c)));
            }
        }
        return worst;
    }

    @Test
    void everyLayoutDepthAndTilingMatchesTheCpuWithinOneLevel() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights x2 = BundledModels.load("x2", 2);
        SrcnnWeights random3 = GpuTestData.weights(GpuTestData.Y_915, 11); // strong weights, x3
        Object[][] cases = { // weights, w, h, channels, in bits, out bits, tile
            {x2, 37, 23, 1, 8, 8, 16}, {x2, 41, 29, 3, 8, 8, 1024}, {x2, 41, 29, 3, 8, 8, 20},
            {x2, 33, 19, 4, 8, 8, 24}, {x2, 30, 31, 2, 16, 16, 17}, {x2, 30, 31, 2, 16, 8, 17},
            {x2, 29, 35, 3, 16, 16, 40}, {x2, 7, 7, 3, 8, 8, 5}, {random3, 25, 18, 3, 8, 8, 13},
            {random3, 25, 18, 4, 16, 16, 1024}, {random3, 5, 9, 1, 16, 8, 4},
        };
        for (Object[] c : cases) {
            SrcnnWeights w = (SrcnnWeights) c[0];
            Pixels lr = photo((int) c[1], (int) c[2], (int) c[3], (int) c[4], c.hashCode());
            int outBits = (int) c[5], tile = (int) c[6];
            Pixels want = cpuReference(w, lr, outBits);
            try (CudaSrcnn engine = new CudaSrcnn(0, w); CudaPixelPath path = new CudaPixelPath(engine, tile)) {
                Pixels got = path.upscale(lr, outBits);
                int levels = worstLevels(want, got);
                int allowed = outBits == 16 ? 257 : 1; // one 8-bit level
                assertTrue(levels <= allowed, lr + " -> " + outBits + "-bit, tile " + tile + ": " + levels + " levels off");
                // the same image again, now with buffers of the right size already there: the same samples
                assertArrayEquals(got.samples(), path.upscale(lr, outBits).samples(), lr + " reused");
            }
        }
    }

    @Test
    void tilesGiveTheWholeImageResultAndBuffersGrowAcrossImages() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        try (CudaSrcnn engine = new CudaSrcnn(0, w);
                CudaPixelPath whole = new CudaPixelPath(engine, 4096);
                CudaPixelPath tiled = new CudaPixelPath(engine, 23)) {
            for (Pixels lr : new Pixels[] {photo(19, 13, 3, 8, 1), photo(61, 47, 4, 8, 2), photo(33, 35, 1, 16, 3)}) {
                Pixels a = whole.upscale(lr), b = tiled.upscale(lr);
                assertTrue(worstLevels(a, b) <= (lr.bitDepth() == 16 ? 257 : 1), lr + ": tiled vs whole");
            }
        }
    }

    @Test
    void refusesInputsSmallerThanTheReceptiveField() throws Exception {
        GpuTestData.assumeGpu();
        try (CudaSrcnn engine = new CudaSrcnn(0, BundledModels.load("x2", 2));
                CudaPixelPath path = new CudaPixelPath(engine, 64)) {
            int min = path.minInputSide();
            assertThrows(IllegalArgumentException.class, () -> path.upscale(photo(min - 1, 20, 3, 8, 1)));
            assertEquals(2 * min, path.upscale(photo(min, 20, 3, 8, 1)).width());
        }
    }
}
