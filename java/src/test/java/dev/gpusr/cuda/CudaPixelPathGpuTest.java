package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.Pixels;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The opt-in device-resident pixel path against the CPU engine's pixel call (TiledPixelUpscaler on CpuSrcnn):
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

    /** The reference: the CPU engine's pixel call (bit-identical to the float-image upscale, quantised once). */
    static Pixels cpuReference(SrcnnWeights weights, Pixels lr, int outBits) {
        try (SrcnnEngine e = new CpuSrcnn(weights, 0)) {
            return new TiledPixelUpscaler(e, 1024).upscale(lr, outBits);
        }
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
        for (int i = 0; i < cases.length; i++) {
            Object[] c = cases[i];
            SrcnnWeights w = (SrcnnWeights) c[0];
            Pixels lr = photo((int) c[1], (int) c[2], (int) c[3], (int) c[4], i);
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

    /**
     * The tile walk's device memory: for a small and then a much larger image (odd sizes, tiles cut at odd offsets)
     * the tile buffers stay within what one tile's window and crop need -- a bound from the tile side alone -- while
     * only the raw 8/16-bit samples grow with the image. The large image is still within one level of the CPU engine.
     */
    @Test
    void deviceFloatMemoryIsBoundedByTheTileNotTheImage() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        int tile = 61, halo = w.config().halo();
        long crop = (long) (tile + 2 * halo) * (tile + 2 * halo);
        long window = (long) ((tile + 2 * halo) / 2 + 5) * ((tile + 2 * halo) / 2 + 5);
        long bound = (4L * 4 + 4) * (crop + window); // 4 float planes and 4 8-bit samples per pixel of both
        try (CudaSrcnn engine = new CudaSrcnn(0, w); CudaPixelPath path = new CudaPixelPath(engine, tile)) {
            Pixels small = photo(97, 83, 4, 8, 7), large = photo(611, 397, 4, 8, 8);
            path.upscale(small);
            long images = path.imageBufferBytes();
            assertTrue(path.tileBufferBytes() <= bound, path.tileBufferBytes() + " <= " + bound);
            Pixels got = path.upscale(large);
            assertTrue(path.tileBufferBytes() <= bound, path.tileBufferBytes() + " <= " + bound + " after the large one");
            assertTrue(path.imageBufferBytes() > 20 * images, "the raw samples grew with the image");
            assertTrue(worstLevels(cpuReference(w, large, 8), got) <= 1, "large image vs the CPU");
        }
    }

    private static long freeDeviceBytes() {
        long[] free = new long[1], total = new long[1];
        DeviceBuffers.check("cudaMemGetInfo", jcuda.runtime.JCuda.cudaMemGetInfo(free, total));
        return free[0];
    }

    /**
     * What a retry with smaller tiles relies on (ShrinkingTiles closes the path, Engines' wrapper then releases the
     * engine's working memory): after close and releaseWorkingMemory the device has back what the path and the
     * network's activations for a large tile took, and the engine still works. Measured over a second identical
     * round, so what the driver keeps after the first use (kernel code, local memory) does not count.
     */
    @Test
    void closeAndReleaseGiveTheDeviceMemoryBack() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        Pixels lr = photo(700, 600, 3, 8, 9); // output tiles 700x600 with their halo: conv1 alone 110 MB
        try (CudaSrcnn engine = new CudaSrcnn(0, w)) {
            Pixels first = null;
            long before = 0, during = 0, after = 0;
            for (int round = 0; round < 2; round++) {
                before = freeDeviceBytes();
                CudaPixelPath path = new CudaPixelPath(engine, 1024);
                first = path.upscale(lr);
                during = freeDeviceBytes();
                path.close();
                engine.releaseWorkingMemory();
                after = freeDeviceBytes();
            }
            assertTrue(before - during > 100L << 20, "a large tile's activations take over 100 MiB: "
                    + ((before - during) >> 20) + " MiB");
            assertTrue(before - after < 16L << 20, "given back: " + ((before - after) >> 20) + " MiB still held");
            try (CudaPixelPath smaller = new CudaPixelPath(engine, 512)) {
                assertTrue(worstLevels(first, smaller.upscale(lr)) <= 1, "the engine works after the release");
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
