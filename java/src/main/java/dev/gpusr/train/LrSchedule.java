package dev.gpusr.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * How the learning rates change over a run: a factor applied to every layer's base rate, a pure function of the
 * update's index and the run's length (so a resumed run picks up the schedule exactly where it stood).
 * <ul>
 *   <li>warm-up: the first {@code warmup} updates ramp linearly, update t (from 0) getting (t + 1) / warmup;
 *   <li>constant: 1 after the warm-up;
 *   <li>cosine: {@code 0.5 * (1 + cos(pi * (t - warmup) / (total - warmup)))} after the warm-up, from 1 down to
 *       nearly 0 at the last update;
 *   <li>step: 0.1 to the power of the number of milestones at or before t; the milestones are {@code lr-steps}
 *       (update counts) or, when none are given, half and three quarters of the run.
 * </ul>
 */
public record LrSchedule(Kind kind, long warmup, long[] milestones) {
    public enum Kind { CONSTANT, COSINE, STEP }

    /** The factor a step milestone multiplies the rate by. */
    public static final double STEP_GAMMA = 0.1;
    /** Where the step schedule drops when no milestones are given, as fractions of the run. */
    static final double[] DEFAULT_STEP_FRACTIONS = {0.5, 0.75};

    public LrSchedule {
        if (warmup < 0) throw new IllegalArgumentException("warm-up must be >= 0 steps, got " + warmup);
        milestones = milestones == null ? new long[0] : milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1) throw new IllegalArgumentException("lr steps must be >= 1, got " + milestones[i]);
            if (i > 0 && milestones[i] <= milestones[i - 1]) {
                throw new IllegalArgumentException("lr steps must increase: " + Arrays.toString(milestones));
            }
        }
        if (kind != Kind.STEP && milestones.length > 0) {
            throw new IllegalArgumentException("lr steps apply to the step schedule only");
        }
    }

    /** A constant rate without warm-up: what runs had before schedules existed. */
    public static LrSchedule constant() {
        return new LrSchedule(Kind.CONSTANT, 0, null);
    }

    /** The factor of update {@code t} (counted from 0) in a run of {@code total} updates. */
    public double factor(long t, long total) {
        if (t < warmup) return (t + 1) / (double) warmup;
        return switch (kind) {
            case CONSTANT -> 1.0;
            case COSINE -> {
                long span = total - warmup;
                yield span <= 0 ? 1.0 : 0.5 * (1 + Math.cos(Math.PI * (t - warmup) / span));
            }
            case STEP -> Math.pow(STEP_GAMMA, dropsBefore(t, total));
        };
    }

    /** The per-layer rates of update {@code t}: each base rate times {@link #factor}, in float. */
    public float[] rates(float[] base, long t, long total) {
        double f = factor(t, total);
        float[] out = new float[base.length];
        for (int i = 0; i < base.length; i++) out[i] = (float) (base[i] * f);
        return out;
    }

    private int dropsBefore(long t, long total) {
        int n = 0;
        if (milestones.length > 0) {
            for (long m : milestones) if (t >= m) n++;
        } else {
            for (double f : DEFAULT_STEP_FRACTIONS) if (t >= (long) Math.floor(f * total)) n++;
        }
        return n;
    }

    /** Parses {@code constant|cosine|step}. */
    public static Kind parseKind(String text) {
        try {
            return Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the learning-rate schedule is constant, cosine or step, not '" + text + "'");
        }
    }

    /** "1000,2000" -> {1000, 2000}. */
    public static long[] parseMilestones(String text) {
        String[] parts = text.split(",", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("lr steps: '" + parts[i].trim() + "' is not a step count");
            }
        }
        return out;
    }

    /** The schedule as run options (recorded in checkpoints and model metadata). */
    public void putOptions(Map<String, String> options) {
        options.put("lr_schedule", kind.name().toLowerCase(Locale.ROOT));
        options.put("warmup", Long.toString(warmup));
        if (milestones.length > 0) options.put("lr_steps", milestoneText());
    }

    /** The schedule recorded by {@link #putOptions}; a run from before schedules existed had a constant rate. */
    public static LrSchedule fromOptions(Map<String, String> options) {
        String kind = options.get("lr_schedule");
        if (kind == null) return constant();
        String steps = options.get("lr_steps");
        return new LrSchedule(parseKind(kind), Long.parseLong(options.getOrDefault("warmup", "0")),
                steps == null || steps.isEmpty() ? null : parseMilestones(steps));
    }

    private String milestoneText() {
        StringBuilder b = new StringBuilder();
        for (long m : milestones) b.append(b.length() == 0 ? "" : ",").append(m);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LrSchedule s && s.kind == kind && s.warmup == warmup && Arrays.equals(s.milestones, milestones);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Long.hashCode(warmup)) + Arrays.hashCode(milestones);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + (warmup > 0 ? " warm-up " + warmup : "")
                + (milestones.length > 0 ? " drops at " + milestoneText() : "");
    }
}
