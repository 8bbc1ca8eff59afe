package dev.gpusr.train;

import dev.gpusr.model.SrcnnConfig;

/** The reference (host) optimizer update over the flat parameter array; the CUDA update kernels are tested against it. */
public final class Optimizers {
    private Optimizers() {}

    /** Applies one update in place and returns the new state (step + 1). Layer l's lr applies to [layerStart(l), layerEnd(l)). */
    public static OptimizerState apply(OptimizerConfig cfg, OptimizerState state, SrcnnConfig model, float[] params,
            float[] grads) {
        throw new UnsupportedOperationException("not yet");
    }
}
