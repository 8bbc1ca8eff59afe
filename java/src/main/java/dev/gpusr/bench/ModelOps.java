package dev.gpusr.bench;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;

/** The whole model on the GPU ({@link SrcnnPipeline}): inference and a training step, checked against CpuSrcnn. */
public final class ModelOps {
    private ModelOps() {}

    /** Side of the corner region of image 0 compared with the CPU engine (plus the halo the CPU needs). */
    static final int CHECK_CROP = 24;

    /** An op that times the whole {@link SrcnnPipeline} of one model at one precision. */
    abstract static class PipelineOp extends OwningOp {
        final SrcnnWeights weights;
        final Precision precision;
        final SrcnnPipeline pipeline;

        PipelineOp(GpuContext ctx, SrcnnWeights weights, Precision precision, int n, int h, int w, boolean training) {
            super(ctx);
            this.weights = weights;
            this.precision = precision;
            pipeline = own(new SrcnnPipeline(ctx, weights, precision, n, h, w, training));
        }

        @Override
        public String note() {
            return pipeline.algorithms();
        }
    }

    public static final class Inference extends PipelineOp {
        private final int h, w;

        public Inference(GpuContext ctx, SrcnnWeights weights, Precision precision, int n, int h, int w) {
            super(ctx, weights, precision, n, h, w, false);
            this.h = h;
            this.w = w;
            if (precision == Precision.FP16) pipeline.input().fillUniformHalf(30, 0, 1);
            else pipeline.input().fillUniform(30, 0, 1);
            pipeline.findAlgorithms();
        }

        @Override
        public void launch(int run) {
            pipeline.forward();
        }

        /**
         * The top-left corner of image 0 against CpuSrcnn on the same input crop: there the crop's zero padding is
         * the image's, so outputs more than the model's halo from the crop's far edges must agree.
         */
        @Override
        public Check check() {
            SrcnnConfig cfg = weights.config();
            int halo = cfg.halo();
            int rows = Math.min(h, CHECK_CROP + halo);
            int cols = Math.min(w, CHECK_CROP + halo);
            pipeline.forward();
            float[] inRows = pipeline.planeRows(pipeline.input(), 0, rows);
            float[] outRows = pipeline.planeRows(pipeline.output(), 0, rows);
            Tensor crop = new Tensor(1, 1, rows, cols);
            for (int y = 0; y < rows; y++) System.arraycopy(inRows, y * w, crop.data, y * cols, cols);
            Tensor expected;
            try (CpuSrcnn cpu = new CpuSrcnn(weights, 0)) {
                expected = cpu.forward(crop);
            }
            int validRows = rows < h ? rows - halo : rows;
            int validCols = cols < w ? cols - halo : cols;
            double[] e = new double[validRows * validCols];
            float[] a = new float[e.length];
            for (int y = 0; y < validRows; y++) {
                for (int x = 0; x < validCols; x++) {
                    e[y * validCols + x] = expected.data[y * cols + x];
                    a[y * validCols + x] = outRows[y * w + x];
                }
            }
            return Check.compare("inference corner vs CpuSrcnn", e, a, precision.tolerance());
        }
    }

    public static final class TrainStep extends PipelineOp {
        public TrainStep(GpuContext ctx, SrcnnWeights weights, Precision precision, int batch, int size) {
            super(ctx, weights, precision, batch, size, size, true);
            pipeline.input().fillUniform(31, 0, 1);
            pipeline.target().fillUniform(32, 0, 1);
            pipeline.findAlgorithms();
        }

        @Override
        public void launch(int run) {
            pipeline.trainStep();
        }

        /**
         * One step of the same pipeline code on a small batch: loss and every parameter tensor's gradient against
         * CpuSrcnn.computeGradients, and the SGD update against its formula applied to the GPU's own gradients.
         */
        @Override
        public Check check() {
            SrcnnConfig cfg = weights.config();
            int n = 2, size = 17;
            Tensor x = BenchData.image(n, cfg.channels(), size, size, 40);
            Tensor t = BenchData.image(n, cfg.channels(), size, size, 41);
            try (SrcnnPipeline small = new SrcnnPipeline(ctx, weights, precision, n, size, size, true)) {
                small.input().upload(x.data);
                small.target().upload(t.data);
                small.findAlgorithms();
                small.parameters().upload(weights.params());
                small.trainStep();
                ctx.sync();
                float gpuLoss = small.lastLoss();
                float[] gpuGrads = small.gradients().downloadFloats(0, cfg.paramCount());
                float[] after = small.parameters().downloadFloats(0, cfg.paramCount());
                double[][] sgd = CpuReference.sgdMomentum(weights.params(), gpuGrads, new float[cfg.paramCount()],
                        small.layerEnds(), small.optimizer().lr(), small.optimizer().momentum());
                Check update = Check.compare("sgd update", sgd[0], after, 1e-6);
                double cpuLoss;
                float[] cpuGrads;
                try (CpuSrcnn cpu = new CpuSrcnn(weights, 0)) {
                    cpuLoss = cpu.computeGradients(x, t);
                    cpuGrads = cpu.gradients();
                }
                double tol = Math.max(1e-3, precision.tolerance());
                Check c = Check.compare("loss", new double[] {cpuLoss}, new float[] {gpuLoss}, tol);
                for (Param p : Param.values()) {
                    int off = cfg.offset(p);
                    int len = cfg.size(p);
                    c = c.and(Check.compare(p.tensorName + " gradient",
                            java.util.Arrays.copyOfRange(cpuGrads, off, off + len),
                            java.util.Arrays.copyOfRange(gpuGrads, off, off + len), tol));
                }
                return c.and(update);
            }
        }
    }
}
