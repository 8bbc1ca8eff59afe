package dev.gpusr.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * Device memory owned by one benchmark, freed on close. Copies here are synchronous (legacy default stream, which
 * orders itself with the benchmark's blocking stream), because they are set-up and checks, never timed.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Host tile size for filling large buffers: big enough to look random to a kernel, small enough to make fast. */
    private static final int FILL_TILE_BYTES = 16 << 20;

    private final Pointer ptr = new Pointer();
    private final long bytes;
    private final String what;
    private boolean freed;

    private DeviceBuffer(long bytes, String what) {
        if (bytes <= 0) throw new IllegalArgumentException(what + ": buffer size must be positive, got " + bytes);
        this.bytes = bytes;
        this.what = what;
        GpuContext.check(JCuda.cudaMalloc(ptr, bytes), "cudaMalloc(" + bytes + " bytes for " + what + ")", null);
    }

    public static DeviceBuffer allocate(long bytes, String what) {
        return new DeviceBuffer(bytes, what);
    }

    public static DeviceBuffer floats(long count, String what) {
        return new DeviceBuffer(count * Sizeof.FLOAT, what);
    }

    public static DeviceBuffer floats(float[] data, String what) {
        DeviceBuffer b = floats(data.length, what);
        b.upload(data);
        return b;
    }

    public Pointer ptr() {
        return ptr;
    }

    public long bytes() {
        return bytes;
    }

    /** Pointer to float element {@code index}. */
    public Pointer floatAt(long index) {
        return at(index * Sizeof.FLOAT);
    }

    public Pointer at(long byteOffset) {
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
        GpuContext.check(JCuda.cudaMemcpy(ptr.withByteOffset(offset), host, n, cudaMemcpyKind.cudaMemcpyHostToDevice),
                "cudaMemcpy(host to device, " + what + ")", null);
    }

    public float[] downloadFloats(long floatIndex, int count) {
        float[] out = new float[count];
        copyOut(Pointer.to(out), (long) count * Sizeof.FLOAT, floatIndex * Sizeof.FLOAT);
        return out;
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
        GpuContext.check(JCuda.cudaMemcpy(host, ptr.withByteOffset(offset), n, cudaMemcpyKind.cudaMemcpyDeviceToHost),
                "cudaMemcpy(device to host, " + what + ")", null);
    }

    /** Fills the buffer with float32 values uniform in [lo, hi): one random host tile repeated by device copies. */
    public DeviceBuffer fillUniform(long seed, float lo, float hi) {
        return fillFloats(seed, lo, hi, false);
    }

    /** As {@link #fillUniform} with binary16 values. */
    public DeviceBuffer fillUniformHalf(long seed, float lo, float hi) {
        return fillFloats(seed, lo, hi, true);
    }

    private DeviceBuffer fillFloats(long seed, float lo, float hi, boolean half) {
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
    public DeviceBuffer fillRepeating(byte[] tile) {
        long first = Math.min(tile.length, bytes);
        copyIn(Pointer.to(tile), first, 0);
        long done = first;
        while (done < bytes) {
            long chunk = Math.min(done, bytes - done);
            GpuContext.check(JCuda.cudaMemcpy(ptr.withByteOffset(done), ptr, chunk,
                    cudaMemcpyKind.cudaMemcpyDeviceToDevice), "cudaMemcpy(device to device, filling " + what + ")", null);
            done += chunk;
        }
        return this;
    }

    public DeviceBuffer zero() {
        GpuContext.check(JCuda.cudaMemset(ptr, 0, bytes), "cudaMemset(" + what + ")", null);
        return this;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            JCuda.cudaFree(ptr);
        }
    }
}
