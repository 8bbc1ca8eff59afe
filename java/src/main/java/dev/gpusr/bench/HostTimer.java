package dev.gpusr.bench;

/**
 * Times CPU work with the host clock: warm-up runs, then enough repeats to fill the budget; median reported. The
 * warm-up lasts at least its count of runs and, where given, a minimum time: the JIT compiles the CPU engine's
 * vector kernels over the first second or two of a small training step (a 9-1-5 step of 16 sub-images took 13-17 ms
 * over its first 50 runs after three warm-ups and 8.3-8.6 ms from then on), and a training run lasts thousands of
 * steps, so the rows time the compiled code.
 */
public final class HostTimer {
    private HostTimer() {}

    /** Something to run repeatedly; the argument is the run number. */
    @FunctionalInterface
    public interface Run {
        void run(int run) throws Exception;
    }

    public static Timing measure(Run body, int warmups, double targetMs, int minRepeats, int maxRepeats)
            throws Exception {
        return measure(body, warmups, 0, targetMs, minRepeats, maxRepeats);
    }

    /** With warm-up runs until both {@code warmups} runs and {@code warmupMs} have passed. */
    public static Timing measure(Run body, int warmups, double warmupMs, double targetMs, int minRepeats,
            int maxRepeats) throws Exception {
        int run = 0;
        double estimate = Double.NaN;
        long start = System.nanoTime();
        for (int i = 0; i < Math.max(1, warmups) || (System.nanoTime() - start) / 1e6 < warmupMs; i++) {
            long t0 = System.nanoTime();
            body.run(run++);
            estimate = (System.nanoTime() - t0) / 1e6;
        }
        int repeats = BenchStats.repeatsFor(estimate, targetMs, minRepeats, maxRepeats);
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            body.run(run++);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        return Timing.host(ms);
    }
}
