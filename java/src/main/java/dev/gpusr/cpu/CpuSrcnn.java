package dev.gpusr.cpu;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.train.OptimizerConfig;
import dev.gpusr.train.OptimizerState;

/** The pure-Java engine: the oracle for every GPU test and the fallback without a GPU. Multi-threaded. */
public final class CpuSrcnn implements SrcnnEngine {
    /** threads = 0: all available processors. */
    public CpuSrcnn(SrcnnWeights weights, int threads) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override public String name() { throw new UnsupportedOperationException("not yet"); }
    @Override public String id() { return "cpu"; }
    @Override public void loadWeights(SrcnnWeights weights) { throw new UnsupportedOperationException("not yet"); }
    @Override public SrcnnWeights weights() { throw new UnsupportedOperationException("not yet"); }
    @Override public Tensor upsample(Tensor lowRes, int scale) { throw new UnsupportedOperationException("not yet"); }
    @Override public Tensor forward(Tensor input) { throw new UnsupportedOperationException("not yet"); }
    @Override public double computeGradients(Tensor input, Tensor target) { throw new UnsupportedOperationException("not yet"); }
    @Override public float[] gradients() { throw new UnsupportedOperationException("not yet"); }
    @Override public void setOptimizer(OptimizerConfig config, OptimizerState state) { throw new UnsupportedOperationException("not yet"); }
    @Override public void applyOptimizer() { throw new UnsupportedOperationException("not yet"); }
    @Override public OptimizerState optimizerState() { throw new UnsupportedOperationException("not yet"); }
    @Override public void close() {}
}
