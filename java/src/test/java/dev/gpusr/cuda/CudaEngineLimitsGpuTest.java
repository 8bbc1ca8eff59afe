package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledForward;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA engine on varied folders and at its limits: the bounded resize-table cache, edge tiles that take cuDNN's
 * heuristic instead of a timed search, and truthful refusals past the launch and tensor limits.
 */
@Tag("gpu")
class CudaEngineLimitsGpuTest {
    @Test
    void resizeTablesStayBoundedAndAnEvictedSizeIsRebuiltCorrectly() {
        GpuTestData.assumeGpu();
        SrcnnWeights w = GpuTestData.weights(GpuTestData.Y_915, 1);
        try (CudaSrcnn engine = new CudaSrcnn(0, w)) {
            Tensor first = GpuTestData.uniform(1, 1, 9, 10, 5);
            float[] want = BicubicResampler.upscale(first.data, 10, 9, 2);
            assertWithin(want, engine.upsample(first, 2).data, 1e-5f, "first size");
            for (int width = 11; width < 11 + CudaKernels.MAX_CACHED_TABLES + 5; width++) {
                Tensor t = GpuTestData.uniform(1, 1, 3, width, width);
                assertWithin(BicubicResampler.upscale(t.data, width, 3, 2), engine.upsample(t, 2).data, 1e-5f,
                        "width " + width);
            }
            assertWithin(want, engine.upsample(first, 2).data, 1e-5f, "first size after its table was evicted");
        }
    }

    @Test
    void edgeTilesWithHeuristicAlgorithmsMatchTheCpu() {
        GpuTestData.assumeGpu();
        SrcnnWeights w = GpuTestData.weights(GpuTestData.Y_915, 2);
        Tensor image = GpuTestData.uniform(1, 1, 150, 131, 3); // tiles of 64: edge tiles 22 and 3 wide, all odd shapes
        Tensor cpu;
        try (SrcnnEngine e = new CpuSrcnn(w, 0)) {
            cpu = TiledForward.forward(e, image, 64, GpuTestData.Y_915.halo());
        }
        try (CudaSrcnn engine = new CudaSrcnn(0, w)) {
            Tensor gpu = TiledForward.forward(engine, image, 64, GpuTestData.Y_915.halo());
            assertWithin(cpu.data, gpu.data, 2e-4f, "tiled forward");
            assertTrue(engine.planSummaries().size() >= 2, "several tile shapes: " + engine.planSummaries());
        }
    }

    @Test
    void refusalsSayWhatFits() {
        GpuTestData.assumeGpu();
        try (CudaSrcnn engine = new CudaSrcnn(0, GpuTestData.weights(GpuTestData.Y_915, 3))) {
            // 1000 x 1000 x 47^2 values: past 2^31; the message names the largest input that fits
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                    () -> engine.upsample(new Tensor(1, 1, 1000, 1000), 47));
            assertTrue(big.getMessage().contains("--max-pixels 972"), big.getMessage());
            // 2.2 million output rows need more row tiles than one launch may have
            IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                    () -> engine.upsample(new Tensor(1, 1, 1_100_000, 1), 2));
            assertTrue(tall.getMessage().contains("rows at a time"), tall.getMessage());
        }
    }

    static void assertWithin(float[] want, float[] got, float tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new AssertionError(what + ": value " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }
}
