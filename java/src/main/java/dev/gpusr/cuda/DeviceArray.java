package dev.gpusr.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * A fixed block of device memory with synchronous host copies, freed on close: the buffers of the benchmarks and
 * their checks (the engine's own buffers are {@link DeviceBuffer}s, which grow and copy asynchronously). Copies here
 * use the legacy default stream, which orders itself with a blocking stream ({@link CudaContext#open} with
 * {@code blockingStream}), because they are set-up and checks; {@link #upload(float[])} and
 * {@link #downloadInto(float[])} are also what an engine's pageable host copy costs.
 */
public final class DeviceArray implements AutoCloseable {
    /** Host tile size for filling large buffers: big enough to look random to a kernel, small enough to make fast. */
    private static final int FILL_TILE_BYTES = 16 << 20;

    private final Pointer ptr;
    private final long bytes;
    private final String what;
    private boolean freed;

    private DeviceArray(long bytes, String what) {
        if (bytes <= 0) throw new IllegalArgumentException(what + ": buffer size must be positive, got " + bytes);
        this.bytes = bytes;
        this.what = what;
        this.ptr = CudaCheck.mallocDevice(bytes, what);
    }

    public static DeviceArray allocate(long bytes, String what) {
        return new DeviceArray(bytes, what);
    }

    public static DeviceArray floats(long count, String what) {
        return new DeviceArray(count * Sizeof.FLOAT, what);
    }

    public static DeviceArray floats(float[] data, String what) {
        DeviceArray b = floats(data.length, what);
        b.upload(data);
        return b;
    }

    /** binary16 values (fp16 tensors). */
    public static DeviceArray halves(short[] data, String what) {
        DeviceArray b = allocate((long) data.length * Sizeof.SHORT, what);
        b.upload(data);
        return b;
    }

    Pointer ptr() {
        return ptr;
    }

    public long bytes() {
        return bytes;
    }

    Pointer at(long byteOffset) {
        if (byteOffset < 0 || byteOffset > bytes) throw new IndexOutOfBoundsException(what + ": offset " + byteOffset);
        return ptr.withByteOffset(byteOffset);
    }

    public void upload(float[] data) {
        copyIn(Pointer.to(data), (long) data.length * Sizeof.FLOAT, 0);
    }

    public void upload(short[] data) {
        copyIn(Pointer.to(data), (long) data.length * Sizeof.SHORT, 0);
    }

    public void upload(byte[] data) {
        copyIn(Pointer.to(data), data.length, 0);
    }

    private void copyIn(Pointer host, long n, long offset) {
        if (offset + n > bytes) throw new IndexOutOfBoundsException(what + ": " + n + " bytes at " + offset + " > " + bytes);
        CudaCheck.runtime(JCuda.cudaMemcpy(ptr.withByteOffset(offset), host, n, cudaMemcpyKind.cudaMemcpyHostToDevice),
                "cudaMemcpy(host to device, " + what + ")");
    }

    public float[] downloadFloats(long floatIndex, int count) {
        float[] out = new float[count];
        copyOut(Pointer.to(out), (long) count * Sizeof.FLOAT, floatIndex * Sizeof.FLOAT);
        return out;
    }

    /** Fills {@code out} from the start of this buffer. */
    public void downloadInto(float[] out) {
        copyOut(Pointer.to(out), (long) out.length * Sizeof.FLOAT, 0);
    }

    public short[] downloadShorts(long index, int count) {
        short[] out = new short[count];
        copyOut(Pointer.to(out), (long) count * Sizeof.SHORT, index * Sizeof.SHORT);
        return out;
    }

    public byte[] downloadBytes(long offset, int count) {
        byte[] out = new byte[count];
        copyOut(Pointer.to(out), count, offset);
        return out;
    }

    public double[] downloadDoubles(long index, int count) {
        double[] out = new double[count];
        copyOut(Pointer.to(out), (long) count * Sizeof.DOUBLE, index * Sizeof.DOUBLE);
        return out;
    }

    private void copyOut(Pointer host, long n, long offset) {
        if (offset + n > bytes) throw new IndexOutOfBoundsException(what + ": " + n + " bytes at " + offset + " > " + bytes);
        CudaCheck.runtime(JCuda.cudaMemcpy(host, ptr.withByteOffset(offset), n, cudaMemcpyKind.cudaMemcpyDeviceToHost),
                "cudaMemcpy(device to host, " + what + ")");
    }

    /** Queues a copy of all of {@code src} (at most this buffer's size) into this buffer on the context's stream. */
    public void copyFromAsync(DeviceArray src, CudaContext ctx) {
        if (src.bytes > bytes) throw new IndexOutOfBoundsException(src.what + " (" + src.bytes + " bytes) > " + what);
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(ptr, src.ptr, src.bytes, cudaMemcpyKind.cudaMemcpyDeviceToDevice,
                ctx.stream()), "cudaMemcpyAsync(device to device, " + src.what + " to " + what + ")");
    }

    /** Fills the buffer with float32 values uniform in [lo, hi): one random host tile repeated by device copies. */
    public DeviceArray fillUniform(long seed, float lo, float hi) {
        return fillFloats(seed, lo, hi, false);
    }

    /** As {@link #fillUniform} with binary16 values. */
    public DeviceArray fillUniformHalf(long seed, float lo, float hi) {
        return fillFloats(seed, lo, hi, true);
    }

    private DeviceArray fillFloats(long seed, float lo, float hi, boolean half) {
        int size = half ? Sizeof.SHORT : Sizeof.FLOAT;
        int count = (int) Math.min(bytes / size, FILL_TILE_BYTES / size);
        ByteBuffer tile = ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
        Random rng = new Random(seed);
        for (int i = 0; i < count; i++) {
            float v = lo + (hi - lo) * rng.nextFloat();
            if (half) tile.putShort(Half.fromFloat(v));
            else tile.putFloat(v);
        }
        fillRepeating(tile.array());
        return this;
    }

    /** Repeats {@code tile} over the whole buffer (the last copy may be partial). */
    public DeviceArray fillRepeating(byte[] tile) {
        long first = Math.min(tile.length, bytes);
        copyIn(Pointer.to(tile), first, 0);
        long done = first;
        while (done < bytes) {
            long chunk = Math.min(done, bytes - done);
            CudaCheck.runtime(JCuda.cudaMemcpy(ptr.withByteOffset(done), ptr, chunk,
                    cudaMemcpyKind.cudaMemcpyDeviceToDevice), "cudaMemcpy(device to device, filling " + what + ")");
            done += chunk;
        }
        return this;
    }

    public DeviceArray zero() {
        CudaCheck.runtime(JCuda.cudaMemset(ptr, 0, bytes), "cudaMemset(" + what + ")");
        return this;
    }

    /** Frees the memory (after the device is done with it: cudaFree waits for queued work); safe to call again. */
    @Override
    public void close() {
        if (!freed) {
            freed = true;
            CudaCheck.runtime(JCuda.cudaFree(ptr), "cudaFree(" + what + ")");
        }
    }
}
