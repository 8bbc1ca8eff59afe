package dev.gpusr.bench;

import dev.gpusr.cuda.ConvLayer;
import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.DeviceArray;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;

/** One SRCNN convolution layer alone (the engine's {@link ConvLayer}), in one direction: where the model's FLOPs are spent. */
public final class ConvOps {
    private ConvOps() {}

    public enum Direction {
        FORWARD("fwd"), BACKWARD_DATA("bwd-data"), BACKWARD_FILTER("bwd-filter");

        public final String id;

        Direction(String id) {
            this.id = id;
        }
    }

    public static final class Layer extends OwningOp {
        private final ConvLayer conv;
        private final Direction direction;
        private final DeviceArray x, weight, y, aux;
        private final SrcnnConfig cfg;
        private final int layer;
        private final Precision precision;

        public Layer(CudaContext ctx, SrcnnWeights weights, int layer, Direction direction, Precision precision, int n,
                int h, int w) {
            super(ctx);
            if (precision == Precision.FP16) throw new SkipException("per-layer rows run in fp32 and TF32");
            this.cfg = weights.config();
            this.layer = layer;
            this.direction = direction;
            this.precision = precision;
            conv = own(new ConvLayer(ctx, precision.math, n, cfg.inChannels(layer), cfg.outChannels(layer), cfg.filter(layer), h, w));
            x = own(DeviceArray.floats(conv.inputValues(), "layer input")).fillUniform(1, 0, 1);
            weight = own(DeviceArray.floats(weights.tensor(Param.weight(layer)), "layer weights"));
            y = own(DeviceArray.floats(conv.outputValues(), "layer output")).fillUniform(2, -1, 1);
            aux = direction == Direction.BACKWARD_FILTER ? own(DeviceArray.floats(conv.filterValues(), "filter gradient"))
                    : direction == Direction.BACKWARD_DATA ? x : null;
            find(conv, x, weight, y, aux, direction);
        }

        private static void find(ConvLayer c, DeviceArray x, DeviceArray w, DeviceArray y, DeviceArray aux,
                Direction d) {
            switch (d) {
                case FORWARD -> c.findForward(x, w, y);
                case BACKWARD_DATA -> c.findBackwardData(w, y, x);
                case BACKWARD_FILTER -> c.findBackwardFilter(x, y, aux);
            }
        }

        private static void run(ConvLayer c, DeviceArray x, DeviceArray w, DeviceArray y, DeviceArray aux,
                Direction d) {
            switch (d) {
                case FORWARD -> c.forward(x, w, y);
                case BACKWARD_DATA -> c.backwardData(w, y, x);
                case BACKWARD_FILTER -> c.backwardFilter(x, y, aux);
            }
        }

        @Override
        public void launch(int run) {
            run(conv, x, weight, y, aux, direction);
        }

        @Override
        public String note() {
            return "algo " + conv.algorithms();
        }

        /** The same layer and direction on a small batch, against the fp64 loops. */
        @Override
        public Check check() {
            int sn = 2, sh = 13, sw = 11;
            int cin = cfg.inChannels(layer), cout = cfg.outChannels(layer), f = cfg.filter(layer);
            float[] hx = BenchData.uniform(sn * cin * sh * sw, 20, 0, 1);
            float[] hw = BenchData.uniform(cout * cin * f * f, 21, -0.2f, 0.2f);
            float[] hy = BenchData.uniform(sn * cout * sh * sw, 22, -1, 1);
            try (ConvLayer c = new ConvLayer(ctx, precision.math, sn, cin, cout, f, sh, sw);
                    DeviceArray dx = DeviceArray.floats(hx, "check x"); DeviceArray dw = DeviceArray.floats(hw, "check w");
                    DeviceArray dy = DeviceArray.floats(hy, "check y");
                    DeviceArray dwg = DeviceArray.floats(hw.length, "check dw")) {
                DeviceArray a = direction == Direction.BACKWARD_FILTER ? dwg : dx;
                find(c, dx, dw, dy, a, direction);
                // Find may have written the buffers it searched with: restore the inputs before the checked run
                dx.upload(hx);
                dy.upload(hy);
                run(c, dx, dw, dy, a, direction);
                ctx.sync();
                double tol = precision.tolerance();
                return switch (direction) {
                    case FORWARD -> Check.compare("conv forward",
                            CpuReference.convForward(hx, sn, cin, sh, sw, hw, null, cout, f),
                            dy.downloadFloats(0, hy.length), tol);
                    case BACKWARD_DATA -> Check.compare("conv backward-data",
                            CpuReference.convBackwardData(hy, sn, cin, sh, sw, hw, cout, f),
                            dx.downloadFloats(0, hx.length), tol);
                    case BACKWARD_FILTER -> Check.compare("conv backward-filter",
                            CpuReference.convBackwardFilter(hx, hy, sn, cin, sh, sw, cout, f),
                            dwg.downloadFloats(0, hw.length), tol);
                };
            }
        }
    }
}
