package dev.gpusr.bench;

import java.util.function.IntConsumer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;

/**
 * Times GPU work with CUDA events on the benchmark stream: warm-up runs first, then an estimate from one timed run
 * decides how many runs go between two events (so one repeat lasts at least {@link BenchPlan#minRepeatMs()}) and
 * how many repeats fill the time budget. Each repeat's device time and host wall time are kept; the table quotes
 * the median of the device times.
 */
public final class GpuTimer {
    private static final int MAX_RUNS_PER_REPEAT = 64;

    private final GpuContext ctx;
    private final BenchPlan plan;

    public GpuTimer(GpuContext ctx, BenchPlan plan) {
        this.ctx = ctx;
        this.plan = plan;
    }

    public Timing measure(IntConsumer launch) {
        cudaEvent_t start = new cudaEvent_t();
        cudaEvent_t end = new cudaEvent_t();
        GpuContext.check(JCuda.cudaEventCreate(start), "cudaEventCreate", null);
        try {
            GpuContext.check(JCuda.cudaEventCreate(end), "cudaEventCreate", null);
            try {
                return measure(launch, start, end);
            } finally {
                JCuda.cudaEventDestroy(end);
            }
        } finally {
            JCuda.cudaEventDestroy(start);
        }
    }

    private Timing measure(IntConsumer launch, cudaEvent_t start, cudaEvent_t end) {
        int run = 0;
        for (int i = 0; i < plan.gpuWarmups(); i++) launch.accept(run++);
        ctx.sync();
        double estimate = timeRepeat(launch, run, 1, start, end)[0];
        run++;
        int perRepeat = BenchStats.launchesPerRepeat(estimate, plan.minRepeatMs(), MAX_RUNS_PER_REPEAT);
        int repeats = BenchStats.repeatsFor(estimate * perRepeat, plan.gpuTargetMs(), plan.gpuMinRepeats(),
                plan.gpuMaxRepeats());
        double[] device = new double[repeats];
        double[] host = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            double[] t = timeRepeat(launch, run, perRepeat, start, end);
            run += perRepeat;
            device[r] = t[0];
            host[r] = t[1];
        }
        return new Timing(device, host, perRepeat);
    }

    /** {device ms, host ms} per run for {@code runs} runs between two events. */
    private double[] timeRepeat(IntConsumer launch, int firstRun, int runs, cudaEvent_t start, cudaEvent_t end) {
        long t0 = System.nanoTime();
        GpuContext.check(JCuda.cudaEventRecord(start, ctx.stream()), "cudaEventRecord", null);
        for (int k = 0; k < runs; k++) launch.accept(firstRun + k);
        GpuContext.check(JCuda.cudaEventRecord(end, ctx.stream()), "cudaEventRecord", null);
        GpuContext.check(JCuda.cudaEventSynchronize(end), "cudaEventSynchronize",
                "a queued launch failed; the message of the next CUDA call usually names it");
        long t1 = System.nanoTime();
        float[] ms = {0};
        GpuContext.check(JCuda.cudaEventElapsedTime(ms, start, end), "cudaEventElapsedTime", null);
        return new double[] {ms[0] / runs, (t1 - t0) / 1e6 / runs};
    }

    /** How many rotating input sets make an op's working set at least 3x the L2 cache (1 to 8). */
    public static int rotationFor(long l2Bytes, long footprintBytes) {
        if (footprintBytes <= 0) return 1;
        long sets = (3 * Math.max(l2Bytes, 1) + footprintBytes - 1) / footprintBytes;
        return (int) Math.max(1, Math.min(8, sets));
    }
}
