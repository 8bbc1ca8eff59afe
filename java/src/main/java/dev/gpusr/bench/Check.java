package dev.gpusr.bench;

import java.util.Locale;
/** The one-time comparison of an operation's result with the CPU reference before it is timed. */
public record Check(Outcome outcome, String detail) {
    /** REFERENCE: the row times the CPU reference itself, which the other rows are checked against. */
    public enum Outcome { PASSED, FAILED, UNCHECKED, REFERENCE }

    public static Check passed(String detail) {
        return new Check(Outcome.PASSED, detail);
    }

    public static Check failed(String detail) {
        return new Check(Outcome.FAILED, detail);
    }

    public static Check unchecked(String why) {
        return new Check(Outcome.UNCHECKED, why);
    }

    public static Check reference() {
        return new Check(Outcome.REFERENCE, "the CPU reference itself");
    }

    /**
     * Compares {@code actual} with {@code expected}: passes when max |a - e| <= tolerance * max |e| (the reference's
     * own scale, so large sums and tiny gradients are judged alike; an all-zero reference is judged absolutely).
     */
    public static Check compare(String what, double[] expected, float[] actual, double tolerance) {
        if (expected.length != actual.length) {
            return failed(what + ": " + actual.length + " values, reference has " + expected.length);
        }
        double scale = 0;
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= worst)) { // also catches NaN
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worstAt = i;
            }
        }
        double rel = worst / (scale > 0 ? scale : 1);
        String text = String.format(Locale.ROOT, "max err %.1e", rel);
        if (rel <= tolerance) return passed(text);
        return failed(what + ": " + text + " > " + tolerance + " at " + worstAt + " (got " + actual[worstAt]
                + ", expected " + expected[worstAt] + ")");
    }

    public static Check compare(String what, float[] expected, float[] actual, double tolerance) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        return compare(what, e, actual, tolerance);
    }

    /** Both must pass; the first failure (or the first unchecked part) wins. */
    public Check and(Check other) {
        if (outcome == Outcome.FAILED) return this;
        if (other.outcome == Outcome.FAILED) return other;
        if (outcome == Outcome.UNCHECKED || outcome == Outcome.REFERENCE) return this;
        if (other.outcome == Outcome.UNCHECKED || other.outcome == Outcome.REFERENCE) return other;
        return passed(maxErrText(this, other));
    }

    private static String maxErrText(Check a, Check b) {
        return a.detail.equals(b.detail) ? a.detail : a.detail + "; " + b.detail;
    }

    /** Short text for the table. */
    public String shortText() {
        return switch (outcome) {
            case PASSED -> "ok " + detail.replace("max err ", "");
            case FAILED -> "FAILED";
            case UNCHECKED -> "unchecked";
            case REFERENCE -> "ref";
        };
    }
}
