package dev.gpusr.engine;

/**
 * The engine's device is gone for good (e.g. the CUDA context was lost to an illegal address or a launch failure):
 * nothing more can run on it. A batch stops its worker; images already written stay complete.
 */
public class EngineLostException extends RuntimeException {
    public EngineLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
