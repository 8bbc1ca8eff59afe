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

    /**
     * True when the failure left the CUDA context unusable (a sticky error: illegal address, launch failure, a
     * failed cuDNN kernel): nothing more can run in this process on that device.
     */
    public boolean contextLost() {
        String m = getMessage();
        return m != null && m.contains(CudaCheck.RESTART_HINT);
    }

    /** True when a device allocation failed (CUDA or cuDNN): not sticky, a smaller tile may succeed. */
    public boolean outOfMemory() {
        String m = getMessage();
        return m != null && m.contains(CudaCheck.OUT_OF_MEMORY_HINT) && !contextLost();
    }
}
