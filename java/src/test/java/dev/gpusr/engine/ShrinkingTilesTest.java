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

    /**
     * A two-deep path that runs out of memory for chosen images above some tile: width 10 while queued, 11 awaited.
     * Closed, it refuses to queue or await (as the overlapped device path does).
     */
    static final class TileLimited implements PixelPath {
        final int tile;
        final TiledPixelUpscaler bicubic = TiledPixelUpscaler.bicubic(2);
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }

        TileLimited(int tile) {
            this.tile = tile;
        }

        @Override public int scale() { return 2; }
        @Override public int minInputSide() { return 1; }
        @Override public long workingBytes(int w, int h, int c, int b) { return bicubic.workingBytes(w, h, c, b); }
        @Override public int depth() { return 2; }

        @Override
        public Pixels upscale(Pixels lr, int bits) {
            return submit(lr, bits).await();
        }

        @Override
        public Pending submit(Pixels lr, int bits) {
            if (closed) throw new IllegalStateException("closed");
            if (tile > 128 && lr.width() == 10) throw new DeviceOutOfMemoryException("queueing at tile " + tile, null);
            return () -> {
                if (closed) throw new IllegalStateException("the path was closed while this image was in flight");
                if (tile > 64 && lr.width() == 11) throw new DeviceOutOfMemoryException("awaiting at tile " + tile, null);
                return bicubic.upscale(lr, bits);
            };
        }
    }

    static Pixels gray(int w, int h) {
        Pixels p = Pixels.allocate(w, h, 1, 8, null);
        for (int i = 0; i < p.samples().length; i++) p.samples()[i] = (byte) (i * 37);
        return p;
    }

    @Test
    void anOverlappedImageThatRunsOutOfMemoryQueuedOrAwaitedIsRedoneAloneWithSmallerTiles() {
        List<Integer> made = new ArrayList<>();
        ShrinkingTiles s = new ShrinkingTiles(t -> {
            made.add(t);
            return new TileLimited(t);
        }, 256);
        assertEquals(2, s.depth(), "the inner path's depth");
        Pixels a = gray(10, 9), b = gray(11, 9), c = gray(12, 9);
        PixelPath.Pending pa = s.submit(a, 8); // out of memory while queued: redone at 128 at once
        assertEquals(128, s.tile());
        PixelPath.Pending pb = s.submit(b, 8), pc = s.submit(c, 8);
        TiledPixelUpscaler bicubic = TiledPixelUpscaler.bicubic(2);
        assertArrayEquals(bicubic.upscale(a).samples(), pa.await().samples());
        assertArrayEquals(bicubic.upscale(b).samples(), pb.await().samples()); // out of memory awaited: redone at 64
        assertEquals(64, s.tile());
        // c was queued on the 128 path, closed when b ran out: it is redone on the 64 path
        assertArrayEquals(bicubic.upscale(c).samples(), pc.await().samples());
        assertEquals(List.of(256, 128, 64), made);
    }

    @Test
    void theFailedPathIsFreedBeforeTheRetryAllocates() {
        List<String> log = new ArrayList<>();
        ShrinkingTiles s = new ShrinkingTiles(t -> new LoggedPath(t, 128, log,
                () -> new DeviceOutOfMemoryException("out of GPU memory at tile " + t, null)), 512);
        Pixels lr = gray(10, 9);
        assertArrayEquals(TiledPixelUpscaler.bicubic(2).upscale(lr).samples(), s.upscale(lr, 8).samples());
        assertEquals(List.of("allocate 512", "run 512", "free 512", "allocate 256", "run 256", "free 256",
                "allocate 128", "run 128"), log);
        log.clear();
        s.upscale(lr, 8);
        s.close();
        assertEquals(List.of("run 128", "free 128"), log, "the next image stays at 128; close frees the path in use");
    }

    /**
     * Making the path for the smaller tile can fail too (the device is short of memory, a stream cannot be created):
     * that image fails, but the next one gets a new path, never the closed one.
     */
    @Test
    void aPathThatCouldNotBeMadeAfterAShrinkIsMadeForTheNextImage() {
        List<String> log = new ArrayList<>();
        int[] failMakes = {1};
        ShrinkingTiles s = new ShrinkingTiles(t -> {
            if (t == 256 && failMakes[0]-- > 0) {
                log.add("cannot make " + t);
                throw new IllegalStateException("no stream for tile " + t);
            }
            LoggedPath logged = new LoggedPath(t, 256, log,
                    () -> new DeviceOutOfMemoryException("out of GPU memory", null));
            return new PixelPath.Forwarding() { // refuses work once closed, as the device paths do
                private boolean closed;

                @Override
                public PixelPath inner() {
                    return logged;
                }

                @Override
                public Pixels upscale(Pixels lr, int bits) {
                    if (closed) throw new IllegalStateException("used after close at tile " + t);
                    return logged.upscale(lr, bits);
                }

                @Override
                public void close() {
                    closed = true;
                    logged.close();
                }
            };
        }, 512);
        Pixels lr = gray(10, 9);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.upscale(lr, 8));
        assertEquals("no stream for tile 256", e.getMessage(), "the image whose retry could not start fails");
        assertEquals(256, s.tile());
        assertArrayEquals(TiledPixelUpscaler.bicubic(2).upscale(lr).samples(), s.upscale(lr, 8).samples(),
                "the next image runs on a new path");
        assertArrayEquals(TiledPixelUpscaler.bicubic(2).upscale(lr).samples(), s.submit(lr, 8).await().samples());
        assertEquals(List.of("allocate 512", "run 512", "free 512", "cannot make 256", "allocate 256", "run 256",
                "run 256"), log);
    }

    @Test
    void anOverlappedImageGivesUpBelowTheSmallestTile() {
        ShrinkingTiles s = new ShrinkingTiles(TileLimited::new, 100); // half of 100 is below MIN_TILE (64)
        PixelPath.Pending p = s.submit(gray(11, 9), 8);
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, p::await);
        assertTrue(e.getMessage().contains("even with tiles of 100"), e.getMessage());
        assertEquals(100, s.tile());
    }
}
