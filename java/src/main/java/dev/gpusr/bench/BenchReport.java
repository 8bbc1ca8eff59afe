package dev.gpusr.bench;

import dev.gpusr.util.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Everything one benchmark run found: where it ran, the ceilings, the rows; printed as a table or JSON. */
public final class BenchReport {
    private final Map<String, Object> environment = new LinkedHashMap<>();
    private final List<BenchRow> rows = new ArrayList<>();
    private Ceilings ceilings = Ceilings.UNKNOWN;
    private String gpuSkipReason;

    public Map<String, Object> environment() {
        return environment;
    }

    public void put(String key, Object value) {
        environment.put(key, value);
    }

    public void add(BenchRow row) {
        rows.add(row);
    }

    public List<BenchRow> rows() {
        return Collections.unmodifiableList(rows);
    }

    public Ceilings ceilings() {
        return ceilings;
    }

    public void ceilings(Ceilings c) {
        this.ceilings = c;
    }

    /** Set when the GPU part did not run, with the one-line reason. */
    public void gpuSkipped(String reason) {
        this.gpuSkipReason = reason;
    }

    public long count(BenchRow.Status status) {
        return rows.stream().filter(r -> r.status() == status).count();
    }

    public long failedChecks() {
        return rows.stream().filter(r -> r.check().outcome() == Check.Outcome.FAILED).count();
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "gpu-sr bench");
        m.put("environment", environment);
        m.put("gpu_skipped", gpuSkipReason);
        m.put("ceilings", ceilings.toMap());
        List<Object> list = new ArrayList<>();
        for (BenchRow r : rows) list.add(r.toMap(ceilings));
        m.put("rows", list);
        return Json.write(m);
    }

    private static final String[] HEADER = {"section", "op", "model", "prec", "shape", "median ms", "host ms",
        "Mpix/s", "GB/s", "TFLOP/s", "% ceil", "check"};

    public void printTable(PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (BenchRow r : rows) lines.add(cells(r));
        int[] width = new int[HEADER.length];
        for (String[] l : lines) {
            // a short (skipped) row's last cell holds the reason: it runs on instead of widening a column
            int counted = l.length == HEADER.length ? l.length : l.length - 1;
            for (int i = 0; i < counted; i++) width[i] = Math.max(width[i], l[i].length());
        }
        for (String[] l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                boolean numeric = i >= 5 && i <= 10 && l.length == HEADER.length;
                String cell = l[i];
                if (i == l.length - 1) {
                    b.append(numeric ? pad(cell, width[i], true) : cell);
                } else {
                    b.append(pad(cell, width[i], numeric)).append("  ");
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private String[] cells(BenchRow r) {
        String[] head = {r.section(), r.op(), r.model(), r.precision(), r.shape()};
        if (!r.measured()) {
            String[] c = new String[6];
            System.arraycopy(head, 0, c, 0, 5);
            c[5] = r.status().name().toLowerCase() + ": " + r.reason();
            return c;
        }
        double pct = r.percentOfCeiling(ceilings);
        String pctText = Double.isNaN(pct) ? "-" : format(pct) + " " + r.ceiling().shortName;
        Timing t = r.timing();
        return new String[] {head[0], head[1], head[2], head[3], head[4], format(r.medianMs()),
            t.fromDeviceClock() ? format(t.hostMedianMs()) : "-", format(r.megapixelsPerSecond()),
            format(r.gigabytesPerSecond()), format(r.teraflopsPerSecond()), pctText, r.check().shortText()};
    }

    private static String pad(String s, int w, boolean right) {
        if (s.length() >= w) return s;
        String space = " ".repeat(w - s.length());
        return right ? space + s : s + space;
    }

    /** Three significant digits without exponent for the usual range; "-" for missing. */
    public static String format(double v) {
        if (!Double.isFinite(v)) return "-";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
        if (a >= 0.01 || a == 0) return String.format(Locale.ROOT, "%.3f", v);
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** The lines printed above the table: where it ran and the ceilings. */
    public void printHeader(PrintWriter out) {
        for (Map.Entry<String, Object> e : environment.entrySet()) out.println(e.getKey() + ": " + e.getValue());
        if (gpuSkipReason == null) {
            out.println("ceiling bw  = " + format(ceilings.copyGigabytesPerSecond()) + " GB/s, " + ceilings.copyMethod());
            out.println("ceiling fma = " + format(ceilings.fp32FmaTeraflops()) + " TFLOP/s, " + ceilings.fmaMethod());
        }
    }
}
