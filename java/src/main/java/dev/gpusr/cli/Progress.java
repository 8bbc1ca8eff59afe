package dev.gpusr.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr for batches: items done, items/s and ETA. Redrawn in place on a terminal; elsewhere (logs,
 * CI) one line every few seconds so logs stay readable.
 */
final class Progress {
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private final PrintStream err;
    private final int total;
    private final String unit;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastPrint;
    private int done;

    Progress(PrintStream err, int total, String unit) {
        this.err = err;
        this.total = total;
        this.unit = unit;
        this.terminal = System.console() != null;
    }

    void advance(String current) {
        done++;
        long now = System.nanoTime();
        if (!terminal && now - lastPrint < LOG_INTERVAL_NANOS && done < total) return;
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        int width = 24;
        int filled = (int) Math.round(width * (double) done / total);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String line = String.format(Locale.ROOT, "[%s] %d/%d %s  %.2f %s/s  ETA %s  %s", bar, done, total, unit, rate, unit,
                clock(eta), shorten(current));
        if (terminal) {
            err.print("\r" + line + " ".repeat(8) + (done == total ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends an in-place bar early so the next message starts on its own line. */
    void interrupt() {
        if (terminal && done > 0 && done < total) err.println();
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String shorten(String name) {
        return name.length() <= 40 ? name : "..." + name.substring(name.length() - 37);
    }
}
