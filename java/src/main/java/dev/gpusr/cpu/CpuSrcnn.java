package dev.gpusr.cpu;

import dev.gpusr.cpu.ConvLayer.Epilogue;
import dev.gpusr.engine.EngineInputs;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.optim.Optimizers;
import java.util.Arrays;

/**
 * The pure-Java engine: the oracle for every GPU test and the fallback without a GPU. Multi-threaded.
 *
 * <p>How it computes: the images of a batch are laid side by side in shared rows with zero columns between them
 * ({@link RowLayout}), each activation row is its own float array ({@link Canvas}), and every convolution, forward
 * or back to a layer's input, is a sum of whole-row multiply-adds over the input rows at each tap's shift
 * ({@link ConvLayer}). With {@code --add-modules jdk.incubator.vector} ({@link Simd}) these run as register-blocked
 * vector kernels ({@link VectorKernels}: 8 output channels by 2 vectors of columns in registers; weight gradients as
 * 4x4 dot products with the columns in the lanes); without it as scalar loops that C2 vectorises one row at a time
 * ({@link Kernels}; weight gradients gather each pixel's taps and add them for the pixels whose gradient is not
 * zero, layers with few outputs use dot products). The forward results are the same floats either way; the weight
 * gradients are rounded in another order. Rows are split among the workers; the weight
 * gradients are summed per fixed row range in double and then in a fixed order, so results do not depend on the
 * number of threads. Inference on large images runs in bands of rows (recomputing the few halo rows between bands)
 * so that memory stays bounded (about 128 MiB of activations per band).
 *
 * <p>Arithmetic is float with fused multiply-adds ({@link Math#fma}, an intrinsic on x86-64 since Haswell and on
 * ARMv8), like PyTorch's fp32 kernels; gradients are accumulated in double across rows.
 */
public final class CpuSrcnn implements SrcnnEngine {
    /** Aim for rows of about this many floats when packing many small images side by side. */
    private static final int TARGET_ROW_FLOATS = 2048;
    /** Activation floats one inference band may hold (128 MiB); larger images run in several bands. */
    private static final long BAND_BUDGET_FLOATS = 1L << 25;
    /** Fewer rows per band would spend more on recomputed halo rows than they save. */
    private static final int MIN_BAND_ROWS = 16;
    /** Fixed row ranges for gradient sums (independent of the thread count, for reproducible results). */
    private static final int GRADIENT_TASKS = 16;

    private final long bandBudgetFloats;
    private final WorkerPool pool;
    private final Scratch[] scratch;
    /** Made on first use (only where {@link Winograd#ENABLED}: they need the vector module). */
    private Winograd winograd;
    private WinogradGradient winogradGradient;
    private final Canvas input = new Canvas();
    private final Canvas hidden1 = new Canvas();
    private final Canvas hidden2 = new Canvas();
    private final Canvas output = new Canvas();
    private float[] zeroRow = new float[0];
    private double[][] taskSums = new double[0][];
    private final double[] taskLoss = new double[GRADIENT_TASKS];

    private SrcnnConfig config;
    private float[] params;
    private float[] grads;
    private double[] gradSums;
    private OptimizerConfig optimizerConfig;
    private OptimizerState optimizerState;
    private boolean closed;

    /** threads = 0: all available processors. */
    public CpuSrcnn(SrcnnWeights weights, int threads) {
        this(weights, threads, BAND_BUDGET_FLOATS);
    }

