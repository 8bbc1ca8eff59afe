package dev.gpusr.cli;

/** A problem with what was asked (bad model for --scale, bad option combination): exit code 2, one line. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
