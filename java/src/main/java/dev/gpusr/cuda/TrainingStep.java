package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.engine.EngineInputs;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import java.util.Optional;

/**
 * The CUDA engine's training step: the batch and target to the device (through pinned staging, asynchronously),
 * forward, MSE loss and gradient, backward ({@link LayerOps}); replayed as one CUDA graph per batch shape from its
 * second step on ({@link CudaOptions#cudaGraphs()}; off with GPUSR_SYNC_DEBUG=1), falling back to the plain path
 * with the reason when capture fails. The loss comes back only when asked.
 */
final class TrainingStep implements AutoCloseable {
    private final CudaContext ctx;
    private final CudaOptions options;
    private final LayerOps layers;
    private final HostTransfers transfers;
    private ResidentModel model;
    private final DeviceBuffer target;
    private final DeviceBuffer reductionScratch;
    private final DeviceBuffer loss;
    private String graphFallbackReason;
    private long graphLaunches;

    TrainingStep(CudaContext ctx, CudaOptions options, LayerOps layers, HostTransfers transfers) {
        this.ctx = ctx;
        this.options = options;
        this.layers = layers;
        this.transfers = transfers;
        Runnable dropGraphs = layers::dropGraphs;
        target = new DeviceBuffer("target batch", dropGraphs);
        reductionScratch = new DeviceBuffer("loss reduction scratch", dropGraphs);
        loss = new DeviceBuffer("loss", dropGraphs);
        loss.ensure(Double.BYTES, ctx.stream());
    }

    void useModel(ResidentModel m) {
        model = m;
    }

    /** The plan of a training batch of n x h x w, with the target and loss scratch sized for it. */
    ShapePlan prepare(int n, int h, int w) {
        SrcnnConfig config = model.config();
        long widest = Math.max(config.channels(), Math.max(config.n1(), config.n2()));
        if (widest * n * h * w > LayerOps.CUDNN_MAX_ELEMENTS) {
            throw new IllegalArgumentException("a training batch of " + n + "x" + config.channels() + "x" + h + "x" + w
                    + " has " + widest * n * h * w + " values in its widest layer, over cuDNN's 2^31 limit for one "
                    + "tensor: use a smaller batch");
        }
        ShapePlan plan = layers.prepare(n, h, w, true);
        long count = (long) n * h * w * config.channels();
        target.ensure(4L * count, ctx.stream());
        reductionScratch.ensure(4L * Math.max(1, CudaKernels.reductionScratchFloats((int) count)), ctx.stream());
        return plan;
    }

    /** Uploads {@code input} and {@code targetBatch} for a step of their shape; returns its plan. */
    ShapePlan upload(Tensor input, Tensor targetBatch) {
        EngineInputs.requireModelInput(model.config(), input, "input");
        EngineInputs.requireTarget(input, targetBatch);
        ShapePlan plan = prepare(input.n, input.h, input.w);
        transfers.upload(input.data, 0, input.size(), layers.activation[0].pointer());
        transfers.upload(targetBatch.data, 0, targetBatch.size(), target.pointer());
        return plan;
    }

    /** Queues the gradients of the batch already on the device; replays the shape's graph where it can. */
    void run(ShapePlan plan) {
        if (options.cudaGraphs() && !CudaCheck.SYNC_DEBUG && graphFallbackReason == null
                && plan.plainTrainingSteps > 0) {
            if (plan.trainingGraph == null) {
                try {
                    plan.trainingGraph = CudaGraph.capture(ctx.cuStream(), () -> passes(plan));
                } catch (CudaException e) {
                    graphFallbackReason = e.getMessage();
                }
            }
            if (plan.trainingGraph != null) {
                plan.trainingGraph.launch(ctx.cuStream());
                graphLaunches++;
                return;
            }
        }
        passes(plan);
        plan.plainTrainingSteps++;
    }

    /** Forward, loss and backward of the batch already in activation[0] and target: the work a graph records. */
    private void passes(ShapePlan plan) {
        layers.forward(plan);
        int count = plan.n * model.config().channels() * plan.h * plan.w;
        ctx.kernels().mseLossAndGrad(ctx.cuStream(), layers.activation[LAYERS].pointer(), target.pointer(),
                layers.activationGrad[LAYERS].pointer(), loss.pointer(), reductionScratch.pointer(), count);
        layers.backward(plan);
    }

    /** The loss of the last step (waits for it). */
    double readLoss() {
        float[] value = new float[1];
        transfers.download(loss.pointer(), value, 0, 1);
        return value[0];
    }

    Optional<String> graphFallbackReason() {
        return Optional.ofNullable(graphFallbackReason);
    }

    long graphLaunches() {
        return graphLaunches;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (DeviceBuffer b : new DeviceBuffer[] {target, reductionScratch, loss}) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
