package dev.gpusr.optim;

import dev.gpusr.model.SrcnnConfig;
import java.util.Arrays;

/**
 * Optimizer settings. Learning rates are per layer (conv1, conv2, conv3; a layer's weight and bias share one), as in
 * the paper. SGD follows PyTorch: {@code v = momentum * v + g; p -= lr * v}. Adam follows PyTorch (bias-corrected).
 */
public record OptimizerConfig(Kind kind, float[] lr, float momentum, float beta1, float beta2, float eps) {
    public enum Kind { SGD, ADAM }

    public OptimizerConfig {
        if (lr.length != SrcnnConfig.LAYERS) throw new IllegalArgumentException("need one learning rate per layer");
        lr = lr.clone();
    }

    /** The paper: SGD, momentum 0.9, 1e-4 for layers 1-2 and 1e-5 for layer 3. */
    public static OptimizerConfig paperSgd() {
        return new OptimizerConfig(Kind.SGD, new float[] {1e-4f, 1e-4f, 1e-5f}, 0.9f, 0.9f, 0.999f, 1e-8f);
    }

    /** Adam with PyTorch's betas and the learning rates common SRCNN ports use. */
    public static OptimizerConfig adam(float[] lr) {
        return new OptimizerConfig(Kind.ADAM, lr, 0.9f, 0.9f, 0.999f, 1e-8f);
    }

    public OptimizerConfig withLr(float[] newLr) {
        return new OptimizerConfig(kind, newLr, momentum, beta1, beta2, eps);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " lr=" + Arrays.toString(lr)
                + (kind == Kind.SGD ? " momentum=" + momentum : " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps);
    }
}
