package dev.gpusr.bench;

import java.util.Arrays;

/**
 * The arithmetic of the benchmark tables, kept in one place so the table, the JSON and the tests agree: medians of
 * repeat timings, throughput from work per run and milliseconds, and the percentage of a ceiling.
 */
public final class BenchStats {
    private BenchStats() {}

    /** Median of the samples (mean of the middle two for an even count); NaN for none. Does not reorder the input. */
    public static double median(double[] samples) {
        if (samples.length == 0) return Double.NaN;
        double[] s = samples.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    public static double min(double[] samples) {
        return samples.length == 0 ? Double.NaN : Arrays.stream(samples).min().getAsDouble();
    }

    public static double max(double[] samples) {
        return samples.length == 0 ? Double.NaN : Arrays.stream(samples).max().getAsDouble();
    }

    /** Millions of pixels per second for {@code pixels} per run taking {@code ms}. */
    public static double megapixelsPerSecond(double pixels, double ms) {
        return perSecond(pixels, ms) / 1e6;
    }

    /** Decimal gigabytes per second (1 GB = 1e9 bytes, as vendors quote bandwidth). */
    public static double gigabytesPerSecond(double bytes, double ms) {
        return perSecond(bytes, ms) / 1e9;
    }

    public static double teraflopsPerSecond(double flop, double ms) {
        return perSecond(flop, ms) / 1e12;
    }

    private static double perSecond(double amount, double ms) {
        if (!(amount > 0) || !(ms > 0)) return Double.NaN;
        return amount / (ms / 1e3);
    }

    /** 100 * value / ceiling; NaN when either is missing or the ceiling is not positive. */
    public static double percentOf(double value, double ceiling) {
        if (!Double.isFinite(value) || !Double.isFinite(ceiling) || !(ceiling > 0)) return Double.NaN;
        return 100 * value / ceiling;
    }

    /**
     * How many repeats fill {@code targetMs} when one takes {@code estimateMs}, kept within [minRepeats, maxRepeats]
     * so slow runs still give a median of several and fast ones do not run forever.
     */
    public static int repeatsFor(double estimateMs, double targetMs, int minRepeats, int maxRepeats) {
        if (minRepeats < 1 || maxRepeats < minRepeats) {
            throw new IllegalArgumentException("need 1 <= minRepeats <= maxRepeats, got " + minRepeats + ", " + maxRepeats);
        }
        if (!(estimateMs > 0)) return maxRepeats;
        double n = Math.ceil(targetMs / estimateMs);
        return (int) Math.max(minRepeats, Math.min(maxRepeats, n));
    }

    /**
     * How many launches to put between two timing events so one repeat lasts at least {@code minRepeatMs}: short
     * kernels measured one at a time are dominated by event resolution and launch gaps.
     */
    public static int launchesPerRepeat(double singleLaunchMs, double minRepeatMs, int maxLaunches) {
        if (!(singleLaunchMs > 0)) return maxLaunches;
        return (int) Math.max(1, Math.min(maxLaunches, Math.ceil(minRepeatMs / singleLaunchMs)));
    }

    /**
     * fp32 FMA peak in TFLOP/s computed from the device: SMs x FP32 lanes per SM x 2 FLOP per FMA x clock. Lanes per
     * SM by compute capability (CUDA programming guide, arithmetic instruction throughput); NaN when unknown.
     */
    public static double fp32FmaPeakTflops(int multiprocessors, int clockKHz, int ccMajor, int ccMinor) {
        int lanes = fp32LanesPerSm(ccMajor, ccMinor);
        if (lanes <= 0 || multiprocessors <= 0 || clockKHz <= 0) return Double.NaN;
        return (double) multiprocessors * lanes * 2 * clockKHz * 1e3 / 1e12;
    }

    /** FP32 results per clock per SM; 0 when the architecture is not known here. */
    public static int fp32LanesPerSm(int ccMajor, int ccMinor) {
        return switch (ccMajor) {
            case 6 -> ccMinor == 0 ? 64 : 128;
            case 7 -> 64;
            case 8 -> ccMinor == 0 ? 64 : 128;
            case 9, 10, 11, 12 -> 128;
            default -> 0;
        };
    }
}
