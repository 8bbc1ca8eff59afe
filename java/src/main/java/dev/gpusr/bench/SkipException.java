package dev.gpusr.bench;

import dev.gpusr.cuda.CudaUnavailableException;

/** A benchmark that cannot run here for a known reason (no kernels in this build, no cuDNN): a skipped row. */
public final class SkipException extends RuntimeException {
    public SkipException(String reason) {
        super(reason);
    }

    /**
     * The reason to report when {@code t} means "cannot run here" rather than "went wrong", else null: our own
     * skips, a part of the CUDA stack this machine or build lacks, an engine that {@code Engines} says cannot be
     * used, and native libraries that are missing.
     */
    public static String skipReason(Throwable t) {
        if (t instanceof SkipException) return t.getMessage();
        if (t instanceof CudaUnavailableException) return t.getMessage();
        if (t instanceof dev.gpusr.device.Engines.EngineUnavailableException) return t.getMessage();
        if (t instanceof LinkageError) return "native library missing: " + t.getMessage();
        return null;
    }
}
