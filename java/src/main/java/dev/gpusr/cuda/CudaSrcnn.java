package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.engine.EngineInputs;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * SRCNN on one CUDA GPU with cuDNN convolutions and gpu-sr's own kernels ({@link CudaKernels}) for bias, activation,
 * loss and optimizer.
 *
 * <p>Everything stays resident: parameters, gradients and the two optimizer moments are each one device block in the
 * flat {@link SrcnnConfig} order (one upload, one update launch, one download for a checkpoint); activations, their
 * gradients and the cuDNN workspace are sized for the largest batch seen and reused. Per batch shape the descriptors
 * and chosen algorithms are cached ({@link ShapePlan}); the training step of a shape is replayed as a CUDA graph from
 * its second step on (see {@link CudaOptions#cudaGraphs()}). A step moves only the batch to the GPU (through pinned
 * staging, asynchronously) and the loss back only when asked.
 *
 * <p>All work runs on one non-blocking stream; every CUDA, driver and cuDNN status is checked and failures are
 * {@link CudaException}s that name the call and suggest a fix. Not thread-safe (one engine per thread), but any thread
 * may use it: each entry point makes its GPU current.
 */
public final class CudaSrcnn implements SrcnnEngine {
    private static final int MAX_CACHED_PLANS = 16;
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});
    /** cuDNN's legacy API indexes a tensor with 32-bit integers. */
    private static final long CUDNN_MAX_ELEMENTS = Integer.MAX_VALUE;
    private static final long MIB = 1L << 20;

    private final int device;
    private final CudaOptions options;
    private String deviceName = "";

    private CudaContext context;
    private cudaStream_t stream;
    private CUstream cuStream;
    private cudnnHandle cudnn;
    private CudaKernels kernels;
    private cudnnActivationDescriptor reluActivation;
    private cudnnActivationDescriptor identityActivation;
    private HostTransfers transfers;

    // the resident model (replaced by loadWeights when the shapes change)
    private SrcnnConfig config;
    private final cudnnFilterDescriptor[] filters = new cudnnFilterDescriptor[LAYERS];
    private final cudnnTensorDescriptor[] biasShapes = new cudnnTensorDescriptor[LAYERS];
    private DeviceBuffer params;
    private DeviceBuffer grads;
    private DeviceBuffer moment1;
    private DeviceBuffer moment2;
    private final Pointer[] weightAt = new Pointer[LAYERS];
    private final Pointer[] biasAt = new Pointer[LAYERS];
    private final Pointer[] weightGradAt = new Pointer[LAYERS];
    private final Pointer[] biasGradAt = new Pointer[LAYERS];
    private int[] layerEnds;

    /** activation[i] enters layer i (0: the input batch, LAYERS: the output); activationGrad[i] is dLoss/dactivation[i]. */
    private final DeviceBuffer[] activation = new DeviceBuffer[LAYERS + 1];
    private final DeviceBuffer[] activationGrad = new DeviceBuffer[LAYERS + 1];
    private DeviceBuffer target;
    private DeviceBuffer workspace;
    private DeviceBuffer reductionScratch;
    private DeviceBuffer loss;
    private DeviceBuffer upsampleIn;
    private DeviceBuffer upsampleOut;

    private final Map<ShapeKey, ShapePlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ShapeKey, ShapePlan> eldest) {
            if (size() <= MAX_CACHED_PLANS) return false;
            eldest.getValue().close();
            return true;
        }
    };

    private OptimizerConfig optimizer;
    private long optimizerStep;
    private String graphFallbackReason;
    private long graphLaunches;
    private boolean closed;

    private record ShapeKey(int n, int h, int w) {}

    /** Inference shapes whose forward algorithms were chosen by a timed search (the most recent ones). */
    private final List<ShapeKey> timedForwardShapes = new ArrayList<>();

    /** Opens GPU {@code device} with the default options (true fp32, fastest algorithms, CUDA graphs). */
    public CudaSrcnn(int device, SrcnnWeights weights) {
        this(device, weights, CudaOptions.defaults());
    }

    /**
     * Opens GPU {@code device} and makes {@code weights} resident. Throws a {@link CudaException} that says why when
     * the GPU, driver, cuDNN or the kernels cannot be used; nothing stays allocated then.
     */
    public CudaSrcnn(int device, SrcnnWeights weights, CudaOptions options) {
        Objects.requireNonNull(weights, "weights");
        this.options = Objects.requireNonNull(options, "options");
        this.device = device;
        try {
            openDevice();
            allocateModel(weights.config());
            transfers.upload(weights.params(), 0, config.paramCount(), params.pointer());
            zeroOptimizerMoments();
        } catch (LinkageError e) {
            closeAfterFailure(e);
            throw new CudaException("the JCuda native libraries could not be loaded (" + CudnnLibrary.oneLine(e)
                    + "); an NVIDIA driver with libcuda.so is needed", e);
        } catch (RuntimeException e) {
            closeAfterFailure(e);
            throw e;
        }
    }

    private void closeAfterFailure(Throwable cause) {
        try {
            close();
        } catch (RuntimeException | LinkageError suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private void openDevice() {
        context = CudaContext.open(device, false);
        deviceName = context.name();
        CudnnLibrary.require();
        stream = context.stream();
        cuStream = context.cuStream();
        cudnn = context.cudnn();
        kernels = context.kernels();
        reluActivation = activationDescriptor(cudnnActivationMode.CUDNN_ACTIVATION_RELU);
        identityActivation = activationDescriptor(cudnnActivationMode.CUDNN_ACTIVATION_IDENTITY);
        transfers = new HostTransfers(stream);

        Runnable dropGraphs = this::dropGraphs;
        for (int i = 0; i <= LAYERS; i++) {
            activation[i] = new DeviceBuffer(i == 0 ? "input batch" : i == LAYERS ? "output batch"
                    : "conv" + i + " activations", dropGraphs);
            if (i > 0) activationGrad[i] = new DeviceBuffer("gradient of " + activationName(i), dropGraphs);
        }
        target = new DeviceBuffer("target batch", dropGraphs);
        workspace = new DeviceBuffer("cuDNN workspace", dropGraphs);
        reductionScratch = new DeviceBuffer("loss reduction scratch", dropGraphs);
        loss = new DeviceBuffer("loss", dropGraphs);
        loss.ensure(Double.BYTES, stream);
        upsampleIn = new DeviceBuffer("upsampling input", null);
        upsampleOut = new DeviceBuffer("upsampling output", null);
    }

    private static String activationName(int i) {
        return i == LAYERS ? "the output" : "conv" + i + " activations";
    }

    private static cudnnActivationDescriptor activationDescriptor(int mode) {
        cudnnActivationDescriptor d = new cudnnActivationDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateActivationDescriptor(d), "cudnnCreateActivationDescriptor");
        // NaN propagates as through Java's Math.max in the CPU engine
        int status = JCudnn.cudnnSetActivationDescriptor(d, mode, cudnnNanPropagation.CUDNN_PROPAGATE_NAN, 0.0);
        if (status != 0) {
            JCudnn.cudnnDestroyActivationDescriptor(d);
            throw CudaCheck.cudnnFailure(status, "cudnnSetActivationDescriptor (" + cudnnActivationMode.stringFor(mode) + ")");
        }
        return d;
    }

    // ------------------------------------------------------------------ model residency

    private void allocateModel(SrcnnConfig c) {
        for (int l = 0; l < LAYERS; l++) {
            cudnnFilterDescriptor f = new cudnnFilterDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateFilterDescriptor(f), "cudnnCreateFilterDescriptor");
            filters[l] = f;
            CudaCheck.cudnn(JCudnn.cudnnSetFilter4dDescriptor(f, cudnnDataType.CUDNN_DATA_FLOAT,
                    cudnnTensorFormat.CUDNN_TENSOR_NCHW, c.outChannels(l), c.inChannels(l), c.filter(l), c.filter(l)),
                    "cudnnSetFilter4dDescriptor (conv" + (l + 1) + ")");
            cudnnTensorDescriptor b = new cudnnTensorDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateTensorDescriptor(b), "cudnnCreateTensorDescriptor");
            biasShapes[l] = b;
            CudaCheck.cudnn(JCudnn.cudnnSetTensor4dDescriptor(b, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                    cudnnDataType.CUDNN_DATA_FLOAT, 1, c.outChannels(l), 1, 1),
                    "cudnnSetTensor4dDescriptor (conv" + (l + 1) + " bias)");
        }
        long bytes = 4L * c.paramCount();
        params = new DeviceBuffer("parameters", null);
        params.ensure(bytes, stream);
        grads = new DeviceBuffer("gradients", null);
        grads.ensure(bytes, stream);
        moment1 = new DeviceBuffer("optimizer first moment", null);
        moment1.ensure(bytes, stream);
        moment2 = new DeviceBuffer("optimizer second moment", null);
        moment2.ensure(bytes, stream);
        // gradients() before the first computeGradients reads zeros, not garbage
        CudaCheck.runtime(JCuda.cudaMemsetAsync(grads.pointer(), 0, bytes, stream), "cudaMemsetAsync (gradients)");
        for (int l = 0; l < LAYERS; l++) {
            weightAt[l] = params.at(4L * c.offset(Param.weight(l)));
            biasAt[l] = params.at(4L * c.offset(Param.bias(l)));
            weightGradAt[l] = grads.at(4L * c.offset(Param.weight(l)));
            biasGradAt[l] = grads.at(4L * c.offset(Param.bias(l)));
        }
        layerEnds = new int[LAYERS];
        for (int l = 0; l < LAYERS; l++) layerEnds[l] = c.layerEnd(l);
        config = c; // last: a model is resident only once all of it is
    }

    private void freeModel() {
        closePlans();
        config = null;
        RuntimeException first = null;
        for (int l = 0; l < LAYERS; l++) {
            if (filters[l] != null) {
                int s = JCudnn.cudnnDestroyFilterDescriptor(filters[l]);
                filters[l] = null;
                if (s != 0 && first == null) first = CudaCheck.cudnnFailure(s, "cudnnDestroyFilterDescriptor");
            }
            if (biasShapes[l] != null) {
                int s = JCudnn.cudnnDestroyTensorDescriptor(biasShapes[l]);
                biasShapes[l] = null;
                if (s != 0 && first == null) first = CudaCheck.cudnnFailure(s, "cudnnDestroyTensorDescriptor");
            }
            weightAt[l] = biasAt[l] = weightGradAt[l] = biasGradAt[l] = null;
        }
        for (DeviceBuffer b : new DeviceBuffer[] {params, grads, moment1, moment2}) {
            try {
                if (b != null) b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        params = grads = moment1 = moment2 = null;
        if (first != null) throw first;
    }

    /** Same tensor shapes, so the device blocks and descriptors can stay (scale and colour space do not matter). */
    private static boolean sameShapes(SrcnnConfig a, SrcnnConfig b) {
        return a.channels() == b.channels() && a.n1() == b.n1() && a.n2() == b.n2() && a.f1() == b.f1()
                && a.f2() == b.f2() && a.f3() == b.f3();
    }

    private void zeroOptimizerMoments() {
        long bytes = 4L * config.paramCount();
        CudaCheck.runtime(JCuda.cudaMemsetAsync(moment1.pointer(), 0, bytes, stream), "cudaMemsetAsync (first moment)");
        CudaCheck.runtime(JCuda.cudaMemsetAsync(moment2.pointer(), 0, bytes, stream), "cudaMemsetAsync (second moment)");
        optimizerStep = 0;
    }

    @Override
    public void loadWeights(SrcnnWeights weights) {
        beginWithoutModel();
        Objects.requireNonNull(weights, "weights");
        if (config == null || !sameShapes(config, weights.config())) {
            freeModel();
            allocateModel(weights.config());
        }
        config = weights.config();
        transfers.upload(weights.params(), 0, config.paramCount(), params.pointer());
        zeroOptimizerMoments();
    }

    /** The resident model's configuration; no device call. */
    @Override
    public SrcnnConfig config() {
        if (closed) throw new IllegalStateException("the CUDA engine " + id() + " is closed");
        if (config == null) throw new IllegalStateException("no model is resident (an earlier loadWeights failed)");
        return config;
    }

    @Override
    public SrcnnWeights weights() {
        begin();
        float[] p = new float[config.paramCount()];
        transfers.download(params.pointer(), p, 0, p.length);
        return new SrcnnWeights(config, p);
    }

    // ------------------------------------------------------------------ inference

    @Override
    public Tensor upsample(Tensor lowRes, int scale) {
        begin();
        Objects.requireNonNull(lowRes, "lowRes");
        if (scale < 1) throw new IllegalArgumentException("upsampling scale must be >= 1, got " + scale);
        long outH = (long) lowRes.h * scale;
        long outW = (long) lowRes.w * scale;
        long outSize = (long) lowRes.n * lowRes.c * outH * outW;
        if (outSize > Integer.MAX_VALUE - 8) {
            // a Java array (and so this call's result) holds at most 2^31 - 9 values; say what does fit
            long perPixel = (long) lowRes.n * lowRes.c * scale * scale;
            long fits = (Integer.MAX_VALUE - 8) / perPixel;
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "x%d of %s would be %,d values, more than one tensor holds (2^31): at x%d with %d plane(s) an "
                            + "input may have at most %,d pixels (--max-pixels %d)%s", scale, lowRes.shapeString(),
                    outSize, scale, lowRes.n * lowRes.c, fits, fits,
                    lowRes.n > 1 ? "; or upsample fewer images at a time" : ""));
        }
        upsampleIn.ensure(4L * lowRes.size(), stream);
        upsampleOut.ensure(4L * outSize, stream);
        transfers.upload(lowRes.data, 0, lowRes.size(), upsampleIn.pointer());
        kernels.bicubicUpscale(cuStream, upsampleIn.pointer(), upsampleOut.pointer(), lowRes.n * lowRes.c, lowRes.h,
                lowRes.w, scale);
        Tensor out = new Tensor(lowRes.n, lowRes.c, (int) outH, (int) outW);
        transfers.download(upsampleOut.pointer(), out.data, 0, out.size());
        return out;
    }

    @Override
    public Tensor forward(Tensor input) {
        begin();
        EngineInputs.requireModelInput(config, input, "input");
        Tensor output = new Tensor(input.n, input.c, input.h, input.w);
        int perChunk = imagesPerForwardChunk(input.n, input.h, input.w);
        int chunks = (input.n + perChunk - 1) / perChunk;
        // equal chunks (but the last) so at most two batch shapes need plans
        int chunkImages = (input.n + chunks - 1) / chunks;
        int imageFloats = input.c * input.h * input.w;
        for (int first = 0; first < input.n; first += chunkImages) {
            int images = Math.min(chunkImages, input.n - first);
            ShapePlan plan = prepare(images, input.h, input.w, false);
            transfers.upload(input.data, first * imageFloats, images * imageFloats, activation[0].pointer());
            for (int l = 0; l < LAYERS; l++) forwardLayer(plan, l);
            transfers.download(activation[LAYERS].pointer(), output.data, first * imageFloats, images * imageFloats);
        }
        return output;
    }

    /** How many images of h x w one forward call may take: cuDNN's 2^31-element limit and the free memory. */
    private int imagesPerForwardChunk(int n, int h, int w) {
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

    // ------------------------------------------------------------------ training

    @Override
    public double computeGradients(Tensor input, Tensor target) {
        enqueueGradients(input, target);
        return readLoss();
    }

    @Override
    public double trainStep(Tensor input, Tensor target, boolean readLoss) {
        begin();
        requireOptimizer();
        enqueueGradients(input, target);
        applyOptimizer();
        return readLoss ? readLoss() : Double.NaN;
    }

    private void enqueueGradients(Tensor input, Tensor targetBatch) {
        begin();
        EngineInputs.requireModelInput(config, input, "input");
        EngineInputs.requireTarget(input, targetBatch);
        long widest = Math.max(config.channels(), Math.max(config.n1(), config.n2()));
        if (widest * input.n * input.h * input.w > CUDNN_MAX_ELEMENTS) {
            throw new IllegalArgumentException("a training batch of " + input.shapeString() + " has "
                    + widest * input.n * input.h * input.w + " values in its widest layer, over cuDNN's 2^31 limit "
                    + "for one tensor: use a smaller batch");
        }
        ShapePlan plan = prepare(input.n, input.h, input.w, true);
        transfers.upload(input.data, 0, input.size(), activation[0].pointer());
        transfers.upload(targetBatch.data, 0, targetBatch.size(), target.pointer());
        runTrainingPasses(plan);
    }

    /** The training passes of the batch on the device: replayed as a CUDA graph from a shape's second step on. */
    private void runTrainingPasses(ShapePlan plan) {
        if (options.cudaGraphs() && !CudaCheck.SYNC_DEBUG && graphFallbackReason == null
                && plan.plainTrainingSteps > 0) {
            if (plan.trainingGraph == null) {
                try {
                    plan.trainingGraph = CudaGraph.capture(cuStream, () -> trainingPasses(plan));
                } catch (CudaException e) {
                    graphFallbackReason = e.getMessage();
                }
            }
            if (plan.trainingGraph != null) {
                plan.trainingGraph.launch(cuStream);
                graphLaunches++;
                return;
            }
        }
        trainingPasses(plan);
        plan.plainTrainingSteps++;
    }

    /** Forward, loss and backward of the batch already in activation[0] and target: the work a graph records. */
    private void trainingPasses(ShapePlan plan) {
        for (int l = 0; l < LAYERS; l++) forwardLayer(plan, l);
        int count = plan.n * config.channels() * plan.h * plan.w;
        kernels.mseLossAndGrad(cuStream, activation[LAYERS].pointer(), target.pointer(),
                activationGrad[LAYERS].pointer(), loss.pointer(), reductionScratch.pointer(), count);
        for (int l = LAYERS - 1; l >= 0; l--) backwardLayer(plan, l);
    }

    private void forwardLayer(ShapePlan plan, int l) {
        boolean relu = l < LAYERS - 1;
        ConvAlgorithms.Choice algo = plan.forward[l];
        Pointer in = activation[l].pointer();
        Pointer out = activation[l + 1].pointer();
        if (l == LAYERS - 1 && plan.narrowLastLayer) {
            kernels.narrowConvForward(cuStream, in, weightAt[l], biasAt[l], out, plan.n, config.inChannels(l),
                    config.outChannels(l), plan.h, plan.w, config.filter(l));
            return;
        }
        if (plan.fused[l]) {
            // y = act(conv(x) + 0 * z + bias); z must be a valid tensor even when its weight is zero, so it is y
            int status = JCudnn.cudnnConvolutionBiasActivationForward(cudnn, ONE, plan.activation[l], in, filters[l],
                    weightAt[l], plan.forwardConv[l], algo.algo(), workspace.pointer(), workspace.capacity(), ZERO,
                    plan.activation[l + 1], out, biasShapes[l], biasAt[l], relu ? reluActivation : identityActivation,
                    plan.activation[l + 1], out);
            if (status == 0) {
                plan.fusedConfirmed[l] = true;
                return;
            }
            if (plan.fusedConfirmed[l]) {
                throw CudaCheck.cudnnFailure(status, "cudnnConvolutionBiasActivationForward (" + plan.layerName(l)
                        + ", " + algo.algoName() + ")");
            }
            // refused before anything ran: the same convolution plus the bias+activation kernel does the same job
            plan.fused[l] = false;
            plan.notes.add("conv" + (l + 1) + ": fused bias+activation refused (" + CudaCheck.cudnnStatus(status)
                    + "), using convolution + kernel");
        }
        int status = JCudnn.cudnnConvolutionForward(cudnn, ONE, plan.activation[l], in, filters[l], weightAt[l],
                plan.forwardConv[l], algo.algo(), workspace.pointer(), workspace.capacity(), ZERO,
                plan.activation[l + 1], out);
        if (status != 0) {
            throw CudaCheck.cudnnFailure(status, "cudnnConvolutionForward (" + plan.layerName(l) + ", " + algo.algoName()
                    + ")");
        }
        kernels.biasActivation(cuStream, out, biasAt[l], plan.n, config.outChannels(l), plan.h * plan.w, relu);
    }

    /** dLoss/d(layer l's output) is in activationGrad[l + 1]; makes the parameter gradients and dLoss/d(its input). */
    private void backwardLayer(ShapePlan plan, int l) {
        boolean relu = l < LAYERS - 1;
        Pointer outGrad = activationGrad[l + 1].pointer();
        // through the activation (in place) and the bias gradient in one pass
        kernels.biasActivationBackward(cuStream, outGrad, activation[l + 1].pointer(), biasGradAt[l], plan.n,
                config.outChannels(l), plan.h * plan.w, relu);
        ConvAlgorithms.Choice f = plan.backwardFilter[l];
        int status = JCudnn.cudnnConvolutionBackwardFilter(cudnn, ONE, plan.activation[l], activation[l].pointer(),
                plan.activation[l + 1], outGrad, plan.backwardFilterConv[l], f.algo(), workspace.pointer(),
                workspace.capacity(), ZERO, filters[l], weightGradAt[l]);
        if (status != 0) {
            throw CudaCheck.cudnnFailure(status, "cudnnConvolutionBackwardFilter (" + plan.layerName(l) + ", "
                    + f.algoName() + ")");
        }
        if (l == 0) return; // nothing upstream of the input needs a gradient
        ConvAlgorithms.Choice d = plan.backwardData[l];
        status = JCudnn.cudnnConvolutionBackwardData(cudnn, ONE, filters[l], weightAt[l], plan.activation[l + 1],
                outGrad, plan.backwardDataConv[l], d.algo(), workspace.pointer(), workspace.capacity(), ZERO,
                plan.activation[l], activationGrad[l].pointer());
        if (status != 0) {
            throw CudaCheck.cudnnFailure(status, "cudnnConvolutionBackwardData (" + plan.layerName(l) + ", "
                    + d.algoName() + ")");
        }
    }

    private double readLoss() {
        float[] value = new float[1];
        transfers.download(loss.pointer(), value, 0, 1);
        return value[0];
    }

    @Override
    public float[] gradients() {
        begin();
        float[] g = new float[config.paramCount()];
        transfers.download(grads.pointer(), g, 0, g.length);
        return g;
    }

    @Override
    public void setOptimizer(OptimizerConfig cfg, OptimizerState state) {
        begin();
        Objects.requireNonNull(cfg, "optimizer config");
        int count = config.paramCount();
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
        zeroOptimizerMoments();
        if (state != null) {
            transfers.upload(state.m(), 0, count, moment1.pointer());
            if (adam) transfers.upload(state.v(), 0, count, moment2.pointer());
            optimizerStep = state.step();
        }
    }

    @Override
    public void setLearningRates(float[] lr) {
        begin();
        requireOptimizer();
        optimizer = optimizer.withLr(lr); // the update kernels take the rates as arguments: nothing on the device changes
    }

    @Override
    public void applyOptimizer() {
        begin();
        requireOptimizer();
        int count = config.paramCount();
        float[] lr = optimizer.lr();
        switch (optimizer.kind()) {
            case SGD -> kernels.sgdMomentum(cuStream, params.pointer(), grads.pointer(), moment1.pointer(), count,
                    layerEnds, lr, optimizer.momentum());
            case ADAM -> kernels.adam(cuStream, params.pointer(), grads.pointer(), moment1.pointer(), moment2.pointer(),
                    count, layerEnds, lr, optimizer.beta1(), optimizer.beta2(), optimizer.eps(), optimizerStep + 1);
        }
        optimizerStep++;
    }

    @Override
    public OptimizerState optimizerState() {
        begin();
        requireOptimizer();
        float[] m = new float[config.paramCount()];
        transfers.download(moment1.pointer(), m, 0, m.length);
        float[] v = new float[optimizer.kind() == OptimizerConfig.Kind.ADAM ? config.paramCount() : 0];
        if (v.length > 0) transfers.download(moment2.pointer(), v, 0, v.length);
        return new OptimizerState(m, v, optimizerStep);
    }

    private void requireOptimizer() {
        if (optimizer == null) throw new IllegalStateException("no optimizer set: call setOptimizer first");
    }

    // ------------------------------------------------------------------ shapes, buffers, algorithms

    /** Buffers, descriptors and algorithms for a batch of n x h x w, ready to run (training adds the backward pass). */
    private ShapePlan prepare(int n, int h, int w, boolean training) {
        staged = null; // the staged batch's buffers are about to be reused (or moved)
        long pixels = (long) n * h * w;
        for (int i = 0; i <= LAYERS; i++) activation[i].ensure(4L * pixels * channelsEntering(i), stream);
        if (training) {
            target.ensure(4L * pixels * config.channels(), stream);
            for (int i = 1; i <= LAYERS; i++) activationGrad[i].ensure(4L * pixels * channelsEntering(i), stream);
            int count = (int) (pixels * config.channels());
            reductionScratch.ensure(4L * Math.max(1, CudaKernels.reductionScratchFloats(count)), stream);
        }
        ShapeKey key = new ShapeKey(n, h, w);
        ShapePlan plan = plans.get(key);
        if (plan == null) {
            plan = new ShapePlan(config, n, h, w, options.math(), filters);
            plans.put(key, plan);
        }
        if (!plan.forwardChosen()) chooseForward(plan, !training && withinTimedShape(n, h, w));
        if (training && !plan.backwardChosen()) chooseBackward(plan);
        workspace.ensure(plan.workspaceBytes(), stream);
        return plan;
    }

    private int channelsEntering(int i) {
        return i == 0 ? config.channels() : config.outChannels(i - 1);
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
            ConvAlgorithms.Choice choice = ConvAlgorithms.forward(cudnn, c, plan.layerName(l), plan.activation[l],
                    activation[l].pointer(), filters[l], weightAt[l], plan.forwardConv[l], plan.activation[l + 1],
                    activation[l + 1].pointer());
            plan.forward[l] = choice;
            // ReLU layers: cuDNN fuses bias+ReLU with any algorithm, saving a pass over the 64- and 32-channel maps
            // (2.3 ms of 27 on 8 x 1080p, H200); identity activation is accepted only with IMPLICIT_PRECOMP_GEMM.
            // A refusal on first use falls back to the convolution plus our kernel (forwardLayer).
            boolean relu = l < LAYERS - 1;
            plan.fused[l] = relu
                    || choice.algo() == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
        }
        // the last layer has 1-3 output channels, where cuDNN's GEMM tiles waste most of their work (CudaOptions)
        int last = LAYERS - 1;
        plan.narrowLastLayer = options.narrowConv()
                && CudaKernels.supportsNarrowConv(config.inChannels(last), config.outChannels(last), config.filter(last));
        if (plan.narrowLastLayer) plan.fused[last] = false;
    }

    private void chooseBackward(ShapePlan plan) {
        ConvAlgorithms.Constraints c = new ConvAlgorithms.Constraints(options, ConvAlgorithms.workspaceLimit(options));
        // from the last layer down, so backwardChosen() (which looks at layer 0) is true only when all are chosen
        for (int l = LAYERS - 1; l >= 0; l--) {
            if (l > 0) {
                ConvAlgorithms.Choice data = ConvAlgorithms.backwardData(cudnn, c, plan.layerName(l), filters[l],
                        weightAt[l], plan.activation[l + 1], activationGrad[l + 1].pointer(), plan.backwardDataConv[l],
                        plan.activation[l], activationGrad[l].pointer());
                plan.backwardData[l] = data;
            }
            ConvAlgorithms.Choice filter = ConvAlgorithms.backwardFilter(cudnn, c, plan.layerName(l), plan.activation[l],
                    activation[l].pointer(), plan.activation[l + 1], activationGrad[l + 1].pointer(),
                    plan.backwardFilterConv[l], filters[l], weightGradAt[l]);
            plan.backwardFilter[l] = filter;
        }
    }

    /** A buffer moved: every captured graph still points at the old address. */
    private void dropGraphs() {
        for (ShapePlan p : plans.values()) p.dropGraph();
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

    /** Every entry point: refuse after close, and make this GPU current on the calling thread. */
    private void begin() {
        config();
        beginWithoutModel();
    }

    private void beginWithoutModel() {
        if (closed) throw new IllegalStateException("the CUDA engine " + id() + " is closed");
        int status = JCuda.cudaSetDevice(device);
        if (status != 0) throw CudaCheck.runtimeFailure(status, "cudaSetDevice(" + device + ")");
    }

    // ------------------------------------------------------------------ the device-resident pixel path (CudaPixelPath)

    /** Closed (first) when this engine closes: device memory others allocated for work on this engine's stream. */
    private final List<AutoCloseable> attached = new ArrayList<>();

    void attach(AutoCloseable resource) {
        attached.add(resource);
    }

    /** For an attached resource's close: this GPU current and the stream drained, also while the engine closes. */
    void drainForRelease() {
        CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        if (stream != null) CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    /** Makes this GPU current on the calling thread; refuses after close or without a resident model. */
    void beginDeviceWork() {
        begin();
    }

    /** The resident model's configuration (no copy from the device). */
    SrcnnConfig residentConfig() {
        begin();
        return config;
    }

    cudaStream_t stream() {
        return stream;
    }

    CUstream cuStream() {
        return cuStream;
    }

    CudaKernels kernels() {
        return kernels;
    }

    /**
     * The forward pass of one h x w crop of a single-channel device plane, all on the device: the crop (top-left at
     * {@code src}, rows {@code srcPitch} bytes apart) is copied into the input activation with one cudaMemcpy2DAsync,
     * the layers run as {@link #forward} runs them, and output rows [top, top + outH) x columns [left, left + outW)
     * are copied to {@code dst} (rows {@code dstPitch} bytes apart). Queued on the engine's stream; nothing crosses
     * PCIe. For single-channel (Y) models.
     */
    void forwardCrop(Pointer src, long srcPitch, int h, int w, int top, int left, int outH, int outW, Pointer dst,
            long dstPitch) {
        begin();
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
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream), "cudaMemcpy2DAsync (tile in, " + h + "x" + w + ")");
        for (int l = 0; l < LAYERS; l++) forwardLayer(plan, l);
        CudaCheck.runtime(JCuda.cudaMemcpy2DAsync(dst, dstPitch, activation[LAYERS].at(4L * ((long) top * w + left)),
                4L * w, 4L * outW, outH, cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream),
                "cudaMemcpy2DAsync (tile out, " + outH + "x" + outW + ")");
    }

    // ------------------------------------------------------------------ extras for the CLI, benchmarks and tests

    public int device() {
        return device;
    }

    public CudaOptions options() {
        return options;
    }

    /** Waits for all queued work (trainStep without readLoss returns before the GPU is done). */
    public void synchronize() {
        begin();
        CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    /** The context (GPU and stream) this engine queues its work on: for timing it with CUDA events. */
    public CudaContext context() {
        begin();
        return context;
    }

    /** The shape of the batch {@link #stageBatch} put on the device; null when none is staged. */
    private ShapeKey staged;
    private boolean stagedTarget;

    /**
     * Puts a batch on the device for {@link #forwardStaged()} (and, with {@code target}, {@link #trainStepStaged()}),
     * prepared as those calls will run it: the device-resident runs that benchmarks time. The whole batch must fit one
     * forward call. Any other entry point may reuse the device buffers: stage again after it.
     */
    public void stageBatch(Tensor input, Tensor targetBatch) {
        begin();
        EngineInputs.requireModelInput(config, input, "input");
        if (targetBatch != null) EngineInputs.requireTarget(input, targetBatch);
        if (imagesPerForwardChunk(input.n, input.h, input.w) < input.n) {
            throw new IllegalArgumentException(input.shapeString() + " does not fit one forward call on " + name());
        }
        staged = null;
        ShapePlan plan = prepare(input.n, input.h, input.w, targetBatch != null);
        transfers.upload(input.data, 0, input.size(), activation[0].pointer());
        if (targetBatch != null) transfers.upload(targetBatch.data, 0, targetBatch.size(), target.pointer());
        staged = new ShapeKey(plan.n, plan.h, plan.w);
        stagedTarget = targetBatch != null;
    }

    /** Queues the forward pass of the staged batch (nothing crosses PCIe); the result stays on the device. */
    public void forwardStaged() {
        ShapePlan plan = stagedPlan(false);
        for (int l = 0; l < LAYERS; l++) forwardLayer(plan, l);
    }

    /** Queues one training step (forward, loss, backward, optimizer update) on the staged batch and target. */
    public void trainStepStaged() {
        ShapePlan plan = stagedPlan(true);
        requireOptimizer();
        runTrainingPasses(plan);
        applyOptimizer();
    }

    /** Downloads the output of the last {@link #forwardStaged()} (waits for it). */
    public Tensor stagedOutput() {
        ShapePlan plan = stagedPlan(false);
        Tensor out = new Tensor(plan.n, config.channels(), plan.h, plan.w);
        transfers.download(activation[LAYERS].pointer(), out.data, 0, out.size());
        return out;
    }

    private ShapePlan stagedPlan(boolean training) {
        begin();
        ShapePlan plan = staged == null ? null : plans.get(staged);
        if (plan == null || (training && !stagedTarget)) {
            throw new IllegalStateException("no batch " + (training ? "with a target " : "") + "is staged: call "
                    + "stageBatch first (and again after other calls, which reuse its buffers)");
        }
        return plan;
    }

    /** Why training steps run without CUDA graphs although they are enabled, if capture failed. */
    public Optional<String> graphFallbackReason() {
        return Optional.ofNullable(graphFallbackReason);
    }

    /** Training steps replayed as CUDA graphs so far. */
    public long graphLaunches() {
        return graphLaunches;
    }

    /** One line per cached batch shape: the algorithms cuDNN was asked to use, fusion, graph. */
    public List<String> planSummaries() {
        List<String> out = new ArrayList<>();
        for (ShapePlan p : plans.values()) out.add(p.describe());
        return out;
    }

    @Override
    public String name() {
        return id() + (deviceName.isEmpty() ? "" : " " + deviceName);
    }

    @Override
    public String id() {
        return "cuda:" + device;
    }

    /** Frees everything; safe to call again. Throws (after freeing all it can) if any release failed. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> failures = new ArrayList<>();
        if (stream != null) {
            // nothing was allocated before the stream; without it the device may not even exist
            release(failures, () -> CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")"));
            release(failures, () -> CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize"));
        }
        for (AutoCloseable a : attached) {
            release(failures, () -> {
                try {
                    a.close();
                } catch (Exception e) {
                    throw e instanceof RuntimeException r ? r : new CudaException(String.valueOf(e.getMessage()));
                }
            });
        }
        attached.clear();
        release(failures, this::closePlans);
        release(failures, this::freeModel);
        List<DeviceBuffer> buffers = new ArrayList<>(java.util.Arrays.asList(activation));
        buffers.addAll(java.util.Arrays.asList(activationGrad));
        buffers.addAll(java.util.Arrays.asList(target, workspace, reductionScratch, loss, upsampleIn, upsampleOut));
        for (DeviceBuffer b : buffers) {
            if (b != null) release(failures, b::close);
        }
        if (transfers != null) release(failures, transfers::close);
        for (cudnnActivationDescriptor d : new cudnnActivationDescriptor[] {reluActivation, identityActivation}) {
            if (d != null) {
                release(failures, () -> CudaCheck.cudnn(JCudnn.cudnnDestroyActivationDescriptor(d),
                        "cudnnDestroyActivationDescriptor"));
            }
        }
        if (context != null) release(failures, context::close);
        reluActivation = identityActivation = null;
        transfers = null;
        kernels = null;
        cudnn = null;
        stream = null;
        cuStream = null;
        context = null;
        if (!failures.isEmpty()) {
            throw new CudaException("closing the CUDA engine " + id() + " failed: " + String.join("; ", failures));
        }
    }

    private static void release(List<String> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | LinkageError e) {
            failures.add(String.valueOf(e.getMessage()));
        }
    }
}
