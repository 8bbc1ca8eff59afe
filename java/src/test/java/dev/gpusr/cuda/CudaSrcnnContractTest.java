package dev.gpusr.cuda;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.SrcnnEngineContract;
import dev.gpusr.model.SrcnnWeights;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

/**
 * The shared engine suite on GPU 0. Each test skips (visibly) where no CUDA device is usable.
 */
@Tag("gpu")
class CudaSrcnnContractTest extends SrcnnEngineContract {
    @Override
    protected SrcnnEngine open(SrcnnWeights w) {
        Assumptions.assumeTrue(GpuAvailability.usable(),
                () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse("?"));
        return new CudaSrcnn(0, w);
    }

    /** The paper's centre labels are built on the CPU engine only; this engine refuses them. */
    @Override
    protected boolean takesCentreTargets() {
        return false;
    }
}
