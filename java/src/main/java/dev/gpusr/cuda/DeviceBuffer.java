package dev.gpusr.cuda;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * One device allocation that only grows: sized for the largest request seen, so steady-state steps allocate nothing.
 * Growing frees the old block (after the stream has drained, since queued work may still read it) and tells the owner,
 * whose CUDA graphs hold the old address.
 */
final class DeviceBuffer implements AutoCloseable {
    private final String what;
    private final Runnable onAddressChange;
    private Pointer pointer;
    private long capacity;

    DeviceBuffer(String what, Runnable onAddressChange) {
        this.what = what;
        this.onAddressChange = onAddressChange;
    }

    /** Makes room for at least {@code bytes}. */
    void ensure(long bytes, cudaStream_t stream) {
        if (bytes <= capacity) return;
        if (pointer != null) {
            CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize (before growing " + what + ")");
            free();
        }
        if (onAddressChange != null) onAddressChange.run();
        pointer = CudaCheck.mallocDevice(bytes, what);
        capacity = bytes;
    }

    /** The device address; a NULL pointer while nothing is allocated (cuDNN accepts that for a zero workspace). */
    Pointer pointer() {
        return pointer == null ? new Pointer() : pointer;
    }

    Pointer at(long byteOffset) {
        if (pointer == null) throw new IllegalStateException(what + " is not allocated");
        return pointer.withByteOffset(byteOffset);
    }

    long capacity() {
        return capacity;
    }

    private void free() {
        Pointer p = pointer;
        pointer = null;
        capacity = 0;
        CudaCheck.runtime(JCuda.cudaFree(p), "cudaFree (" + what + ")");
    }

    @Override
    public void close() {
        if (pointer != null) free();
    }
}
