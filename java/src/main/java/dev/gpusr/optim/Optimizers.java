package dev.gpusr.optim;

import dev.gpusr.model.SrcnnConfig;

/**
 * The reference (host) optimizer update over the flat parameter array; the CUDA update kernels are tested against it.
 * Arithmetic is float, step by step as PyTorch's CPU kernels do it:
 * <ul>
 *   <li>SGD: {@code m = momentum * m + g; p = p - lr * m} (dampening 0, no Nesterov, no weight decay; with
 *       momentum 0 this is plain {@code p -= lr * g});
 *   <li>Adam: {@code t = step + 1; m = m + (1 - beta1) * (g - m); v = beta2 * v + (1 - beta2) * g * g;
 *       p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}, the bias corrections in double.
 * </ul>
 * Layer l's learning rate applies to the flat range [layerStart(l), layerEnd(l)) (its weight and bias).
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * Applies one update in place and returns the new state (step + 1). Layer l's lr applies to
     * [layerStart(l), layerEnd(l)). {@code params}, {@code state.m()} and {@code state.v()} are updated in place; the
     * returned state shares those arrays.
     */
    public static OptimizerState apply(OptimizerConfig cfg, OptimizerState state, SrcnnConfig model, float[] params,
            float[] grads) {
        int count = model.paramCount();
        if (params.length != count || grads.length != count) {
            throw new IllegalArgumentException(model + " has " + count + " parameters; got " + params.length
                    + " parameters and " + grads.length + " gradients");
        }
        if (state.m().length != count) {
            throw new IllegalArgumentException("optimizer state m has " + state.m().length + " values, the model has "
                    + count + " parameters");
        }
        if (cfg.kind() == OptimizerConfig.Kind.ADAM && state.v().length != count) {
            throw new IllegalArgumentException("Adam state v has " + state.v().length + " values, the model has "
                    + count + " parameters");
        }
        long step = state.step() + 1;
        for (int layer = 0; layer < SrcnnConfig.LAYERS; layer++) {
            int from = model.layerStart(layer);
            int to = model.layerEnd(layer);
            float lr = cfg.lr()[layer];
            if (cfg.kind() == OptimizerConfig.Kind.SGD) {
                sgd(lr, cfg.momentum(), params, grads, state.m(), from, to);
            } else {
                adam(lr, cfg.beta1(), cfg.beta2(), cfg.eps(), step, params, grads, state.m(), state.v(), from, to);
            }
        }
        return new OptimizerState(state.m(), state.v(), step);
    }

    private static void sgd(float lr, float momentum, float[] p, float[] g, float[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            m[i] = momentum * m[i] + g[i];
            p[i] = p[i] - lr * m[i];
        }
    }

    private static void adam(float lr, float beta1, float beta2, float eps, long step, float[] p, float[] g, float[] m,
            float[] v, int from, int to) {
        double biasCorrection1 = 1.0 - Math.pow(beta1, step);
        double biasCorrection2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / biasCorrection1);
        float correction2Sqrt = (float) Math.sqrt(biasCorrection2);
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            m[i] = m[i] + oneMinusBeta1 * (gi - m[i]);
            v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi;
            float denom = (float) Math.sqrt(v[i]) / correction2Sqrt + eps;
            p[i] = p[i] - stepSize * (m[i] / denom);
        }
    }
}
