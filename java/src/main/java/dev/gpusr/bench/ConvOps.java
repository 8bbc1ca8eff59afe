package dev.gpusr.bench;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;

/** One SRCNN convolution layer alone on cuDNN, in one direction: where the model's FLOPs are spent. */
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
        private final CudnnConv conv;
        private final Direction direction;
        private final DeviceBuffer x, weight, y, aux;
        private final SrcnnConfig cfg;
        private final int layer;
        private final Precision precision;

        public Layer(GpuContext ctx, SrcnnWeights weights, int layer, Direction direction, Precision precision, int n,
                int h, int w) {
            super(ctx);
            if (precision == Precision.FP16) throw new SkipException("per-layer rows run in fp32 and TF32");
            this.cfg = weights.config();
            this.layer = layer;
            this.direction = direction;
            this.precision = precision;
            conv = own(new CudnnConv(ctx, precision, n, cfg.inChannels(layer), cfg.outChannels(layer), cfg.filter(layer), h, w));
            x = own(DeviceBuffer.floats(conv.inputValues(), "layer input")).fillUniform(1, 0, 1);
            weight = own(DeviceBuffer.floats(weights.tensor(Param.weight(layer)), "layer weights"));
            y = own(DeviceBuffer.floats(conv.outputValues(), "layer output")).fillUniform(2, -1, 1);
            aux = direction == Direction.BACKWARD_FILTER ? own(DeviceBuffer.floats(conv.filterValues(), "filter gradient"))
                    : direction == Direction.BACKWARD_DATA ? x : null;
            find(conv, x, weight, y, aux, direction);
        }

        private static void find(CudnnConv c, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, DeviceBuffer aux,
                Direction d) {
            switch (d) {
                case FORWARD -> c.findForward(x.ptr(), w.ptr(), y.ptr());
                case BACKWARD_DATA -> c.findBackwardData(w.ptr(), y.ptr(), x.ptr());
                case BACKWARD_FILTER -> c.findBackwardFilter(x.ptr(), y.ptr(), aux.ptr());
            }
        }

        private static void run(CudnnConv c, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, DeviceBuffer aux,
                Direction d) {
            switch (d) {
                case FORWARD -> c.forward(x.ptr(), w.ptr(), y.ptr());
                case BACKWARD_DATA -> c.backwardData(w.ptr(), y.ptr(), x.ptr());
                case BACKWARD_FILTER -> c.backwardFilter(x.ptr(), y.ptr(), aux.ptr());
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
            try (CudnnConv c = new CudnnConv(ctx, precision, sn, cin, cout, f, sh, sw);
                    DeviceBuffer dx = DeviceBuffer.floats(hx, "check x"); DeviceBuffer dw = DeviceBuffer.floats(hw, "check w");
                    DeviceBuffer dy = DeviceBuffer.floats(hy, "check y");
                    DeviceBuffer dwg = DeviceBuffer.floats(hw.length, "check dw")) {
                DeviceBuffer a = direction == Direction.BACKWARD_FILTER ? dwg : dx;
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
