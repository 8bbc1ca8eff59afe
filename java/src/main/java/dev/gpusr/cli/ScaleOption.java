package dev.gpusr.cli;

import dev.gpusr.model.SrcnnConfig;

/** What --scale accepts, said once for the help texts and the checks of every command that takes it. */
final class ScaleOption {
    /** The help text's range; a compile-time constant so that picocli annotations can use it. */
    static final String RANGE = "1 to " + SrcnnConfig.MAX_SCALE;
    /** For commands whose model may be any file. */
    static final String HELP = "Factor " + RANGE + " (bundled models: 2, 3, 4).";

    private ScaleOption() {}

    /** Refuses (exit 2) a factor outside {@link #RANGE}; null (not given) passes. */
    static Integer check(Integer scale) {
        if (scale != null && (scale < 1 || scale > SrcnnConfig.MAX_SCALE)) {
            throw new UsageException("--scale must be " + RANGE + ", got " + scale);
        }
        return scale;
    }
}
