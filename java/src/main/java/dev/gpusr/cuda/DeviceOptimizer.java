package dev.gpusr.cuda;

import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.Objects;

/**
 * The CUDA engine's optimizer: SGD with momentum or Adam as one kernel launch over the resident parameter block,
 * with its moments and step count ({@link ResidentModel#moment1}, {@link ResidentModel#moment2}); state in and out for
 * checkpoints.
 */
final class DeviceOptimizer {
    private final CudaContext ctx;
    private final HostTransfers transfers;
    private ResidentModel model;
    private OptimizerConfig optimizer;
    private long step;

    DeviceOptimizer(CudaContext ctx, HostTransfers transfers) {
        this.ctx = ctx;
        this.transfers = transfers;
    }

    /** New parameters: the moments start from zero (the settings stay). */
    void useModel(ResidentModel m) {
        model = m;
        resetMoments();
    }

    private void resetMoments() {
        model.zeroMoments(ctx.stream());
        step = 0;
    }

    void set(OptimizerConfig cfg, OptimizerState state) {
        Objects.requireNonNull(cfg, "optimizer config");
        int count = model.config().paramCount();
        boolean adam = cfg.kind() == OptimizerConfig.Kind.ADAM;
        if (state != null) {
            if (state.m().length != count) {
                throw new IllegalArgumentException("optimizer state m has " + state.m().length + " values, the model has "
                        + count + " parameters");
            }
            if (adam && state.v().length != count) {
                throw new IllegalArgumentException("Adam state v has " + state.v().length + " values, the model has "
                        + count + " parameters");
            }
            if (state.step() < 0) throw new IllegalArgumentException("optimizer step must be >= 0, got " + state.step());
        }
        optimizer = cfg;
        resetMoments();
        if (state != null) {
            transfers.upload(state.m(), 0, count, model.moment1.pointer());
            if (adam) transfers.upload(state.v(), 0, count, model.moment2.pointer());
            step = state.step();
        }
    }

    void setLearningRates(float[] lr) {
        requireSet();
        optimizer = optimizer.withLr(lr); // the update kernels take the rates as arguments: nothing on the device changes
    }

    /** Queues one update of the parameters from the gradients. */
    void apply() {
        requireSet();
        int count = model.config().paramCount();
        float[] lr = optimizer.lr();
        CudaKernels k = ctx.kernels();
        switch (optimizer.kind()) {
            case SGD -> k.sgdMomentum(ctx.cuStream(), model.params.pointer(), model.grads.pointer(),
                    model.moment1.pointer(), count, model.layerEnds, lr, optimizer.momentum());
            case ADAM -> k.adam(ctx.cuStream(), model.params.pointer(), model.grads.pointer(), model.moment1.pointer(),
                    model.moment2.pointer(), count, model.layerEnds, lr, optimizer.beta1(), optimizer.beta2(),
                    optimizer.eps(), step + 1);
        }
        step++;
    }

    OptimizerState state() {
        requireSet();
        int count = model.config().paramCount();
        float[] m = new float[count];
        transfers.download(model.moment1.pointer(), m, 0, count);
        float[] v = new float[optimizer.kind() == OptimizerConfig.Kind.ADAM ? count : 0];
        if (v.length > 0) transfers.download(model.moment2.pointer(), v, 0, v.length);
        return new OptimizerState(m, v, step);
    }

    void requireSet() {
        if (optimizer == null) throw new IllegalStateException("no optimizer set: call setOptimizer first");
    }
}
