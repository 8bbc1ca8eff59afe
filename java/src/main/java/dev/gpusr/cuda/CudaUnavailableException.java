package dev.gpusr.cuda;

/**
 * A part of the CUDA stack that this machine or build does not have (cuDNN not installed, a jar built without the
 * kernels): nothing went wrong, the work that needs it cannot run here. The message says what is missing and how to
 * get it.
 */
public class CudaUnavailableException extends CudaException {
    public CudaUnavailableException(String message) {
        super(message);
    }
}
