package dev.gpusr.bench;

import dev.gpusr.util.Json;
import java.util.Map;

/**
 * One line of the benchmark table: what ran (section, op, model, precision, shape, where), how long it took, the
 * work it did, which ceiling it is judged against and whether its result matched the CPU. A row that could not run
 * carries a status and the reason instead of numbers.
 */
public final class BenchRow {
    public enum Status { OK, SKIPPED, ERROR }

    /** The limit a row is compared with; which one is a property of the operation, not of the measurement. */
    public enum Ceiling {
        NONE("-"),
        /** Bytes per second of a large device-to-device copy measured in the same run. */
        BANDWIDTH("bw"),
        /** fp32 FMA peak computed from the device's SM count and clock. */
        FP32_FMA("fma");

        public final String shortName;

        Ceiling(String shortName) {
            this.shortName = shortName;
        }
    }

    private final String section;
    private final String op;
    private String model = "";
    private String precision = "";
    private String shape = "";
    private String where = "gpu";
    private String key;
    private String id;
    private String note = "";
    private Ceiling ceiling = Ceiling.NONE;
    private Work work = Work.NONE;
    private Timing timing;
    private Check check = Check.unchecked("not checked");
    private Status status = Status.OK;
    private String reason = "";

    public BenchRow(String section, String op) {
        this.section = section;
        this.op = op;
    }

    public BenchRow model(String m) { this.model = m; return this; }
    public BenchRow precision(String p) { this.precision = p; return this; }
    public BenchRow shape(String s) { this.shape = s; return this; }
    public BenchRow where(String w) { this.where = w; return this; }
    /** The key under which the PyTorch peer reports the same work (benchmarks/peer), or null when it has none. */
    public BenchRow key(String k) { this.key = k; return this; }
    public BenchRow note(String n) { this.note = n; return this; }
    /** The GPU case id ({@code GpuCases}), which the JMH GPU benchmark takes as its parameter. */
    public BenchRow id(String i) { this.id = i; return this; }
    public BenchRow ceiling(Ceiling c) { this.ceiling = c; return this; }
    public BenchRow work(Work w) { this.work = w; return this; }
    public BenchRow timing(Timing t) { this.timing = t; return this; }
    public BenchRow check(Check c) { this.check = c; return this; }

    public BenchRow skipped(String why) {
        this.status = Status.SKIPPED;
        this.reason = why;
        return this;
    }

    public BenchRow error(String why) {
        this.status = Status.ERROR;
        this.reason = why;
        return this;
    }

    public String section() { return section; }
    public String op() { return op; }
    public String model() { return model; }
    public String precision() { return precision; }
    public String shape() { return shape; }
    public String where() { return where; }
    public String key() { return key; }
    public String id() { return id; }
    public String note() { return note; }
    public Ceiling ceiling() { return ceiling; }
    public Work work() { return work; }
    public Timing timing() { return timing; }
    public Check check() { return check; }
    public Status status() { return status; }
    public String reason() { return reason; }

    public boolean measured() {
        return status == Status.OK && timing != null;
    }

    public double medianMs() {
        return measured() ? timing.medianMs() : Double.NaN;
    }

    public double megapixelsPerSecond() {
        return BenchStats.megapixelsPerSecond(work.pixels(), medianMs());
    }

    public double gigabytesPerSecond() {
        return BenchStats.gigabytesPerSecond(work.bytes(), medianMs());
    }

    public double teraflopsPerSecond() {
        return BenchStats.teraflopsPerSecond(work.flop(), medianMs());
    }

    /** Percent of this row's ceiling, NaN when it has none, was not measured, or the ceiling is unknown. */
    public double percentOfCeiling(Ceilings c) {
        if (c == null || !"gpu".equals(where)) return Double.NaN;
        return switch (ceiling) {
            case NONE -> Double.NaN;
            case BANDWIDTH -> BenchStats.percentOf(gigabytesPerSecond(), c.copyGigabytesPerSecond());
            case FP32_FMA -> BenchStats.percentOf(teraflopsPerSecond(), c.fp32FmaTeraflops());
        };
    }

    /** The row as JSON-ready values (non-finite numbers become null when written). */
    public Map<String, Object> toMap(Ceilings c) {
        Map<String, Object> m = Json.object("section", section, "op", op, "model", model, "precision", precision,
                "shape", shape, "where", where, "key", key);
        if (id != null) m.put("id", id);
        m.put("status", status.name().toLowerCase());
        if (status != Status.OK) m.put("reason", reason);
        if (measured()) {
            m.putAll(Json.object("median_ms", timing.medianMs(), "min_ms", timing.minMs(), "max_ms", timing.maxMs(),
                    "host_median_ms", timing.hostMedianMs(), "clock", timing.fromDeviceClock() ? "cuda-events" : "host",
                    "repeats", timing.repeats(), "runs_per_repeat", timing.runsPerRepeat(), "mpix_per_s",
                    megapixelsPerSecond(), "gb_per_s", gigabytesPerSecond(), "tflop_per_s", teraflopsPerSecond(),
                    "ceiling", ceiling.name().toLowerCase(), "percent_of_ceiling", percentOfCeiling(c)));
        }
        m.put("pixels", work.pixels());
        m.put("bytes", work.bytes());
        m.put("flop", work.flop());
        m.put("check", check.outcome().name().toLowerCase());
        m.put("check_detail", check.detail());
        m.put("note", note);
        return m;
    }
}
