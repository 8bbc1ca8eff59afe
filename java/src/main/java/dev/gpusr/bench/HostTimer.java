package dev.gpusr.bench;

/** Times CPU work with the host clock: warm-up runs, then enough repeats to fill the budget; median reported. */
public final class HostTimer {
    private HostTimer() {}

    /** Something to run repeatedly; the argument is the run number. */
    @FunctionalInterface
    public interface Run {
        void run(int run) throws Exception;
    }

    public static Timing measure(Run body, int warmups, double targetMs, int minRepeats, int maxRepeats)
            throws Exception {
        int run = 0;
        double estimate = Double.NaN;
        for (int i = 0; i < Math.max(1, warmups); i++) {
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
