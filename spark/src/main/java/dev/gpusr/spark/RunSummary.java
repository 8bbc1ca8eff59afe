package dev.gpusr.spark;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run did, from its result table: counts by status, throughput, and per-executor counts.
 *
 * @param perExecutor executor id -> {ok, failed, skipped}
 * @param failures    "input: reason" for the first {@link #FAILURES_SHOWN} failed rows, in input order
 */
public record RunSummary(String runId, String results, long ok, long failed, long skipped, long inputBytes,
                         long outputBytes, double seconds, Map<String, long[]> perExecutor, List<String> failures,
                         long[] stageMillis) {
    /** The stages of {@link #stageMillis}: busy time summed over the tasks (the pipeline's threads overlap). */
    public static final String[] STAGES = {"decode", "engine", "encode", "store"};

    public long images() {
        return ok + failed + skipped;
    }

    /** Images upscaled (ok) per second of the run's wall time. */
    public double imagesPerSecond() {
        return seconds > 0 ? ok / seconds : 0;
    }

    /** Failures the driver prints (and collects); the result table has every one. */
    public static final int FAILURES_SHOWN = 50;

    public void print(PrintStream err) {
        err.printf(Locale.ROOT, "gpu-sr-spark: run %s: %d ok, %d failed, %d skipped of %d inputs in %.1f s"
                        + " (%.2f images/s); %.1f MB in, %.1f MB out%n", runId, ok, failed, skipped, images(), seconds,
                imagesPerSecond(), inputBytes / 1e6, outputBytes / 1e6);
        long busy = 0;
        for (long m : stageMillis) busy += m;
        if (busy > 0 && ok > 0) {
            StringBuilder b = new StringBuilder("gpu-sr-spark:   busy time per image done:");
            for (int i = 0; i < STAGES.length; i++) {
                b.append(String.format(Locale.ROOT, " %s %.0f ms (%.0f%%)", STAGES[i], (double) stageMillis[i] / Math.max(1, ok),
                        100.0 * stageMillis[i] / busy));
                b.append(i + 1 < STAGES.length ? "," : "");
            }
            err.println(b);
        }
        for (Map.Entry<String, long[]> e : perExecutor.entrySet()) {
            long[] c = e.getValue();
            err.printf(Locale.ROOT, "gpu-sr-spark:   executor %s: %d ok, %d failed, %d skipped%n", e.getKey(), c[0],
                    c[1], c[2]);
        }
        if (failed > 0) {
            err.println("gpu-sr-spark: " + failed + " failed:");
            for (String f : failures) err.println("  " + f);
            if (failed > failures.size()) {
                err.println("  ... and " + (failed - failures.size()) + " more (see the result table)");
            }
        }
        err.println("gpu-sr-spark: result table: " + results);
    }
}
