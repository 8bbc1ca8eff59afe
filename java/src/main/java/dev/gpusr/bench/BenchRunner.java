package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;
import dev.gpusr.util.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code gpu-sr bench}: runs the CPU part, then (when a GPU is usable) the ceilings and the GPU rows, then the CUDA
 * engine; prints a progress line per row while running, the table at the end, and writes JSON after every section
 * so a crash part-way still leaves the rows measured so far. Exit status: 0 when every row ran or was skipped for a
 * stated reason; 1 when a row failed or a result did not match the CPU.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /** @param sections empty = all of {@link BenchPlan#SECTIONS} */
    public record Options(int device, boolean quick, Path json, Set<String> sections, String commandLine) {}

    public static final String SKIP_PREFIX = "gpu-sr bench: GPU part skipped: ";

    /** Runs the plan; true when no row failed its check or ended in an error (the CLI maps this to an exit code). */
    public static boolean run(Options options, Optional<String> gpuUnavailable, PrintWriter out, PrintWriter progress) {
        BenchPlan plan = BenchPlan.of(options.quick(), options.sections());
        if (options.json() != null) {
            Path parent = options.json().toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("--json: folder " + parent + " does not exist");
            }
        }
        BenchReport report = new BenchReport();
        report.put("gpu_sr", version());
        report.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        report.put("command", options.commandLine());
        report.put("mode", plan.quick() ? "quick" : "full");
        report.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        report.put("cpu_threads", Runtime.getRuntime().availableProcessors());
        // benchmarks/cpu-vs-torch.sh gives PyTorch's rows the same warm-up from here
        report.put("cpu_warmup_ms", plan.cpuWarmupMs());
        Sink sink = new Sink(report, progress, options.json());

        if (plan.runs("cpu")) {
            CpuBenchmarks.run(plan, sink::add);
            sink.save();
        }
        boolean gpuSections = plan.sections().stream().anyMatch(s -> !s.equals("cpu"));
        if (gpuSections) {
            if (gpuUnavailable.isPresent()) {
                report.gpuSkipped(gpuUnavailable.get());
                out.println(SKIP_PREFIX + gpuUnavailable.get());
                out.flush();
            } else {
                runGpu(options.device(), plan, report, sink, progress);
            }
        }
        sink.save();
        report.printHeader(out);
        report.printTable(out);
        long errors = report.count(BenchRow.Status.ERROR);
        long failed = report.failedChecks();
        out.flush();
        out.printf(Locale.ROOT, "%d rows: %d measured, %d skipped, %d errors; %d failed checks%n", report.rows().size(),
                report.rows().stream().filter(BenchRow::measured).count(), report.count(BenchRow.Status.SKIPPED),
                errors, failed);
        if (options.json() != null) out.println("wrote " + options.json());
        out.flush();
        return errors == 0 && failed == 0;
    }

    private static void runGpu(int device, BenchPlan plan, BenchReport report, Sink sink, PrintWriter progress) {
        CudaContext ctx;
        try {
            ctx = CudaContext.open(device, true);
        } catch (RuntimeException | LinkageError e) {
            BenchRow row = new BenchRow("gpu", "open device " + device);
            CpuBenchmarks.fail(row, e);
            sink.add(row);
            return;
        }
        try (ctx) {
            report.environment().putAll(ctx.describe());
            double fma = BenchStats.fp32FmaPeakTflops(ctx.multiprocessors(), ctx.clockKHz(), ctx.ccMajor(), ctx.ccMinor());
            String fmaMethod = String.format(Locale.ROOT, "computed, not measured: %d SMs x %d FP32 lanes x 2 FLOP x %d MHz",
                    ctx.multiprocessors(), BenchStats.fp32LanesPerSm(ctx.ccMajor(), ctx.ccMinor()), ctx.clockKHz() / 1000);
            report.ceilings(new Ceilings(Double.NaN, fma, "not measured (run the ceiling section)", fmaMethod));
            GpuTimer timer = new GpuTimer(plan);
            String section = null;
            for (GpuCase c : GpuCases.all(plan)) {
                if (section != null && !section.equals(c.row().section())) sink.save();
                section = c.row().section();
                runCase(ctx, timer, c);
                sink.add(c.row());
                if (c.id().equals("copy-d2d") && c.row().measured()) {
                    report.ceilings(new Ceilings(c.row().gigabytesPerSecond(), fma, String.format(Locale.ROOT,
                            "measured: cudaMemcpyAsync device to device of %d MiB, (read + written bytes) / median time",
                            GpuCases.COPY_BYTES >> 20), fmaMethod));
                }
            }
            sink.save();
        }
        if (plan.runs("engine")) {
            // Engines prints its notices on a PrintStream; they are progress, like ours
            EngineBenchmarks.run(device, plan, System.err, sink::add);
        }
    }

    static void runCase(CudaContext ctx, GpuTimer timer, GpuCase c) {
        BenchRow row = c.row();
        try (GpuOp op = c.factory().create(ctx)) {
            row.check(op.check());
            row.timing(timer.measure(op.timedContext(), op::launch));
            String note = op.note();
            if (!note.isEmpty()) row.note(row.note().isEmpty() ? note : row.note() + "; " + note);
        } catch (RuntimeException | LinkageError e) {
            CpuBenchmarks.fail(row, e);
            try {
                ctx.sync(); // surface (and clear, where the error is not sticky) an asynchronous failure here
            } catch (RuntimeException ignored) {
                // already reported through the row
            }
        }
    }

    /** Collects rows, prints a progress line for each, rewrites the JSON file on request. */
    private record Sink(BenchReport report, PrintWriter progress, Path json) {
        void add(BenchRow row) {
            report.add(row);
            StringBuilder b = new StringBuilder("[bench] ").append(row.section()).append(' ').append(row.op());
            for (String s : List.of(row.model(), row.precision(), row.shape())) if (!s.isEmpty()) b.append(' ').append(s);
            if (row.measured()) {
                b.append(": ").append(BenchReport.format(row.medianMs())).append(" ms, check ")
                        .append(row.check().shortText());
                if (row.check().outcome() == Check.Outcome.FAILED) b.append(" (").append(row.check().detail()).append(')');
            } else {
                b.append(": ").append(row.status().name().toLowerCase()).append(": ").append(row.reason());
            }
            progress.println(b);
            progress.flush();
        }

        void save() {
            if (json == null) return;
            try {
                AtomicFiles.write(json, report.toJson().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                progress.println("[bench] could not write " + json + ": " + e.getMessage());
            }
        }
    }

    static String version() {
        try (InputStream in = BenchRunner.class.getResourceAsStream("/dev/gpusr/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
