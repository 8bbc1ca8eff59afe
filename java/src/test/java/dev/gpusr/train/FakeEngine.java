package dev.gpusr.train;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic stand-in engine for testing the training loop's bookkeeping: the "network" adds conv3's bias per
 * channel to its input, the loss is the MSE, and every other parameter decays by 1% of itself per gradient. Order of
 * batches matters to the result (momentum weighs recent batches more), which is what resume tests need. It records a
 * hash of every batch it trains on.
 */
final class FakeEngine implements SrcnnEngine {
    private SrcnnWeights weights;
    private float[] grads;
    private OptimizerConfig optimizer;
    private OptimizerState state;
    final List<Integer> batchHashes = new ArrayList<>();
    /** Called after each step with the number of steps this engine has done (for stop tests). */
    java.util.function.IntConsumer afterStep = s -> {};
    /** From this many steps on, the loss is NaN. */
    int nanFrom = Integer.MAX_VALUE;

    FakeEngine(SrcnnWeights weights) {
        loadWeights(weights);
    }

    @Override public String name() { return "fake"; }
    @Override public String id() { return "fake"; }

    @Override
    public void loadWeights(SrcnnWeights w) {
        weights = w.copy();
        grads = new float[w.params().length];
        state = null;
    }

    @Override public SrcnnConfig config() { return weights.config(); }
    @Override public SrcnnWeights weights() { return weights.copy(); }
    @Override public Tensor upsample(Tensor lowRes, int scale) { throw new UnsupportedOperationException(); }

    private float bias(int c) {
        return weights.params()[weights.config().offset(Param.CONV3_BIAS) + c];
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor out = input.copy();
        int plane = input.planeSize();
        for (int i = 0; i < out.data.length; i++) out.data[i] += bias((i / plane) % input.c);
        return out;
    }

    @Override
    public double computeGradients(Tensor input, Tensor target) {
        batchHashes.add(31 * Arrays.hashCode(input.data) + Arrays.hashCode(target.data));
        SrcnnConfig c = weights.config();
        float[] p = weights.params();
        for (int i = 0; i < p.length; i++) grads[i] = 0.01f * p[i];
        int plane = input.planeSize();
        double loss = 0;
        double[] biasGrad = new double[input.c];
        for (int i = 0; i < input.data.length; i++) {
            int ch = (i / plane) % input.c;
            double d = input.data[i] + bias(ch) - target.data[i];
            loss += d * d;
            biasGrad[ch] += 2 * d;
        }
        for (int ch = 0; ch < input.c; ch++) grads[c.offset(Param.CONV3_BIAS) + ch] = (float) (biasGrad[ch] / input.data.length);
        return batchHashes.size() >= nanFrom ? Double.NaN : loss / input.data.length;
    }

    @Override public float[] gradients() { return grads.clone(); }

    @Override
    public void setLearningRates(float[] lr) {
        optimizer = optimizer.withLr(lr);
    }

    @Override
    public void setOptimizer(OptimizerConfig config, OptimizerState s) {
        optimizer = config;
        state = s != null ? s.copy() : OptimizerState.zeros(config, grads.length);
    }

    /** PyTorch's SGD with momentum and Adam, written out here so these tests do not depend on another package of work. */
    @Override
    public void applyOptimizer() {
        SrcnnConfig c = weights.config();
        float[] p = weights.params();
        float[] m = state.m();
        float[] v = state.v();
        long t = state.step() + 1;
        for (int layer = 0; layer < SrcnnConfig.LAYERS; layer++) {
            float lr = optimizer.lr()[layer];
            for (int i = c.layerStart(layer); i < c.layerEnd(layer); i++) {
                if (optimizer.kind() == OptimizerConfig.Kind.SGD) {
                    m[i] = optimizer.momentum() * m[i] + grads[i];
                    p[i] -= lr * m[i];
                } else {
                    m[i] = optimizer.beta1() * m[i] + (1 - optimizer.beta1()) * grads[i];
                    v[i] = optimizer.beta2() * v[i] + (1 - optimizer.beta2()) * grads[i] * grads[i];
                    double mh = m[i] / (1 - Math.pow(optimizer.beta1(), t));
                    double vh = v[i] / (1 - Math.pow(optimizer.beta2(), t));
                    p[i] -= (float) (lr * mh / (Math.sqrt(vh) + optimizer.eps()));
                }
            }
        }
        state = new OptimizerState(m, v, t);
        afterStep.accept(batchHashes.size());
    }

    @Override public OptimizerState optimizerState() { return state.copy(); }
    @Override public void close() {}
}
