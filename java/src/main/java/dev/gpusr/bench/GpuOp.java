package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;

/** One benchmarked GPU operation with its buffers allocated: checked once, then launched many times, then freed. */
public interface GpuOp extends AutoCloseable {
    /** Compares the operation's result with the CPU reference (on a small case where the timed one is too large). */
    Check check();

    /** Queues run number {@code run} on the context's stream; ops with several input sets rotate through them by it. */
    void launch(int run);

    /** Something worth printing beside the numbers, e.g. which cuDNN algorithms were chosen. */
    default String note() {
        return "";
    }

    /**
     * The context whose stream {@link #launch} queues on, where the timing events go: the benchmark's own, or that of
     * the engine an op drives.
     */
    CudaContext timedContext();

    @Override
    void close();
}
