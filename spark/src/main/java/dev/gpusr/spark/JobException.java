package dev.gpusr.spark;

/** A run that cannot start (bad options, an output location that cannot be written): one clear line and an exit code. */
public final class JobException extends RuntimeException {
    private final int exitCode;

    public JobException(String message) {
        this(message, dev.gpusr.cli.Main.SOME_FAILED);
    }

    public JobException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
