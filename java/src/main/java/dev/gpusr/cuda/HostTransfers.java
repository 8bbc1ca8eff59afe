package dev.gpusr.cuda;

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
 * host fill the next batch while the GPU still works on earlier ones.
 */
final class HostTransfers implements AutoCloseable {
    private static final int SLOTS = 4;
    /** Floats per ByteBuffer view: views are int-indexed, tensors may be larger. */
    private static final int SEGMENT_FLOATS = 1 << 26;

    private final cudaStream_t stream;
    private final Pointer[] slot = new Pointer[SLOTS];
    private final long[] slotBytes = new long[SLOTS];
    private final cudaEvent_t[] slotReusable = new cudaEvent_t[SLOTS];
    private int nextSlot;
    private Pointer download;
    private long downloadBytes;

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
        int k = nextSlot;
        nextSlot = (nextSlot + 1) % SLOTS;
        CudaCheck.runtime(JCuda.cudaEventSynchronize(slotReusable[k]), "cudaEventSynchronize (staging slot " + k + ")");
        long bytes = 4L * count;
        if (slotBytes[k] < bytes) {
            freeHost(slot[k], "staging slot " + k);
            slot[k] = null;
            slotBytes[k] = 0;
            slot[k] = CudaCheck.mallocHost(bytes, "upload staging");
            slotBytes[k] = bytes;
        }
        writeFloats(slot[k], src, off, count);
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(dst, slot[k], bytes, cudaMemcpyKind.cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync (host to device, " + CudaCheck.formatBytes(bytes) + ")");
        CudaCheck.runtime(JCuda.cudaEventRecord(slotReusable[k], stream), "cudaEventRecord (staging slot " + k + ")");
    }

    /** Copies {@code count} floats from device memory {@code src} into {@code dst[off...]} after all queued work. */
    void download(Pointer src, float[] dst, int off, int count) {
        long bytes = 4L * count;
        if (downloadBytes < bytes) {
            CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            freeHost(download, "download staging");
            download = null;
            downloadBytes = 0;
            download = CudaCheck.mallocHost(bytes, "download staging");
            downloadBytes = bytes;
        }
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(download, src, bytes, cudaMemcpyKind.cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync (device to host, " + CudaCheck.formatBytes(bytes) + ")");
        CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize (after a device-to-host copy)");
        readFloats(download, dst, off, count);
    }

    private static void writeFloats(Pointer host, float[] src, int off, int count) {
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, SEGMENT_FLOATS);
            view(host, done, n).put(src, off + done, n);
            done += n;
        }
    }

    private static void readFloats(Pointer host, float[] dst, int off, int count) {
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, SEGMENT_FLOATS);
            view(host, done, n).get(dst, off + done, n);
            done += n;
        }
    }

    private static FloatBuffer view(Pointer host, long floatOffset, int floats) {
        return host.getByteBuffer(4L * floatOffset, 4L * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static void freeHost(Pointer p, String what) {
        if (p != null) CudaCheck.runtime(JCuda.cudaFreeHost(p), "cudaFreeHost (" + what + ")");
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int k = 0; k < SLOTS; k++) {
            try {
                if (slotReusable[k] != null) {
                    cudaEvent_t e = slotReusable[k];
                    slotReusable[k] = null;
                    JCuda.cudaEventSynchronize(e);
                    CudaCheck.runtime(JCuda.cudaEventDestroy(e), "cudaEventDestroy");
                }
                Pointer p = slot[k];
                slot[k] = null;
                slotBytes[k] = 0;
                freeHost(p, "staging slot " + k);
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        try {
            Pointer p = download;
            download = null;
            downloadBytes = 0;
            freeHost(p, "download staging");
        } catch (RuntimeException e) {
            if (first == null) first = e;
        }
        if (first != null) throw first;
    }
}
