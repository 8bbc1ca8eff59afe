package dev.gpusr.optim;

/**
 * Optimizer state over the flat parameter array: {@code m} is SGD's momentum buffer or Adam's first moment,
 * {@code v} Adam's second moment (empty for SGD); {@code step} counts updates applied (Adam's bias correction uses it).
 */
public record OptimizerState(float[] m, float[] v, long step) {
    public static OptimizerState zeros(OptimizerConfig cfg, int paramCount) {
        return new OptimizerState(new float[paramCount],
                new float[cfg.kind() == OptimizerConfig.Kind.ADAM ? paramCount : 0], 0);
    }

    public OptimizerState copy() {
        return new OptimizerState(m.clone(), v.clone(), step);
    }
}
