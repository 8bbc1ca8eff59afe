package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.CudaEvents;
import java.util.function.IntConsumer;

/**
 * Times GPU work with CUDA events on a context's stream: warm-up runs first, then an estimate from one timed run
 * decides how many runs go between two events (so one repeat lasts at least {@link BenchPlan#minRepeatMs()}) and
 * how many repeats fill the time budget. Each repeat's device time and host wall time are kept; the table quotes
 * the median of the device times.
 */
public final class GpuTimer {
    private static final int MAX_RUNS_PER_REPEAT = 64;

    private final BenchPlan plan;

    public GpuTimer(BenchPlan plan) {
        this.plan = plan;
    }

    /** Times {@code launch}, which queues its work on {@code ctx}'s stream. */
    public Timing measure(CudaContext ctx, IntConsumer launch) {
        try (CudaEvents events = new CudaEvents(ctx)) {
            int run = 0;
            for (int i = 0; i < plan.gpuWarmups(); i++) launch.accept(run++);
            ctx.sync();
            double estimate = timeRepeat(launch, run, 1, events)[0];
            run++;
            int perRepeat = BenchStats.launchesPerRepeat(estimate, plan.minRepeatMs(), MAX_RUNS_PER_REPEAT);
            int repeats = BenchStats.repeatsFor(estimate * perRepeat, plan.gpuTargetMs(), plan.gpuMinRepeats(),
                    plan.gpuMaxRepeats());
            double[] device = new double[repeats];
            double[] host = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                double[] t = timeRepeat(launch, run, perRepeat, events);
                run += perRepeat;
                device[r] = t[0];
                host[r] = t[1];
            }
            return new Timing(device, host, perRepeat);
        }
    }

    /** {device ms, host ms} per run for {@code runs} runs between two events. */
    private static double[] timeRepeat(IntConsumer launch, int firstRun, int runs, CudaEvents events) {
        long t0 = System.nanoTime();
        events.start();
        for (int k = 0; k < runs; k++) launch.accept(firstRun + k);
        events.stop();
        double ms = events.elapsedMs();
        long t1 = System.nanoTime();
        return new double[] {ms / runs, (t1 - t0) / 1e6 / runs};
    }

    /** How many rotating input sets make an op's working set at least 3x the L2 cache (1 to 8). */
    public static int rotationFor(long l2Bytes, long footprintBytes) {
        if (footprintBytes <= 0) return 1;
        long sets = (3 * Math.max(l2Bytes, 1) + footprintBytes - 1) / footprintBytes;
        return (int) Math.max(1, Math.min(8, sets));
    }
}
