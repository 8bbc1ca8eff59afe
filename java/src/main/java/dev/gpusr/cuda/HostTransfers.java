package dev.gpusr.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * Host <-> device copies through page-locked staging memory, so uploads are truly asynchronous: the caller's array is
 * copied into a staging slot and the DMA is queued on the stream. A ring of slots, each guarded by an event, lets the
 * host fill the next batch while the GPU still works on earlier ones; large tensors go through in slot-sized pieces.
 */
final class HostTransfers implements AutoCloseable {
    private static final int SLOTS = 4;
    /**
     * Floats per staging block: a ByteBuffer is int-indexed (so a block must stay below 2 GiB), and 64 MiB pieces keep
     * the pinned footprint small while still saturating PCIe.
     */
    private static final int BLOCK_FLOATS = 16 << 20;

    private final cudaStream_t stream;
    private final PinnedBlock[] slot = new PinnedBlock[SLOTS];
    private final cudaEvent_t[] slotReusable = new cudaEvent_t[SLOTS];
    private int nextSlot;
    private PinnedBlock download;

    HostTransfers(cudaStream_t stream) {
        this.stream = stream;
        try {
            for (int k = 0; k < SLOTS; k++) {
                cudaEvent_t e = new cudaEvent_t();
                CudaCheck.runtime(JCuda.cudaEventCreateWithFlags(e, JCuda.cudaEventDisableTiming),
                        "cudaEventCreateWithFlags");
                slotReusable[k] = e;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Queues a copy of {@code src[off, off + count)} to device memory {@code dst}; returns once it is staged. */
    void upload(float[] src, int off, int count, Pointer dst) {
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, BLOCK_FLOATS);
            uploadBlock(src, off + done, n, done == 0 ? dst : dst.withByteOffset(4L * done));
            done += n;
        }
    }

    private void uploadBlock(float[] src, int off, int count, Pointer dst) {
        int k = nextSlot;
        nextSlot = (nextSlot + 1) % SLOTS;
        // the copy that last used this slot must have read it before it is overwritten
        CudaCheck.runtime(JCuda.cudaEventSynchronize(slotReusable[k]), "cudaEventSynchronize (staging slot " + k + ")");
        long bytes = 4L * count;
        if (slot[k] == null || slot[k].bytes < bytes) {
            PinnedBlock old = slot[k];
            slot[k] = null;
            if (old != null) old.free();
            slot[k] = PinnedBlock.allocate(bytes, "upload staging");
        }
        slot[k].floats().put(src, off, count);
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(dst, slot[k].pointer, bytes, cudaMemcpyKind.cudaMemcpyHostToDevice,
                stream), "cudaMemcpyAsync (host to device, " + CudaCheck.formatBytes(bytes) + ")");
        CudaCheck.runtime(JCuda.cudaEventRecord(slotReusable[k], stream), "cudaEventRecord (staging slot " + k + ")");
    }

    /** Copies {@code count} floats from device memory {@code src} into {@code dst[off...]} after all queued work. */
    void download(Pointer src, float[] dst, int off, int count) {
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, BLOCK_FLOATS);
            downloadBlock(done == 0 ? src : src.withByteOffset(4L * done), dst, off + done, n);
            done += n;
        }
    }

    private void downloadBlock(Pointer src, float[] dst, int off, int count) {
        long bytes = 4L * count;
        if (download == null || download.bytes < bytes) {
            PinnedBlock old = download;
            download = null;
            if (old != null) old.free();
            download = PinnedBlock.allocate(bytes, "download staging");
        }
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(download.pointer, src, bytes, cudaMemcpyKind.cudaMemcpyDeviceToHost,
                stream), "cudaMemcpyAsync (device to host, " + CudaCheck.formatBytes(bytes) + ")");
        CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize (after a device-to-host copy)");
        download.floats().get(dst, off, count);
    }

    /**
     * Page-locked host memory: a direct ByteBuffer (which Java reads and writes fast) registered with CUDA (so DMA
     * copies from it are asynchronous). Freed only after the copies that read it are done (event or stream waited on).
     */
    static final class PinnedBlock { // also CudaPixelPath's staging
        final ByteBuffer buffer;
        final Pointer pointer;
        final long bytes;

        private PinnedBlock(ByteBuffer buffer, Pointer pointer, long bytes) {
            this.buffer = buffer;
            this.pointer = pointer;
            this.bytes = bytes;
        }

        static PinnedBlock allocate(long bytes, String what) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
            Pointer pointer = Pointer.to(buffer);
            int status = JCuda.cudaHostRegister(pointer, bytes, JCuda.cudaHostRegisterDefault);
            if (status != 0) {
                JCuda.cudaGetLastError(); // not sticky; keep it out of the next check
                throw CudaException.of("cudaHostRegister(" + CudaCheck.formatBytes(bytes) + " for " + what + ")",
                        CudaCheck.runtimeStatus(status), "the system could not pin that much host memory");
            }
            return new PinnedBlock(buffer, pointer, bytes);
        }

        /** A fresh view from the start, so the block's own position never moves. */
        FloatBuffer floats() {
            return buffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        void free() {
            CudaCheck.runtime(JCuda.cudaHostUnregister(pointer), "cudaHostUnregister");
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int k = 0; k < SLOTS; k++) {
            try {
                cudaEvent_t e = slotReusable[k];
                slotReusable[k] = null;
                if (e != null) {
                    CudaCheck.runtime(JCuda.cudaEventSynchronize(e), "cudaEventSynchronize (staging slot " + k + ")");
                    CudaCheck.runtime(JCuda.cudaEventDestroy(e), "cudaEventDestroy");
                }
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
            try {
                PinnedBlock b = slot[k];
                slot[k] = null;
                if (b != null) b.free();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        try {
            PinnedBlock b = download;
            download = null;
            if (b != null) b.free();
        } catch (RuntimeException e) {
            if (first == null) first = e;
        }
        if (first != null) throw first;
    }
}
