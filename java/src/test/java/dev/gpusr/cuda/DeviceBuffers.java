package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * Device buffers for kernel tests, freed together. Every buffer has a poisoned guard tail (NaN floats, 0xA5 bytes)
 * behind its n elements, and outputs start fully poisoned, so an element a kernel forgot to write, or one it wrote
 * past the end, shows up as a failure.
 */
final class DeviceBuffers implements AutoCloseable {
    static final int GUARD = 64;
    static final byte POISON_BYTE = (byte) 0xA5;

    private final cudaStream_t stream;
    private final List<Pointer> owned = new ArrayList<>();

    DeviceBuffers(cudaStream_t stream) {
        this.stream = stream;
    }

    static void check(String call, int status) {
        if (status != cudaError.cudaSuccess) throw CudaException.of(call, cudaError.stringFor(status), "");
    }

    private Pointer allocate(long bytes) {
        Pointer p = new Pointer();
        check("cudaMalloc", JCuda.cudaMalloc(p, bytes));
        owned.add(p);
        return p;
    }

    /** n floats holding {@code host}'s values, followed by the NaN guard. */
    Pointer floats(float[] host) {
        float[] padded = Arrays.copyOf(host, host.length + GUARD);
        Arrays.fill(padded, host.length, padded.length, Float.NaN);
        Pointer p = allocate((long) padded.length * Sizeof.FLOAT);
        check("cudaMemcpy H2D", JCuda.cudaMemcpy(p, Pointer.to(padded), (long) padded.length * Sizeof.FLOAT,
                cudaMemcpyKind.cudaMemcpyHostToDevice));
        return p;
    }

    /** n NaN floats and the guard: an output buffer. */
    Pointer poisonedFloats(int n) {
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        return floats(nan);
    }

    Pointer bytes(byte[] host) {
        byte[] padded = Arrays.copyOf(host, host.length + GUARD);
        Arrays.fill(padded, host.length, padded.length, POISON_BYTE);
        Pointer p = allocate(padded.length);
        check("cudaMemcpy H2D", JCuda.cudaMemcpy(p, Pointer.to(padded), padded.length,
                cudaMemcpyKind.cudaMemcpyHostToDevice));
        return p;
    }

    Pointer poisonedBytes(int n) {
        byte[] poison = new byte[n];
        Arrays.fill(poison, POISON_BYTE);
        return bytes(poison);
    }

    /** Scratch that need not be poisoned (the kernels fully write what they read back). */
    Pointer scratchFloats(int n) {
        return allocate((long) n * Sizeof.FLOAT);
    }

    void synchronize() {
        check("cudaStreamSynchronize (a kernel failed)", JCuda.cudaStreamSynchronize(stream));
    }

    /** The n values; asserts that the guard behind them is still NaN. */
    float[] readFloats(Pointer p, int n) {
        synchronize();
        float[] all = new float[n + GUARD];
        check("cudaMemcpy D2H", JCuda.cudaMemcpy(Pointer.to(all), p, (long) all.length * Sizeof.FLOAT,
                cudaMemcpyKind.cudaMemcpyDeviceToHost));
        for (int i = n; i < all.length; i++) {
            assertTrue(Float.isNaN(all[i]), "a kernel wrote " + all[i] + " past the end, at element " + i + " of " + n);
        }
        return Arrays.copyOf(all, n);
    }

    byte[] readBytes(Pointer p, int n) {
        synchronize();
        byte[] all = new byte[n + GUARD];
        check("cudaMemcpy D2H", JCuda.cudaMemcpy(Pointer.to(all), p, all.length, cudaMemcpyKind.cudaMemcpyDeviceToHost));
        for (int i = n; i < all.length; i++) {
            assertEquals(POISON_BYTE, all[i], "a kernel wrote past the end, at byte " + i + " of " + n);
        }
        return Arrays.copyOf(all, n);
    }

    double readDouble(Pointer p) {
        synchronize();
        double[] v = new double[1];
        check("cudaMemcpy D2H", JCuda.cudaMemcpy(Pointer.to(v), p, Sizeof.DOUBLE, cudaMemcpyKind.cudaMemcpyDeviceToHost));
        return v[0];
    }

    @Override
    public void close() {
        for (Pointer p : owned) JCuda.cudaFree(p);
        owned.clear();
    }
}
