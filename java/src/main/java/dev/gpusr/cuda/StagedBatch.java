package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.engine.EngineInputs;
import dev.gpusr.model.Tensor;

/**
 * A batch the CUDA engine keeps on the device for runs that move nothing across PCIe: what the benchmarks time
 * ({@link CudaSrcnn#stageBatch}). Valid until any other call prepares a batch (it reuses, and may move, the same
 * buffers): then the runs refuse with a message that says to stage again.
 */
final class StagedBatch {
    private final LayerOps layers;
    private final TrainingStep training;
    private final HostTransfers transfers;
    private LayerOps.ShapeKey shape;
    private boolean withTarget;
    private long generation = -1;

    StagedBatch(LayerOps layers, TrainingStep training, HostTransfers transfers) {
        this.layers = layers;
        this.training = training;
        this.transfers = transfers;
    }

    void stage(ResidentModel model, Tensor input, Tensor target) {
        EngineInputs.requireModelInput(model.config(), input, "input");
        if (layers.imagesPerForwardChunk(input.n, input.h, input.w) < input.n) {
            throw new IllegalArgumentException(input.shapeString() + " does not fit one forward call on this GPU");
        }
        shape = null;
        if (target != null) {
            training.upload(input, target);
        } else {
            layers.prepare(input.n, input.h, input.w, false);
            transfers.upload(input.data, 0, input.size(), layers.activation[0].pointer());
        }
        shape = new LayerOps.ShapeKey(input.n, input.h, input.w);
        withTarget = target != null;
        generation = layers.generation();
    }

    /** Queues the forward pass of the staged batch. */
    void forward() {
        layers.forward(plan(false));
    }

    /** Queues the gradients of the staged batch and target (the caller applies the optimizer). */
    void gradients() {
        training.run(plan(true));
    }

    /** The output of the last forward pass (waits for it). */
    Tensor output(int channels) {
        ShapePlan plan = plan(false);
        Tensor out = new Tensor(plan.n, channels, plan.h, plan.w);
        transfers.download(layers.activation[LAYERS].pointer(), out.data, 0, out.size());
        return out;
    }

    private ShapePlan plan(boolean needTarget) {
        ShapePlan plan = shape == null || generation != layers.generation() ? null : layers.plan(shape);
        if (plan == null || (needTarget && !withTarget)) {
            throw new IllegalStateException("no batch " + (needTarget ? "with a target " : "") + "is staged: call "
                    + "stageBatch first (and again after other calls, which reuse its buffers)");
        }
        return plan;
    }
}
