package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.DeviceArray;
import java.util.ArrayList;
import java.util.List;

/** Base of the GPU ops: remembers what it allocated and frees it in reverse order on close. */
abstract class OwningOp implements GpuOp {
    protected final CudaContext ctx;
    private final List<AutoCloseable> owned = new ArrayList<>();

    OwningOp(CudaContext ctx) {
        this.ctx = ctx;
    }

    protected final <T extends AutoCloseable> T own(T t) {
        owned.add(t);
        return t;
    }

    /** Rotating copies of one input, enough to keep the op's whole working set well out of L2. */
    protected final DeviceArray[] rotatingFloats(long count, int sets, long seed, float lo, float hi, String what) {
        DeviceArray[] b = new DeviceArray[sets];
        for (int i = 0; i < sets; i++) b[i] = own(DeviceArray.floats(count, what)).fillUniform(seed + i, lo, hi);
        return b;
    }

    @Override
    public CudaContext timedContext() {
        return ctx;
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    /**
     * Closes what a benchmark op owns, last acquired first, and empties the list. Errors are swallowed: freeing goes
     * on, and the benchmark's own error is the one worth reporting.
     */
    static void closeAll(List<? extends AutoCloseable> owned) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep freeing
            }
        }
        owned.clear();
    }
}
