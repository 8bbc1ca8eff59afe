package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;

/** A GPU benchmark ready to run: its row (labels, work, ceiling, peer key) and how to build the op. */
public record GpuCase(String id, BenchRow row, Factory factory) {
    public GpuCase {
        row.id(id);
    }

    @FunctionalInterface
    public interface Factory {
        GpuOp create(CudaContext ctx);
    }
}
