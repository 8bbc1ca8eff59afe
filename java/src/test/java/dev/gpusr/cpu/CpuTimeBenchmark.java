package dev.gpusr.cpu;

import dev.gpusr.bench.BenchData;
import dev.gpusr.bench.BenchPlan;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CPU rows of {@code gpu-sr bench} (same keys, data and weights) timed as the calling thread's CPU time with one
 * engine thread: a program, not a test. On a shared machine the wall clock of two threads mostly measures the other
 * processes; the CPU time one thread spends on the work does not (caches and memory bandwidth still are shared).
 * {@code benchmarks/peer/srcnn_torch_cpu.py --cpu-time} measures PyTorch the same way. It uses only the engine's
 * public API, so it also times an earlier jar (put that jar first on the class path).
 *
 * <pre>
 * java -cp java/target/test-classes:java/target/classes:java/target/lib/* dev.gpusr.cpu.CpuTimeBenchmark [--json FILE]
 * </pre>
 */
public final class CpuTimeBenchmark {
    private CpuTimeBenchmark() {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int WARMUPS = 3;
    private static final double TARGET_MS = 1500;
    private static final int MIN_REPEATS = 3;
    private static final int MAX_REPEATS = 50;

    private interface Work {
        void run();
    }

    public static void main(String[] args) throws IOException {
        Path json = args.length == 2 && args[0].equals("--json") ? Path.of(args[1]) : null;
        List<String> rows = new ArrayList<>();
        for (SrcnnConfig cfg : BenchPlan.models()) {
            for (int side : new int[] {0, 1024}) {
                int h = side == 0 ? 180 : side, w = side == 0 ? 320 : side;
                Tensor input = BenchData.image(1, 1, h, w, 51);
                try (CpuSrcnn engine = new CpuSrcnn(BenchData.weights(cfg, 7), 1)) {
                    rows.add(row("cpu srcnn forward " + cfg.filterName() + " 1x1x" + h + "x" + w,
                            () -> engine.forward(input)));
                }
            }
        }
        for (SrcnnConfig cfg : BenchPlan.models()) {
            for (int b : new int[] {16, 128}) {
                Tensor x = BenchData.image(b, 1, 33, 33, 52);
                Tensor t = BenchData.image(b, 1, 33, 33, 53);
                try (CpuSrcnn engine = new CpuSrcnn(BenchData.weights(cfg, 7), 1)) {
                    engine.setOptimizer(OptimizerConfig.paperSgd(), null);
                    rows.add(row("cpu train step sgd " + cfg.filterName() + " " + b + "x1x33x33",
                            () -> engine.trainStep(x, t, true)));
                }
            }
        }
        String doc = "{\"clock\": \"thread cpu time, 1 engine thread\", \"java\": \"" + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + "\", \"rows\": [\n" + String.join(",\n", rows) + "\n]}\n";
        if (json != null) Files.writeString(json, doc, StandardCharsets.UTF_8);
    }

    private static String row(String key, Work work) {
        for (int i = 0; i < WARMUPS; i++) work.run();
        double[] ms = new double[MAX_REPEATS];
        int n = 0;
        double total = 0;
        while (n < MIN_REPEATS || (total < TARGET_MS && n < MAX_REPEATS)) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            work.run();
            ms[n] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
            total += ms[n++];
        }
        double[] sorted = Arrays.copyOf(ms, n);
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        System.out.printf(Locale.ROOT, "%-44s %10.2f CPU ms (min %.2f, %d runs)%n", key, median, sorted[0], n);
        return String.format(Locale.ROOT, "{\"key\": \"%s\", \"median_ms\": %.4f, \"min_ms\": %.4f, \"repeats\": %d}",
                key, median, sorted[0], n);
    }
}
