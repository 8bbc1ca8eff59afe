package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.model.SrcnnConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * The CUDA engine's layer operations with their plan cache: the activations (and their gradients) of the largest
 * batch seen and the cuDNN workspace, one {@link ShapePlan} per batch shape (descriptors, chosen algorithms, fusion,
 * the narrow last-layer kernel, the training graph; the most recent {@value #MAX_CACHED_PLANS} kept), and the forward
 * and backward pass of each layer on them. All work is queued on the context's stream.
 */
final class LayerOps implements AutoCloseable {
    static final int MAX_CACHED_PLANS = 16;
    /** cuDNN's legacy API indexes a tensor with 32-bit integers. */
    static final long CUDNN_MAX_ELEMENTS = Integer.MAX_VALUE;
    private static final long MIB = 1L << 20;

    record ShapeKey(int n, int h, int w) {}

    private final CudaContext ctx;
    private final CudaOptions options;
    private ResidentModel model;

    /** activation[i] enters layer i (0: the input batch, LAYERS: the output); activationGrad[i] is dLoss/dactivation[i]. */
    final DeviceBuffer[] activation = new DeviceBuffer[LAYERS + 1];
    final DeviceBuffer[] activationGrad = new DeviceBuffer[LAYERS + 1];
    private final DeviceBuffer workspace;

    private final Map<ShapeKey, ShapePlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ShapeKey, ShapePlan> eldest) {
            if (size() <= MAX_CACHED_PLANS) return false;
            eldest.getValue().close();
            return true;
        }
    };
    /** Inference shapes whose forward algorithms were chosen by a timed search (the most recent ones). */
    private final List<ShapeKey> timedForwardShapes = new ArrayList<>();
    /** Counts {@link #prepare} calls: a batch staged on the device is still there while it has not changed. */
    private long generation;

    LayerOps(CudaContext ctx, CudaOptions options) {
        this.ctx = ctx;
        this.options = options;
        Runnable dropGraphs = this::dropGraphs;
        for (int i = 0; i <= LAYERS; i++) {
            activation[i] = new DeviceBuffer(i == 0 ? "input batch" : i == LAYERS ? "output batch"
                    : "conv" + i + " activations", dropGraphs);
            if (i > 0) {
                activationGrad[i] = new DeviceBuffer("gradient of " + (i == LAYERS ? "the output"
                        : "conv" + i + " activations"), dropGraphs);
            }
        }
        workspace = new DeviceBuffer("cuDNN workspace", dropGraphs);
    }

    /** Runs on {@code m} from now on; the plans (made for the previous model's shapes) are dropped. */
    void useModel(ResidentModel m) {
        if (m != model) closePlans();
        model = m;
    }

    long generation() {
        return generation;
    }

    /** Buffers, descriptors and algorithms for a batch of n x h x w, ready to run (training adds the backward pass). */
    ShapePlan prepare(int n, int h, int w, boolean training) {
        generation++;
        SrcnnConfig config = model.config();
        long pixels = (long) n * h * w;
        for (int i = 0; i <= LAYERS; i++) activation[i].ensure(4L * pixels * channelsEntering(i), ctx.stream());
        if (training) {
            for (int i = 1; i <= LAYERS; i++) activationGrad[i].ensure(4L * pixels * channelsEntering(i), ctx.stream());
        }
        ShapeKey key = new ShapeKey(n, h, w);
        ShapePlan plan = plans.get(key);
        if (plan == null) {
            plan = new ShapePlan(ctx, config, n, h, w, ConvMath.of(options.math()));
            plans.put(key, plan);
        }
        if (!plan.forwardChosen()) chooseForward(plan, !training && withinTimedShape(n, h, w));
        if (training && !plan.backwardChosen()) chooseBackward(plan);
        workspace.ensure(plan.workspaceBytes(), ctx.stream());
        return plan;
    }

    /** The cached plan of a shape, or null. */
    ShapePlan plan(ShapeKey key) {
        return plans.get(key);
    }

    private int channelsEntering(int i) {
        return i == 0 ? model.config().channels() : model.config().outChannels(i - 1);
    }

    /** How many images of h x w one forward call may take: cuDNN's 2^31-element limit and the free memory. */
    int imagesPerForwardChunk(int n, int h, int w) {
        SrcnnConfig config = model.config();
        long imagePixels = (long) h * w;
        long widest = Math.max(config.channels(), Math.max(config.n1(), config.n2()));
        long byCudnn = CUDNN_MAX_ELEMENTS / (widest * imagePixels);
        if (byCudnn < 1) {
            throw new IllegalArgumentException("a " + h + "x" + w + " image has " + widest * imagePixels
                    + " values in its widest layer, over cuDNN's 2^31 limit for one tensor: process it in tiles (each "
                    + "tile needs a " + config.halo() + "-pixel overlap)");
        }
        long limit = byCudnn;
        if (options.maxBatchPixels() > 0) {
            limit = Math.min(limit, Math.max(1, options.maxBatchPixels() / imagePixels));
        } else {
            long[] freeTotal = CudaCheck.memoryFreeTotal();
            if (freeTotal != null) {
                long held = 0;
                for (DeviceBuffer b : activation) held += b.capacity();
                long bytesPerPixel = 4L * (2L * config.channels() + config.n1() + config.n2());
                long reserve = Math.min(options.workspaceLimitBytes(), 512 * MIB) + 64 * MIB;
                long usable = (long) ((freeTotal[0] + held) * 0.9) - reserve;
                limit = Math.min(limit, Math.max(1, usable / (bytesPerPixel * imagePixels)));
            }
        }
        return (int) Math.min(n, limit);
    }

    /**
     * Whether an inference shape fits inside one whose forward algorithms were already timed: an edge tile of a tiled
     * image. Such shapes take cuDNN's heuristic ranking instead of another timed search (which costs far more than
     * the tile's own forward pass, once per odd shape).
     */
    private boolean withinTimedShape(int n, int h, int w) {
        for (ShapeKey k : timedForwardShapes) {
            if (k.n() == n && h <= k.h() && w <= k.w()) return true;
        }
        return false;
    }

    private void chooseForward(ShapePlan plan, boolean heuristic) {
        ConvAlgorithms.Constraints c = new ConvAlgorithms.Constraints(options, ConvAlgorithms.workspaceLimit(options),
                heuristic);
        if (!heuristic && !options.deterministic()) {
            timedForwardShapes.add(new ShapeKey(plan.n, plan.h, plan.w));
            if (timedForwardShapes.size() > MAX_CACHED_PLANS) timedForwardShapes.remove(0);
        }
        for (int l = 0; l < LAYERS; l++) {
            plan.layers[l].chooseForward(c, activation[l].pointer(), model.weightAt[l], activation[l + 1].pointer());
            ConvAlgorithms.Choice choice = plan.layers[l].forwardChoice();
            // ReLU layers: cuDNN fuses bias+ReLU with any algorithm, saving a pass over the 64- and 32-channel maps
            // (2.3 ms of 27 on 8 x 1080p, H200); identity activation is accepted only with IMPLICIT_PRECOMP_GEMM.
            // A refusal on first use falls back to the convolution plus our kernel (forwardLayer).
            boolean relu = l < LAYERS - 1;
            plan.fused[l] = relu
                    || choice.algo() == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
        }
        // the last layer has 1-3 output channels, where cuDNN's GEMM tiles waste most of their work (CudaOptions)
        int last = LAYERS - 1;
        SrcnnConfig config = model.config();
        plan.narrowLastLayer = options.narrowConv()
                && CudaKernels.supportsNarrowConv(config.inChannels(last), config.outChannels(last), config.filter(last));
        if (plan.narrowLastLayer) plan.fused[last] = false;
    }

    private void chooseBackward(ShapePlan plan) {
        ConvAlgorithms.Constraints c = new ConvAlgorithms.Constraints(options, ConvAlgorithms.workspaceLimit(options));
        // from the last layer down, so backwardChosen() (which looks at layer 0) is true only when all are chosen
        for (int l = LAYERS - 1; l >= 0; l--) {
            ConvLayer layer = plan.layers[l];
            if (l > 0) {
                layer.chooseBackwardData(c, model.weightAt[l], activationGrad[l + 1].pointer(),
                        activationGrad[l].pointer());
            }
            layer.chooseBackwardFilter(c, activation[l].pointer(), activationGrad[l + 1].pointer(),
                    model.weightGradAt[l]);
        }
    }

    /** All layers' forward pass on the batch in activation[0]; the output lands in activation[LAYERS]. */
    void forward(ShapePlan plan) {
        for (int l = 0; l < LAYERS; l++) forwardLayer(plan, l);
    }

    private void forwardLayer(ShapePlan plan, int l) {
        SrcnnConfig config = model.config();
        boolean relu = l < LAYERS - 1;
        ConvLayer layer = plan.layers[l];
        Pointer in = activation[l].pointer();
        Pointer out = activation[l + 1].pointer();
        if (l == LAYERS - 1 && plan.narrowLastLayer) {
            ctx.kernels().narrowConvForward(ctx.cuStream(), in, model.weightAt[l], model.biasAt[l], out, plan.n,
                    config.inChannels(l), config.outChannels(l), plan.h, plan.w, config.filter(l));
            return;
        }
        if (plan.fused[l]) {
            int status = layer.forwardFused(in, model.weightAt[l], model.biasAt[l], out, relu, workspace.pointer(),
                    workspace.capacity());
            if (status == 0) return;
            // refused before anything ran: the same convolution plus the bias+activation kernel does the same job
            plan.fused[l] = false;
            plan.notes.add("conv" + (l + 1) + ": fused bias+activation refused (" + CudaCheck.cudnnStatus(status)
                    + "), using convolution + kernel");
        }
        layer.forward(in, model.weightAt[l], out, workspace.pointer(), workspace.capacity());
        ctx.kernels().biasActivation(ctx.cuStream(), out, model.biasAt[l], plan.n, config.outChannels(l),
                plan.h * plan.w, relu);
    }

    /**
     * The forward pass of one h x w crop of a single-channel device plane (rows {@code srcPitch} bytes apart), all on
     * the device: the crop into the input activation, the layers, output rows [top, top + outH) x columns
     * [left, left + outW) to {@code dst} (rows {@code dstPitch} bytes apart). Nothing crosses PCIe.
     */
    void forwardCrop(Pointer src, long srcPitch, int h, int w, int top, int left, int outH, int outW, Pointer dst,
            long dstPitch) {
        SrcnnConfig config = model.config();
        if (config.channels() != 1) {
            throw new IllegalStateException("forwardCrop is for single-channel models, this one has " + config.channels());
        }
        if (h < 1 || w < 1 || top < 0 || left < 0 || outH < 1 || outW < 1 || top + outH > h || left + outW > w) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " cannot give rows " + top + "+" + outH
                    + ", columns " + left + "+" + outW);
        }
        long widest = Math.max(config.n1(), config.n2());
        if (widest * h * w > CUDNN_MAX_ELEMENTS) {
            throw new IllegalArgumentException("a " + h + "x" + w + " crop has " + widest * h * w
                    + " values in its widest layer, over cuDNN's 2^31 limit for one tensor: use smaller tiles");
        }
        ShapePlan plan = prepare(1, h, w, false);
        CudaCheck.runtime(JCuda.cudaMemcpy2DAsync(activation[0].pointer(), 4L * w, src, srcPitch, 4L * w, h,
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, ctx.stream()),
                "cudaMemcpy2DAsync (tile in, " + h + "x" + w + ")");
        forward(plan);
        CudaCheck.runtime(JCuda.cudaMemcpy2DAsync(dst, dstPitch,
                activation[LAYERS].at(4L * ((long) top * w + left)), 4L * w, 4L * outW, outH,
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, ctx.stream()),
                "cudaMemcpy2DAsync (tile out, " + outH + "x" + outW + ")");
    }

    /** From dLoss/d(output) in activationGrad[LAYERS]: every parameter gradient, layer by layer down. */
    void backward(ShapePlan plan) {
        for (int l = LAYERS - 1; l >= 0; l--) backwardLayer(plan, l);
    }

    /** dLoss/d(layer l's output) is in activationGrad[l + 1]; makes the parameter gradients and dLoss/d(its input). */
    private void backwardLayer(ShapePlan plan, int l) {
        boolean relu = l < LAYERS - 1;
        Pointer outGrad = activationGrad[l + 1].pointer();
        // through the activation (in place) and the bias gradient in one pass
        ctx.kernels().biasActivationBackward(ctx.cuStream(), outGrad, activation[l + 1].pointer(),
                model.biasGradAt[l], plan.n, model.config().outChannels(l), plan.h * plan.w, relu);
        ConvLayer layer = plan.layers[l];
        layer.backwardFilter(activation[l].pointer(), outGrad, model.weightGradAt[l], workspace.pointer(),
                workspace.capacity());
        if (l == 0) return; // nothing upstream of the input needs a gradient
        layer.backwardData(model.weightAt[l], outGrad, activationGrad[l].pointer(), workspace.pointer(),
                workspace.capacity());
    }

    /** A buffer moved: every captured graph still points at the old address. */
    void dropGraphs() {
        for (ShapePlan p : plans.values()) p.dropGraph();
    }

    /** One line per cached batch shape: the algorithms cuDNN was asked to use, fusion, graph. */
    List<String> planSummaries() {
        List<String> out = new ArrayList<>();
        for (ShapePlan p : plans.values()) out.add(p.describe());
        return out;
    }

    private void closePlans() {
        RuntimeException first = null;
        for (ShapePlan p : plans.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        plans.clear();
        if (first != null) throw first;
    }

    /**
     * Frees the activations, their gradients and the workspace (the stream must be idle); they are allocated again,
     * at the size needed, by the next {@link #prepare}. Graphs holding the old addresses are dropped and a staged
     * batch counts as gone.
     */
    void releaseWorkingMemory() {
        generation++;
        dropGraphs();
        RuntimeException first = null;
        for (DeviceBuffer[] buffers : new DeviceBuffer[][] {activation, activationGrad, {workspace}}) {
            for (DeviceBuffer b : buffers) {
                if (b == null) continue;
                try {
                    b.close();
                } catch (RuntimeException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }

    /** Frees the plans and buffers; throws the first failure after releasing all it can. */
    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        steps.add(this::closePlans);
        for (DeviceBuffer b : activation) steps.add(b::close);
        for (DeviceBuffer b : activationGrad) {
            if (b != null) steps.add(b::close);
        }
        steps.add(workspace::close);
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
