package dev.gpusr.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The training progress line and the timing behind it: steps/s, sub-images/s and the ETA count training time only
 * (validation, metrics and checkpoint time is {@link #exclude excluded}). A live display redraws one
 * {@code \r}-updated line; otherwise a line is printed every {@code progressSeconds}.
 */
final class TrainingProgress {
    /** A live line is redrawn at most this often: fast enough to look live, rare enough to cost nothing. */
    static final double LIVE_REDRAW_SECONDS = 0.25;

    private final PrintStream out;
    private final PrintStream log;
    private final boolean live;
    private final double interval;
    private final int batch;
    private final long startStep;
    private final long startNanos = System.nanoTime();
    private long excludedNanos;
    private long lastPrintNanos = startNanos;
    private double lossSum;
    private int lossCount;
    private double shownLoss = Double.NaN;
    private int liveLength;

    /** Lasting lines go to {@code out}, progress lines to {@code log}. */
    TrainingProgress(PrintStream out, PrintStream log, boolean live, double progressSeconds, int batch, long startStep) {
        this.out = out;
        this.log = log;
        this.live = live;
        this.interval = live ? Math.min(LIVE_REDRAW_SECONDS, progressSeconds) : progressSeconds;
        this.batch = batch;
        this.startStep = startStep;
    }

    void addLoss(double loss) {
        lossSum += loss;
        lossCount++;
    }

    /** Leaves {@code nanos} out of the training time (time spent validating, writing metrics or checkpoints). */
    void exclude(long nanos) {
        excludedNanos += nanos;
    }

    double trainSeconds() {
        return trainNanos() / 1e9;
    }

    long trainNanos() {
        return System.nanoTime() - startNanos - excludedNanos;
    }

    /** Shows the line when it is due, and always at the {@code target} step. */
    void stepDone(long step, long epoch, long target) {
        long now = System.nanoTime();
        boolean due = (now - lastPrintNanos) / 1e9 >= interval;
        if (!due && step != target) return;
        lastPrintNanos = now;
        if (lossCount > 0) {
            shownLoss = lossSum / lossCount;
            lossSum = 0;
            lossCount = 0;
        }
        double seconds = Math.max(1e-9, trainSeconds());
        double stepsPerSecond = (step - startStep) / seconds;
        String line = String.format(Locale.ROOT, "step %d/%d (epoch %d) loss %s  %.2f steps/s  %s patches/s  ETA %s",
                step, target, epoch + 1, lossText(shownLoss), stepsPerSecond,
                compact(stepsPerSecond * batch), duration((target - step) / stepsPerSecond));
        if (live) {
            int pad = Math.max(0, liveLength - line.length());
            log.print("\r" + line + " ".repeat(pad));
            log.flush();
            liveLength = line.length();
        } else {
            log.println(line);
        }
    }

    /** Prints a lasting line to the output stream, first clearing a live progress line. */
    void println(String line) {
        endLine();
        out.println(line);
        out.flush();
    }

    /** Ends a live line where it stands, so the last progress stays on screen. */
    void keepLine() {
        if (liveLength > 0) {
            log.println();
            liveLength = 0;
        }
    }

    /** Clears a live line. */
    void endLine() {
        if (liveLength > 0) {
            log.print("\r" + " ".repeat(liveLength) + "\r");
            log.flush();
            liveLength = 0;
        }
    }

    /** The mean squared error and the PSNR it amounts to on [0, 1] values. */
    static String lossText(double loss) {
        if (Double.isNaN(loss)) return "-";
        return String.format(Locale.ROOT, "%.4e (%.2f dB)", loss, -10 * Math.log10(loss));
    }

    static String compact(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
