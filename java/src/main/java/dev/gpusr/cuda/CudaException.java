package dev.gpusr.cuda;

/**
 * A failed CUDA, driver or cuDNN call: the message names the call, the status and a hint about the fix.
 */
public class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "call failed: STATUS (hint)" */
    public static CudaException of(String call, String status, String hint) {
        return new CudaException(call + " failed: " + status + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
    }
}
