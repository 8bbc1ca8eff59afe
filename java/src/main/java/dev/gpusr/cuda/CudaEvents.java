package dev.gpusr.cuda;

import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;

/**
 * A pair of CUDA events on one context's stream: the device time between {@link #start()} and {@link #stop()},
 * read by {@link #elapsedMs()} once the stop event has completed. For benchmarks; freed on close.
 */
public final class CudaEvents implements AutoCloseable {
    private final CudaContext ctx;
    private cudaEvent_t start;
    private cudaEvent_t stop;

    public CudaEvents(CudaContext ctx) {
        this.ctx = ctx;
        cudaEvent_t a = new cudaEvent_t();
        CudaCheck.runtime(JCuda.cudaEventCreate(a), "cudaEventCreate");
        start = a;
        cudaEvent_t b = new cudaEvent_t();
        int status = JCuda.cudaEventCreate(b);
        if (status != 0) {
            close();
            throw CudaCheck.runtimeFailure(status, "cudaEventCreate");
        }
        stop = b;
    }

    /** Records the start event on the stream (after the work queued so far). */
    public void start() {
        CudaCheck.runtime(JCuda.cudaEventRecord(start, ctx.stream()), "cudaEventRecord (start)");
    }

    /** Records the stop event on the stream. */
    public void stop() {
        CudaCheck.runtime(JCuda.cudaEventRecord(stop, ctx.stream()), "cudaEventRecord (stop)");
    }

    /**
     * Waits for the stop event and returns the milliseconds between the two events. A launch queued in between that
     * failed on the device surfaces here (run with GPUSR_SYNC_DEBUG=1 to have it named).
     */
    public double elapsedMs() {
        CudaCheck.runtime(JCuda.cudaEventSynchronize(stop), "cudaEventSynchronize (a queued launch failed; "
                + "GPUSR_SYNC_DEBUG=1 names it)");
        float[] ms = {0};
        CudaCheck.runtime(JCuda.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
        return ms[0];
    }

    @Override
    public void close() {
        cudaEvent_t a = start;
        cudaEvent_t b = stop;
        start = null;
        stop = null;
        RuntimeException first = null;
        for (cudaEvent_t e : new cudaEvent_t[] {b, a}) {
            if (e == null) continue;
            int status = JCuda.cudaEventDestroy(e);
            if (status != 0 && first == null) first = CudaCheck.runtimeFailure(status, "cudaEventDestroy");
        }
        if (first != null) throw first;
    }
}
