package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.Samples;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.resample.BicubicResampler.Contributions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The host-side arithmetic of the device pixel path's tile walk, without a GPU: every output pixel kept once, each
 * window covering what its crop's bicubic reads, the rebased tables giving the bicubic kernel's whole-image values
 * bit for bit (the kernel's float FMA order emulated here), the tables' byte layout, device float memory bounded by
 * the tile, and the whole walk (emulated on the CPU with the CPU engine as the network) within one level of the CPU
 * engine's pixel call.
 */
class DeviceTilePlanTest {
    /** Odd sizes, tiles that cut the image at odd offsets, factors 2 to 4, halos of the bundled models and none. */
    static final int[][] CASES = { // w, h, k, halo, tile
        {37, 23, 2, 6, 16}, {41, 29, 3, 6, 20}, {33, 19, 2, 6, 23}, {7, 7, 3, 6, 5}, {25, 18, 4, 6, 13},
        {61, 47, 2, 0, 17}, {5, 9, 2, 6, 4}, {130, 3, 2, 6, 64}, {19, 13, 2, 6, 4096},
    };

    @Test
    void coresCoverTheOutputOnceAndWindowsHoldWhatTheirCropsRead() {
        for (int[] c : CASES) {
            DeviceTilePlan plan = DeviceTilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            String what = java.util.Arrays.toString(c);
            int[] covered = new int[plan.outWidth() * plan.outHeight()];
            for (DeviceTilePlan.Tile t : plan.tiles()) {
                for (int y = 0; y < t.rows().span().coreLength(); y++) {
                    for (int x = 0; x < t.cols().span().coreLength(); x++) {
                        covered[(t.rows().span().coreStart() + y) * plan.outWidth() + t.cols().span().coreStart() + x]++;
                    }
                }
            }
            for (int n : covered) assertEquals(1, n, what + ": every output pixel kept exactly once");
            checkBands(plan.rowBands(), BicubicResampler.enlargement(c[1], c[2]), 0, what + " rows");
            checkBands(plan.colBands(), BicubicResampler.enlargement(c[0], c[2]), Plans.ENLARGE_TILE.width(),
                    what + " columns");
        }
    }

    private static void checkBands(java.util.List<DeviceTilePlan.Band> bands, Contributions full, int blockWidth,
            String what) {
        for (DeviceTilePlan.Band b : bands) {
            Contributions t = b.table();
            assertEquals(b.span().cropLength(), t.outLength(), what);
            assertEquals(b.windowLength(), t.inLength(), what);
            assertTrue(b.windowStart() >= 0 && b.windowStart() + b.windowLength() <= full.inLength(), what);
            for (int i = 0; i < t.outLength(); i++) {
                for (int k = 0; k < t.taps(); k++) {
                    int cell = i * t.taps() + k, fullCell = (b.span().cropStart() + i) * t.taps() + k;
                    assertEquals(full.index()[fullCell], b.windowStart() + t.index()[cell], what + " same input");
                    assertEquals(full.weight()[fullCell], t.weight()[cell], what + " same weight");
                }
            }
            if (blockWidth == 0) {
                assertEquals(0, b.blockStart().length, what);
                continue;
            }
            // the kernel reads block x's taps from shared columns [blockStart, blockStart + blockSpan)
            assertEquals((t.outLength() + blockWidth - 1) / blockWidth, b.blockStart().length, what);
            assertTrue(b.blockSpan() >= 1 && b.blockSpan() <= b.windowLength(), what + " span " + b.blockSpan());
            for (int x = 0; x < t.outLength(); x++) {
                int start = b.blockStart()[x / blockWidth];
                for (int k = 0; k < t.taps(); k++) {
                    int v = t.index()[x * t.taps() + k];
                    assertTrue(v >= start && v < start + b.blockSpan(), what + " column " + x + " tap in its block");
                }
            }
        }
    }

    /** gpusr_bicubic_resize_*'s arithmetic: the vertical pass in float FMAs (tap order), then the horizontal one. */
    static float[] kernelResize(float[] src, int inW, Contributions rows, Contributions cols) {
        int outH = rows.outLength(), outW = cols.outLength();
        float[] dst = new float[outH * outW];
        float[] line = new float[inW];
        for (int y = 0; y < outH; y++) {
            for (int c = 0; c < inW; c++) {
                float acc = 0f;
                for (int t = 0; t < rows.taps(); t++) {
                    acc = Math.fma(rows.weight()[y * rows.taps() + t], src[rows.index()[y * rows.taps() + t] * inW + c],
                            acc);
                }
                line[c] = acc;
            }
            for (int x = 0; x < outW; x++) {
                float acc = 0f;
                for (int t = 0; t < cols.taps(); t++) {
                    acc = Math.fma(cols.weight()[x * cols.taps() + t], line[cols.index()[x * cols.taps() + t]], acc);
                }
                dst[y * outW + x] = acc;
            }
        }
        return dst;
    }

    @Test
    void rebasedTablesOverTheWindowGiveTheWholeImageKernelValuesBitForBit() {
        Random rng = new Random(5);
        for (int[] c : CASES) {
            int w = c[0], h = c[1], k = c[2];
            float[] image = new float[w * h];
            for (int i = 0; i < image.length; i++) image[i] = rng.nextFloat();
            Contributions rows = BicubicResampler.enlargement(h, k), cols = BicubicResampler.enlargement(w, k);
            float[] whole = kernelResize(image, w, rows, cols);
            DeviceTilePlan plan = DeviceTilePlan.of(w, h, k, c[3], c[4]);
            for (DeviceTilePlan.Tile t : plan.tiles()) {
                DeviceTilePlan.Band r = t.rows(), q = t.cols();
                float[] window = new float[r.windowLength() * q.windowLength()];
                for (int y = 0; y < r.windowLength(); y++) {
                    System.arraycopy(image, (r.windowStart() + y) * w + q.windowStart(), window,
                            y * q.windowLength(), q.windowLength());
                }
                float[] crop = kernelResize(window, q.windowLength(), r.table(), q.table());
                int ew = q.span().cropLength();
                for (int y = 0; y < r.span().cropLength(); y++) {
                    for (int x = 0; x < ew; x++) {
                        float want = whole[(r.span().cropStart() + y) * k * w + q.span().cropStart() + x];
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(crop[y * ew + x]),
                                java.util.Arrays.toString(c) + " crop pixel " + x + "," + y);
                    }
                }
            }
        }
    }

    @Test
    void tablesAreWrittenLittleEndianWhereTheBandsSay() {
        DeviceTilePlan plan = DeviceTilePlan.of(41, 29, 3, 6, 20);
        long at = 48;
        ByteBuffer b = ByteBuffer.allocateDirect((int) (at + plan.tableBytes()));
        plan.writeTables(b, at);
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long total = 0;
        for (var bands : java.util.List.of(plan.rowBands(), plan.colBands())) {
            for (DeviceTilePlan.Band band : bands) {
                Contributions t = band.table();
                int[] index = new int[t.index().length], starts = new int[band.blockStart().length];
                float[] weight = new float[t.weight().length];
                for (int i = 0; i < index.length; i++) index[i] = le.getInt((int) (at + band.indexOffset()) + 4 * i);
                for (int i = 0; i < weight.length; i++) weight[i] = le.getFloat((int) (at + band.weightOffset()) + 4 * i);
                for (int i = 0; i < starts.length; i++) starts[i] = le.getInt((int) (at + band.blockStartOffset()) + 4 * i);
                assertArrayEquals(t.index(), index);
                assertArrayEquals(t.weight(), weight);
                assertArrayEquals(band.blockStart(), starts);
                assertEquals(0, band.tableOffset() % 4, "int-aligned");
                total += band.tableBytes();
            }
        }
        assertEquals(plan.tableBytes(), total, "the bands fill the blob");
        assertThrows(IllegalArgumentException.class, () -> plan.writeTables(b, at + 4), "past the end");
    }

    @Test
    void deviceFloatMemoryDependsOnTheTileNotOnTheImage() {
        int halo = 6, tile = 512;
        long small = DeviceTilePlan.of(1280, 720, 2, halo, tile).floatBytes(4);
        long large = DeviceTilePlan.of(5000, 5000, 2, halo, tile).floatBytes(4);
        long huge = DeviceTilePlan.of(12000, 9000, 2, halo, tile).floatBytes(4);
        // equal parts: a crop is at most tile + 2 halo a side, its window (tile + 2 halo) / k + 4 and a bit
        long cropSide = tile + 2L * halo, windowSide = cropSide / 2 + 5;
        long bound = 4L * 4 * (cropSide * cropSide + windowSide * windowSide);
        for (long bytes : new long[] {small, large, huge}) assertTrue(bytes <= bound, bytes + " <= " + bound);
        long wholeImage = 4L * 4 * 10000 * 10000; // what full-image float planes of the 25 MP photo x2 would take
        assertTrue(large * 100 < wholeImage, large + " vs " + wholeImage);
        // tables grow with the sides, not the area: a few hundred KB for 12000x9000
        assertTrue(DeviceTilePlan.of(12000, 9000, 2, halo, tile).tableBytes() < 2_000_000);
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> DeviceTilePlan.of(0, 5, 2, 6, 16));
        assertThrows(IllegalArgumentException.class, () -> DeviceTilePlan.of(5, 5, 2, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> DeviceTilePlan.of(5, 5, 2, -1, 16));
    }

    /**
     * The device walk done on the CPU from the plan alone, step for step as CudaPixelPath.compute queues it (window
     * out of the raw samples, unpack + YCbCr, bicubic of the crop with the rebased tables, the network on Y of the
     * crop, colour back, rounding, core into the output): within one level of the CPU engine's pixel call for gray,
     * RGB and RGBA, 8 and 16 bits, tiles cutting the image at odd offsets.
     */
    @Test
    void theWalkEmulatedOnTheCpuMatchesTheCpuEngineWithinOneLevel() throws Exception {
        SrcnnWeights x2 = BundledModels.load("x2", 2);
        try (CpuSrcnn cpu = new CpuSrcnn(x2, 2)) {
            int halo = cpu.config().halo();
            Object[][] cases = {{37, 23, 1, 8, 16}, {41, 29, 3, 8, 20}, {33, 19, 4, 16, 23}, {30, 31, 2, 8, 17}};
            for (int i = 0; i < cases.length; i++) {
                Object[] c = cases[i];
                Pixels lr = CudaPixelPathGpuTest.photo((int) c[0], (int) c[1], (int) c[2], (int) c[3], i);
                DeviceTilePlan plan = DeviceTilePlan.of(lr.width(), lr.height(), 2, halo, (int) c[4]);
                Pixels got = emulate(cpu, plan, lr);
                Pixels want = new TiledPixelUpscaler(cpu, 1024).upscale(lr);
                int allowed = lr.bitDepth() == 16 ? 257 : 1;
                int levels = CudaPixelPathGpuTest.worstLevels(want, got);
                assertTrue(levels <= allowed, lr + " tile " + c[4] + ": " + levels + " levels off");
            }
        }
    }

    private static Pixels emulate(CpuSrcnn cpu, DeviceTilePlan plan, Pixels lr) {
        Pixels out = Pixels.allocate(plan.outWidth(), plan.outHeight(), lr.channels(), lr.bitDepth(), null);
        int colour = lr.colourChannels(), planes = lr.channels();
        for (DeviceTilePlan.Tile t : plan.tiles()) {
            DeviceTilePlan.Band r = t.rows(), q = t.cols();
            int wh = r.windowLength(), ww = q.windowLength(), eh = r.span().cropLength(), ew = q.span().cropLength();
            float[][] window = new float[planes][wh * ww];
            for (int y = 0; y < wh; y++) {
                for (int x = 0; x < ww; x++) {
                    for (int p = 0; p < planes; p++) {
                        window[p][y * ww + x] = Samples.toUnit(lr.sample(q.windowStart() + x, r.windowStart() + y, p),
                                lr.maxValue());
                    }
                }
            }
            if (colour == 3) {
                float[][] ycc = ColorConversion.rgbToYcbcr(new float[][] {window[0], window[1], window[2]});
                System.arraycopy(ycc, 0, window, 0, 3);
            }
            float[][] crop = new float[planes][];
            for (int p = 0; p < planes; p++) crop[p] = kernelResize(window[p], ww, r.table(), q.table());
            float[] y = cpu.forward(new Tensor(1, 1, eh, ew, crop[0])).data;
            int top = r.span().coreOffset(), left = q.span().coreOffset();
            for (int yy = top; yy < top + r.span().coreLength(); yy++) {
                System.arraycopy(y, yy * ew + left, crop[0], yy * ew + left, q.span().coreLength());
            }
            if (colour == 3) {
                float[][] rgb = ColorConversion.ycbcrToRgb(new float[][] {crop[0], crop[1], crop[2]});
                System.arraycopy(rgb, 0, crop, 0, 3);
            }
            for (int yy = 0; yy < r.span().coreLength(); yy++) {
                for (int xx = 0; xx < q.span().coreLength(); xx++) {
                    for (int p = 0; p < planes; p++) {
                        float v = crop[p][(top + yy) * ew + left + xx];
                        out.setSample(q.span().coreStart() + xx, r.span().coreStart() + yy, p,
                                Samples.quantize(v, out.maxValue()));
                    }
                }
            }
        }
        return out;
    }
}