    /** With another activation budget per inference band (tests use a small one to exercise banding). */
    CpuSrcnn(SrcnnWeights weights, int threads, long bandBudgetFloats) {
        this.bandBudgetFloats = bandBudgetFloats;
        if (weights == null) throw new IllegalArgumentException("weights must not be null");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        }
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        pool = new WorkerPool(workers);
        scratch = new Scratch[workers];
        for (int i = 0; i < workers; i++) scratch[i] = new Scratch();
        loadWeights(weights);
    }

    /** The number of worker threads (including the caller). */
    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "cpu (" + pool.threads() + (pool.threads() == 1 ? " thread)" : " threads)");
    }

    @Override
    public String id() {
        return "cpu";
    }

    @Override
    public void loadWeights(SrcnnWeights weights) {
        ensureOpen();
        if (weights == null) throw new IllegalArgumentException("weights must not be null");
        config = weights.config();
        params = weights.params().clone();
        grads = new float[params.length];
        gradSums = new double[params.length];
        if (optimizerConfig != null) optimizerState = OptimizerState.zeros(optimizerConfig, params.length);
    }

    @Override
    public SrcnnConfig config() {
        ensureOpen();
        return config;
    }

    @Override
    public SrcnnWeights weights() {
        ensureOpen();
        return new SrcnnWeights(config, params.clone());
    }

    @Override
    public Tensor upsample(Tensor lowRes, int scale) {
        ensureOpen();
        if (lowRes == null) throw new IllegalArgumentException("image must not be null");
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        int planeIn = lowRes.planeSize();
        long outH = (long) lowRes.h * scale;
        long outW = (long) lowRes.w * scale;
        if (outH * outW * lowRes.n * lowRes.c > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(lowRes.shapeString() + " enlarged x" + scale
                    + " is too large for one array");
        }
        Tensor out = new Tensor(lowRes.n, lowRes.c, (int) outH, (int) outW);
        int planeOut = out.planeSize();
        pool.parallelFor(lowRes.n * lowRes.c, (worker, plane) -> {
            float[] in = Arrays.copyOfRange(lowRes.data, plane * planeIn, (plane + 1) * planeIn);
            float[] up = BicubicResampler.upscale(in, lowRes.w, lowRes.h, scale);
            if (up.length != planeOut) {
                throw new IllegalStateException("resampler returned " + up.length + " values for a " + out.h + "x"
                        + out.w + " plane");
            }
            System.arraycopy(up, 0, out.data, plane * planeOut, planeOut);
        });
        return out;
    }

    @Override
    public Tensor forward(Tensor in) {
        ensureOpen();
        EngineInputs.requireModelInput(config, in, "input");
        Tensor out = new Tensor(in.n, in.c, in.h, in.w);
        int groupSize = groupSize(in);
        for (int n0 = 0; n0 < in.n; n0 += groupSize) {
            RowLayout layout = new RowLayout(Math.min(groupSize, in.n - n0), in.h, in.w, padding());
            int band = bandRows(layout);
            for (int b0 = 0; b0 < in.h; b0 += band) {
                int b1 = Math.min(in.h, b0 + band);
                forwardBand(in, n0, layout, b0, b1, false);
                unpack(output, layout, out, n0, b0, b1);
            }
        }
        return out;
    }

    @Override
    public double computeGradients(Tensor in, Tensor target) {
        ensureOpen();
        EngineInputs.requireModelInput(config, in, "input");
        int margin = EngineInputs.targetMargin(in, target);
        SrcnnConfig c = config;
        ConvLayer conv1 = layer(0);
        ConvLayer conv2 = layer(1);
        ConvLayer conv3 = layer(2);
        ConvLayer back3 = conv3.transposedFlipped(new float[c.size(Param.CONV3_WEIGHT)]);
        ConvLayer back2 = conv2.transposedFlipped(new float[c.size(Param.CONV2_WEIGHT)]);
        Arrays.fill(gradSums, 0.0);
        double lossSum = 0;
        long count = (long) target.size();
        float gradScale = (float) (2.0 / count); // d mean((o - t)^2) / d o
        int groupSize = groupSize(in);
        for (int n0 = 0; n0 < in.n; n0 += groupSize) {
            RowLayout layout = new RowLayout(Math.min(groupSize, in.n - n0), in.h, in.w, padding());
            forwardBand(in, n0, layout, 0, in.h, true);
            lossSum += lossAndOutputGradient(target, margin, n0, layout, gradScale); // output := dLoss/dOut
            addGradients(conv3, output, hidden2, layout, c.layerStart(2));
            runConv(back3, output, hidden2, layout, 0, in.h, Epilogue.RELU_GRAD_IN_PLACE, true); // hidden2 := dZ2
            addGradients(conv2, hidden2, hidden1, layout, c.layerStart(1));
            runConv(back2, hidden2, hidden1, layout, 0, in.h, Epilogue.RELU_GRAD_IN_PLACE, true); // hidden1 := dZ1
            addGradients(conv1, hidden1, input, layout, c.layerStart(0));
        }
        for (int i = 0; i < grads.length; i++) grads[i] = (float) gradSums[i];
        return lossSum / count;
    }

    @Override
    public float[] gradients() {
        ensureOpen();
        return grads.clone();
    }

    @Override
    public void setOptimizer(OptimizerConfig cfg, OptimizerState state) {
        ensureOpen();
        if (cfg == null) throw new IllegalArgumentException("optimizer config must not be null");
        int count = params.length;
        if (state == null) {
            state = OptimizerState.zeros(cfg, count);
        } else {
            if (state.m().length != count) {
                throw new IllegalArgumentException("optimizer state m has " + state.m().length
                        + " values; the model has " + count + " parameters");
            }
            if (cfg.kind() == OptimizerConfig.Kind.ADAM && state.v().length != count) {
                throw new IllegalArgumentException("Adam state v has " + state.v().length
                        + " values; the model has " + count + " parameters");
            }
            state = state.copy();
        }
        optimizerConfig = cfg;
        optimizerState = state;
    }

    @Override
    public void setLearningRates(float[] lr) {
        ensureOpen();
        if (optimizerConfig == null) throw new IllegalStateException("no optimizer set: call setOptimizer first");
        optimizerConfig = optimizerConfig.withLr(lr);
    }

    @Override
    public void applyOptimizer() {
        ensureOpen();
        if (optimizerConfig == null) throw new IllegalStateException("no optimizer set: call setOptimizer first");
        optimizerState = Optimizers.apply(optimizerConfig, optimizerState, config, params, grads);
    }

    @Override
    public OptimizerState optimizerState() {
        ensureOpen();
        if (optimizerConfig == null) throw new IllegalStateException("no optimizer set: call setOptimizer first");
        return optimizerState.copy();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
    }

    // ------------------------------------------------------------------------------------------ internals

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the CPU engine is closed");
    }

    private ConvLayer layer(int l) {
        SrcnnConfig c = config;
        return new ConvLayer(c.inChannels(l), c.outChannels(l), c.filter(l), params, c.offset(Param.weight(l)), params,
                c.offset(Param.bias(l)));
    }

    /** Zero columns between images: enough for the widest filter. */
    private int padding() {
        int pad = 0;
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) pad = Math.max(pad, config.filter(l) / 2);
        return pad;
    }

    private int groupSize(Tensor t) {
        int pad = padding();
        int most = Math.max(1, (TARGET_ROW_FLOATS - pad) / (t.w + pad));
        int groups = (t.n + most - 1) / most;
        return (t.n + groups - 1) / groups;
    }

    /** Output rows per inference band: all of them unless the activations would exceed the budget. */
    private int bandRows(RowLayout layout) {
        long rows = bandBudgetFloats / bandFloatsPerRow(layout) - 2L * config.halo();
        return (int) Math.max(MIN_BAND_ROWS, Math.min(layout.height(), rows));
    }

    /** Activation floats one row of a band holds: input, both hidden layers and output. */
    private long bandFloatsPerRow(RowLayout layout) {
        return (long) layout.length() * (2L * config.channels() + config.n1() + config.n2());
    }

    /** Inference of one image: the rows per band and the activation floats one band holds (for tests). */
    long[] inferencePlan(int height, int width) {
        RowLayout layout = new RowLayout(1, height, width, padding());
        int rows = bandRows(layout);
        return new long[] {rows, (rows + 2L * config.halo()) * bandFloatsPerRow(layout)};
    }

    private float[] zeroRow(int length) {
        if (zeroRow.length < length) zeroRow = new float[length];
        return zeroRow;
    }

    /**
     * The three layers for output rows [b0, b1) and the halo rows each layer needs; results stay in the canvases.
     * {@code training}: all rows at once, for a training step (which may take {@link #trainingWinograd}).
     */
    private void forwardBand(Tensor in, int n0, RowLayout layout, int b0, int b1, boolean training) {
        int h = layout.height();
        int p1 = config.f1() / 2;
        int p2 = config.f2() / 2;
        int p3 = config.f3() / 2;
        float[] zero = zeroRow(layout.length());
        int a2 = Math.max(0, b0 - p3), z2 = Math.min(h, b1 + p3);
        int a1 = Math.max(0, a2 - p2), z1 = Math.min(h, z2 + p2);
        int a0 = Math.max(0, a1 - p1), z0 = Math.min(h, z1 + p1);
        input.layout(config.channels(), a0, z0 - a0, h, layout.length(), zero);
        pack(in, n0, layout, a0, z0);
        hidden1.layout(config.n1(), a1, z1 - a1, h, layout.length(), zero);
        runConv(layer(0), input, hidden1, layout, a1, z1, Epilogue.RELU, training);
        hidden2.layout(config.n2(), a2, z2 - a2, h, layout.length(), zero);
        runConv(layer(1), hidden1, hidden2, layout, a2, z2, Epilogue.RELU, training);
        output.layout(config.channels(), b0, b1 - b0, h, layout.length(), zero);
        runConv(layer(2), hidden2, output, layout, b0, b1, Epilogue.LINEAR, training);
    }

    /**
     * Whether training steps run 5x5 layers with many channels (9-5-5's conv2: forward, back to its input and its
     * weight gradient) as Winograd F(4x4, 5x5) ({@link Winograd}, {@link WinogradGradient}: faster, not bit for bit
     * the direct sums). Inference never does. Tests switch it.
     */
    boolean trainingWinograd = Winograd.ENABLED;

    /**
     * Output rows [ra, rb) in parallel: a few contiguous row ranges per worker (each range reuses shifted rows); in
     * a training step (all rows) through {@link Winograd} where it applies.
     */
    private void runConv(ConvLayer conv, Canvas from, Canvas to, RowLayout layout, int ra, int rb, Epilogue epilogue,
            boolean training) {
        if (training && trainingWinograd && Winograd.applies(conv, layout)) {
            if (ra != 0 || rb != layout.height()) throw new IllegalStateException("a training step runs all rows");
            winograd().run(conv, from, to, layout, epilogue, pool);
            return;
        }
        int rows = rb - ra;
        int tasks = pool.threads() == 1 ? 1 : Math.min(rows, 2 * pool.threads());
        pool.parallelFor(tasks, (worker, task) -> {
            int r0 = ra + (int) ((long) rows * task / tasks);
            int r1 = ra + (int) ((long) rows * (task + 1) / tasks);
            conv.forwardRows(from, to, layout, r0, r1, epilogue, scratch[worker]);
        });
    }

    /**
     * Whether training steps take the Winograd path for some layer (9-5-5's conv2 with the vector module): the
     * kernels that JDK 17's JIT sometimes compiles without their vector intrinsics (the CLI notes it).
     */
    public boolean trainsWithWinograd() {
        if (!trainingWinograd) return false;
        SrcnnConfig c = config;
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
            int f = c.filter(l), in = c.inChannels(l), out = c.outChannels(l);
            // forward (its weight gradient only where forward applies); and back to the input of conv2 and conv3,
            // whose transposed layers swap the channels
            if (Winograd.applies(f, in, out, padding()) || l > 0 && Winograd.applies(f, out, in, padding())) return true;
        }
        return false;
    }

    /** Whether a Winograd path has run in this engine (tests check {@link #trainsWithWinograd} against it). */
    boolean ranWinograd() {
        return winograd != null || winogradGradient != null;
    }

    private Winograd winograd() {
        if (winograd == null) winograd = new Winograd(pool.threads());
        return winograd;
    }

    /** Adds the gradients of one layer over all rows to gradSums[offset...], summed in a fixed order. */
    private void addGradients(ConvLayer conv, Canvas grad, Canvas in, RowLayout layout, int offset) {
        if (trainingWinograd && WinogradGradient.applies(conv, layout)) {
            if (winogradGradient == null) winogradGradient = new WinogradGradient(winograd().work());
            winogradGradient.add(conv, grad, in, layout, pool, gradSums, offset);
            return;
        }
        int h = layout.height();
        int tasks = Math.min(h, GRADIENT_TASKS);
        int size = conv.cout * conv.taps() + conv.cout;
        if (taskSums.length < tasks || taskSums[0].length < size) {
            int longest = Math.max(size, taskSums.length == 0 ? 0 : taskSums[0].length);
            taskSums = new double[GRADIENT_TASKS][longest];
        }
        pool.parallelFor(tasks, (worker, task) -> {
            double[] acc = taskSums[task];
            Arrays.fill(acc, 0, size, 0.0);
            conv.gradientRows(grad, in, layout, h * task / tasks, h * (task + 1) / tasks, acc, scratch[worker]);
        });
        for (int t = 0; t < tasks; t++) {
            double[] acc = taskSums[t];
            for (int i = 0; i < size; i++) gradSums[offset + i] += acc[i];
        }
    }

    /**
     * Sum of squared errors of this group; replaces the output canvas with d(mean loss)/d(output). With a margin the
     * target is the output's centre (see {@link EngineInputs#targetMargin}) and the gradient outside it is zero.
     */
    private double lossAndOutputGradient(Tensor target, int margin, int n0, RowLayout layout, float gradScale) {
        int h = layout.height();
        int w = layout.width();
        int tw = w - 2 * margin;
        int channels = config.channels();
        int tasks = Math.min(h, GRADIENT_TASKS);
        pool.parallelFor(tasks, (worker, task) -> {
            double sum = 0;
            for (int r = h * task / tasks; r < h * (task + 1) / tasks; r++) {
                boolean inside = r >= margin && r < h - margin;
                for (int ch = 0; ch < channels; ch++) {
                    float[] row = output.writable(ch, r);
                    for (int g = 0; g < layout.items(); g++) {
                        int j0 = layout.column(g, 0);
                        if (!inside) {
                            Arrays.fill(row, j0, j0 + w, 0f);
                            continue;
                        }
                        Arrays.fill(row, j0, j0 + margin, 0f);
                        Arrays.fill(row, j0 + w - margin, j0 + w, 0f);
                        int t0 = target.index(n0 + g, ch, r - margin, 0);
                        int o0 = j0 + margin;
                        for (int x = 0; x < tw; x++) {
                            float o = row[o0 + x];
                            float t = target.data[t0 + x];
                            double d = (double) o - t;
                            sum += d * d;
                            row[o0 + x] = gradScale * (o - t);
                        }
                    }
                }
            }
            taskLoss[task] = sum;
        });
        double total = 0;
        for (int t = 0; t < tasks; t++) total += taskLoss[t];
        return total;
    }

    private static void pack(Tensor in, int n0, RowLayout layout, int r0, int r1, Canvas into) {
        for (int ch = 0; ch < in.c; ch++) {
            for (int r = r0; r < r1; r++) {
                float[] row = into.writable(ch, r);
                Arrays.fill(row, 0f);
                for (int g = 0; g < layout.items(); g++) {
                    System.arraycopy(in.data, in.index(n0 + g, ch, r, 0), row, layout.column(g, 0), in.w);
                }
            }
        }
    }

    private void pack(Tensor in, int n0, RowLayout layout, int r0, int r1) {
        pack(in, n0, layout, r0, r1, input);
    }

    private static void unpack(Canvas from, RowLayout layout, Tensor out, int n0, int r0, int r1) {
        for (int ch = 0; ch < out.c; ch++) {
            for (int r = r0; r < r1; r++) {
                float[] row = from.writable(ch, r);
                for (int g = 0; g < layout.items(); g++) {
                    System.arraycopy(row, layout.column(g, 0), out.data, out.index(n0 + g, ch, r, 0), out.w);
                }
            }
        }
    }
}
