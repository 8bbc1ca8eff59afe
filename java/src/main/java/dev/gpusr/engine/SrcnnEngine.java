package dev.gpusr.engine;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;

/**
 * What every engine (CPU, CUDA) does, so one pipeline and one test suite serve both. An engine holds one model
 * resident (weights, gradients, optimizer state, activations) until closed. All tensors are NCHW floats, image
 * values in [0, 1]; the network input is the bicubic-enlarged image, the output has the same shape.
 *
 * <p>Not thread-safe: one engine per thread.
 */
public interface SrcnnEngine extends AutoCloseable {

    /** Human-readable name, e.g. "cpu (2 threads)" or "cuda:0 NVIDIA H100 80GB HBM3". */
    String name();

    /** Short id used in JSON output: "cpu" or "cuda:N". */
    String id();

    /** Makes these weights resident (copies them); keeps the optimizer configuration, resets its state. */
    void loadWeights(SrcnnWeights weights);

    /** The resident model's shape, scale and colour space (cheap: no copy, no device transfer). */
    SrcnnConfig config();

    /** A host copy of the current weights (on a GPU engine: a download; use {@link #config()} for the shape). */
    SrcnnWeights weights();

    /** MATLAB-compatible bicubic enlargement by an integer factor (output ceil(k * size)), per plane. */
    Tensor upsample(Tensor lowRes, int scale);

    /** SRCNN forward pass (inference). Output has the input's shape; values are not clamped. */
    Tensor forward(Tensor input);

    /**
     * Forward, MSE loss (mean over the target's elements) and backward; replaces the stored gradients (not
     * accumulated). Returns the loss. The target has the input's shape, or (on an engine that takes them: the CPU
     * engine) is the output's centre, smaller by the same margin on every side, as in the paper's training (see
     * {@link EngineInputs#targetMargin}); an engine refuses what it does not take.
     */
    double computeGradients(Tensor input, Tensor target);

    /** A host copy of the gradients of the last {@link #computeGradients} in flat parameter order. */
    float[] gradients();

    /** Sets the optimizer and its state ({@code null} = fresh zeros). */
    void setOptimizer(OptimizerConfig config, OptimizerState state);

    /**
     * Changes the set optimizer's per-layer learning rates, keeping its state (a schedule calls this between updates).
     */
    void setLearningRates(float[] lr);

    /** One update of the weights from the stored gradients. */
    void applyOptimizer();

    /** A host copy of the optimizer state. */
    OptimizerState optimizerState();

    /**
     * One training step: gradients then update. Returns the loss when {@code readLoss}, else NaN, so a GPU engine
     * need not synchronise on every step.
     */
    default double trainStep(Tensor input, Tensor target, boolean readLoss) {
        double loss = computeGradients(input, target);
        applyOptimizer();
        return readLoss ? loss : Double.NaN;
    }

    /**
     * Frees the working memory sized by the largest call so far (a GPU engine's activations and cuDNN workspace),
     * keeping the model and its state; the next call allocates what it needs. Used before a retry with smaller tiles
     * after the device ran out of memory. The default (the CPU engine) frees nothing.
     */
    default void releaseWorkingMemory() {}

    @Override
    void close();
}
