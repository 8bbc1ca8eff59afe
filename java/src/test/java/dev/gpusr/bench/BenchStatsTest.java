package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.SrcnnConfig;
import org.junit.jupiter.api.Test;

/** The numbers the table prints, against values worked out by hand (and PLATFORM.md's PyTorch figures). */
class BenchStatsTest {
    @Test
    void medianOfOddEvenAndUnsortedSamples() {
        assertEquals(3.0, BenchStats.median(new double[] {5, 3, 1}));
        assertEquals(2.5, BenchStats.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, BenchStats.median(new double[] {7}));
        assertTrue(Double.isNaN(BenchStats.median(new double[0])));
        double[] samples = {9, 1, 5};
        BenchStats.median(samples);
        assertEquals(9, samples[0], "median must not reorder the caller's samples");
        assertEquals(1.0, BenchStats.min(new double[] {3, 1, 2}));
        assertEquals(3.0, BenchStats.max(new double[] {3, 1, 2}));
    }

    @Test
    void throughputFromWorkAndMilliseconds() {
        // PLATFORM.md: PyTorch 9-1-5 fp32, 8 x 1080x1920 in 33.2 ms = 499 Mpix/s
        double pixels = 8.0 * 1080 * 1920;
        assertEquals(499.7, BenchStats.megapixelsPerSecond(pixels, 33.2), 0.05);
        // bicubic x3 output 8 x 1080x1920 in 0.325 ms = 51 Gpix/s
        assertEquals(51040, BenchStats.megapixelsPerSecond(pixels, 0.325), 5);
        // 2 GiB moved in 0.72 ms
        assertEquals(2982.6, BenchStats.gigabytesPerSecond(2.0 * (1L << 30), 0.72), 0.1);
        // 9-1-5: 16,064 FLOP per pixel; 16.6 Mpix in 33.2 ms = 8.03 TFLOP/s
        double flop = 2 * pixels * SrcnnConfig.defaults(3).macsPerPixel();
        assertEquals(8.026, BenchStats.teraflopsPerSecond(flop, 33.2), 0.001);
        assertTrue(Double.isNaN(BenchStats.gigabytesPerSecond(0, 1)), "no work -> no throughput");
        assertTrue(Double.isNaN(BenchStats.gigabytesPerSecond(1, 0)), "no time -> no throughput");
    }

    @Test
    void percentOfCeiling() {
        assertEquals(80.0, BenchStats.percentOf(2400, 3000), 1e-12);
        assertTrue(Double.isNaN(BenchStats.percentOf(1, Double.NaN)));
        assertTrue(Double.isNaN(BenchStats.percentOf(1, 0)));
        assertTrue(Double.isNaN(BenchStats.percentOf(Double.NaN, 5)));
    }

    @Test
    void rowPercentUsesTheRowsCeiling() {
        Ceilings c = new Ceilings(3000, 60, "m", "c");
        BenchRow bw = new BenchRow("kernel", "x").work(new Work(0, 2.4e9, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                .timing(new Timing(new double[] {1.0, 1.0, 2.0}, new double[] {1.1}, 1));
        assertEquals(2400, bw.gigabytesPerSecond(), 1e-9);
        assertEquals(80.0, bw.percentOfCeiling(c), 1e-9);
        BenchRow fma = new BenchRow("conv", "y").work(new Work(0, 0, 30e9)).ceiling(BenchRow.Ceiling.FP32_FMA)
                .timing(new Timing(new double[] {1.0}, new double[] {1.0}, 1));
        assertEquals(30.0, fma.teraflopsPerSecond(), 1e-9);
        assertEquals(50.0, fma.percentOfCeiling(c), 1e-9);
        BenchRow none = new BenchRow("ceiling", "z").work(new Work(0, 1e9, 0))
                .timing(new Timing(new double[] {1.0}, new double[] {1.0}, 1));
        assertTrue(Double.isNaN(none.percentOfCeiling(c)));
        BenchRow cpu = new BenchRow("cpu", "w").where("cpu").work(new Work(0, 1e9, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                .timing(Timing.host(new double[] {1.0}));
        assertTrue(Double.isNaN(cpu.percentOfCeiling(c)), "CPU rows are not judged against the GPU's ceilings");
    }

    @Test
    void timingQuotesTheDeviceClockWhenThereIsOne() {
        Timing t = new Timing(new double[] {2, 4, 3}, new double[] {10, 11, 12}, 4);
        assertEquals(3.0, t.medianMs());
        assertEquals(11.0, t.hostMedianMs());
        assertEquals(3, t.repeats());
        assertEquals(5.0, Timing.host(new double[] {5, 6, 4}).medianMs());
    }

    @Test
    void repeatPolicy() {
        assertEquals(40, BenchStats.repeatsFor(10, 400, 10, 400));
        assertEquals(10, BenchStats.repeatsFor(100, 400, 10, 400), "slow runs still get the minimum");
        assertEquals(400, BenchStats.repeatsFor(0.001, 400, 10, 400), "fast runs are capped");
        assertThrows(IllegalArgumentException.class, () -> BenchStats.repeatsFor(1, 1, 5, 4));
        assertEquals(20, BenchStats.launchesPerRepeat(0.01, 0.2, 64));
        assertEquals(1, BenchStats.launchesPerRepeat(5, 0.2, 64));
        assertEquals(64, BenchStats.launchesPerRepeat(0.0001, 0.2, 64));
    }

    @Test
    void rotationKeepsTheWorkingSetOutOfL2() {
        long l2 = 50L << 20;
        assertEquals(1, GpuTimer.rotationFor(l2, 268L << 20), "a 268 MB set streams through L2 by itself");
        assertEquals(2, GpuTimer.rotationFor(l2, 100L << 20));
        assertEquals(8, GpuTimer.rotationFor(l2, 1L << 20), "capped at 8 sets");
    }

    @Test
    void fp32PeakComputedFromTheDevice() {
        // H100 SXM: 132 SMs x 128 lanes x 2 FLOP x 1980 MHz = 66.9 TFLOP/s
        assertEquals(66.9, BenchStats.fp32FmaPeakTflops(132, 1_980_000, 9, 0), 0.05);
        // A100: 108 SMs x 64 x 2 x 1410 MHz = 19.5 TFLOP/s
        assertEquals(19.49, BenchStats.fp32FmaPeakTflops(108, 1_410_000, 8, 0), 0.01);
        assertTrue(Double.isNaN(BenchStats.fp32FmaPeakTflops(10, 1_000_000, 3, 0)), "unknown architecture");
        assertTrue(Double.isNaN(BenchStats.fp32FmaPeakTflops(132, 0, 9, 0)), "clock not reported");
    }

    @Test
    void modelWorkPerPixel() {
        SrcnnConfig m915 = BenchPlan.models().get(0);
        SrcnnConfig m955 = BenchPlan.models().get(1);
        assertEquals("9-1-5", m915.filterName());
        assertEquals("9-5-5", m955.filterName());
        assertEquals(81 * 64 + 64 * 32 + 25 * 32, m915.macsPerPixel());
        assertEquals(81 * 64 + 25 * 64 * 32 + 25 * 32, m955.macsPerPixel());
        // training: forward + backward-filter of all layers + backward-data of layers 2 and 3
        assertEquals(3 * 8032 - 81 * 64, ModelOps.trainMacsPerPixel(m915), 0);
    }
}
