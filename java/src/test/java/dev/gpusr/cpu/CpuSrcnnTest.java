package dev.gpusr.cpu;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.SrcnnEngineContract;
import dev.gpusr.model.SrcnnWeights;

class CpuSrcnnTest extends SrcnnEngineContract {
    @Override
    protected SrcnnEngine open(SrcnnWeights weights) {
        return new CpuSrcnn(weights, 2);
    }
}
