package dev.gpusr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.image.Pixels;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device that runs out of memory above some tile area: the image is redone with halved tiles, same result. */
class ShrinkingTilesTest {

    /** The CPU engine, refusing (as a full GPU would) any forward over more than {@code limit} pixels. */
    static final class SmallDevice implements SrcnnEngine {
        final CpuSrcnn cpu;
        final long limit;
        final List<Integer> heights = new ArrayList<>();

        SmallDevice(CpuSrcnn cpu, long limit) {
            this.cpu = cpu;
            this.limit = limit;
        }

        @Override
        public Tensor forward(Tensor input) {
            heights.add(input.h);
            if ((long) input.h * input.w > limit) {
                throw new DeviceOutOfMemoryException("out of GPU memory: asked for a " + input.shapeString(), null);
            }
            return cpu.forward(input);
        }

        @Override public String name() { return "small device"; }
        @Override public String id() { return "cuda:9"; }
        @Override public void loadWeights(SrcnnWeights weights) { cpu.loadWeights(weights); }
        @Override public SrcnnConfig config() { return cpu.config(); }
        @Override public SrcnnWeights weights() { return cpu.weights(); }
        @Override public Tensor upsample(Tensor lowRes, int scale) { return cpu.upsample(lowRes, scale); }
        @Override public double computeGradients(Tensor input, Tensor target) { throw new UnsupportedOperationException(); }
        @Override public float[] gradients() { throw new UnsupportedOperationException(); }
        @Override public void setOptimizer(OptimizerConfig config, OptimizerState state) { throw new UnsupportedOperationException(); }
        @Override public void setLearningRates(float[] lr) { throw new UnsupportedOperationException(); }
        @Override public void applyOptimizer() { throw new UnsupportedOperationException(); }
        @Override public OptimizerState optimizerState() { throw new UnsupportedOperationException(); }
        @Override public void close() {}
    }

    @Test
    void anImageThatDoesNotFitIsRedoneWithHalvedTilesAndComesOutTheSame() throws Exception {
        try (CpuSrcnn cpu = new CpuSrcnn(BundledModels.load("x2", 2), 2)) {
            Pixels lr = TiledPixelUpscalerTest.pixels(150, 131, 3, 8, 5);
            Pixels expected = new TiledPixelUpscaler(cpu, 1024).upscale(lr);
            int halo = cpu.config().halo();
            // room for a 128-pixel tile with its halo, not for 256
            SmallDevice device = new SmallDevice(cpu, (long) (128 + 2 * halo) * (128 + 2 * halo));
            ShrinkingTiles path = new ShrinkingTiles(t -> new TiledPixelUpscaler(device, t), 512);

            Pixels got = path.upscale(lr);

            assertArrayEquals(expected.samples(), got.samples(), "same bytes whatever the tile");
            assertEquals(128, path.tile(), "512 -> 256 -> 128");
            device.heights.clear();
            path.upscale(lr); // the next image starts at the smaller tile: no failed attempt
            assertTrue(device.heights.stream().allMatch(h -> h <= 128 + 2 * halo), "heights " + device.heights);
        }
    }

    @Test
    void belowTheSmallestTileItGivesUpWithOneLine() throws Exception {
        try (CpuSrcnn cpu = new CpuSrcnn(BundledModels.load("x2", 2), 2)) {
            SmallDevice device = new SmallDevice(cpu, 100); // nothing fits
            ShrinkingTiles path = new ShrinkingTiles(t -> new TiledPixelUpscaler(device, t), 256);
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> path.upscale(TiledPixelUpscalerTest.pixels(40, 30, 1, 8, 6)));
            assertTrue(e.getMessage().startsWith("out of device memory even with tiles of 64 pixels"), e.getMessage());
        }
    }
}
