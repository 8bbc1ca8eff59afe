package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.engine.EngineInputs;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

/**
 * SRCNN on one CUDA GPU with cuDNN convolutions and gpu-sr's own kernels ({@link CudaKernels}) for bias, activation,
 * loss and optimizer: the {@link SrcnnEngine} entry points, each delegating to the part that does the job.
 *
 * <ul>
 *   <li>{@link CudaContext}: the GPU, its one non-blocking stream, cuDNN handle and kernel module;
 *   <li>{@link ResidentModel}: parameters, gradients and optimizer moments resident, one device block each;
 *   <li>{@link LayerOps}: activations, workspace and the per-shape plans (descriptors, chosen algorithms), the forward
 *       and backward pass of each layer;
 *   <li>{@link TrainingStep}: a training batch to the device, forward + loss + backward, replayed as a CUDA graph;
 *   <li>{@link DeviceOptimizer}: SGD or Adam as one launch over the parameter block;
 *   <li>{@link DeviceUpsampler}: the bicubic baseline on the device;
 *   <li>{@link StagedBatch} and {@link #planSummaries()}: device-resident runs and diagnostics for benchmarks and tests.
 * </ul>
 *
 * <p>A step moves only the batch to the GPU (through pinned staging, {@link HostTransfers}) and the loss back only
 * when asked. Every CUDA, driver and cuDNN status is checked ({@link CudaCheck}) and failures are
 * {@link CudaException}s that name the call and suggest a fix. Not thread-safe (one engine per thread), but any thread
 * may use it: each entry point makes its GPU current.
 */
public final class CudaSrcnn implements SrcnnEngine {
    private final int device;
    private final CudaOptions options;
    private String deviceName = "";

    private CudaContext context;
    private HostTransfers transfers;
    private LayerOps layers;
    private TrainingStep training;
    private DeviceOptimizer optimizer;
    private StagedBatch staged;
    /** The resident model (replaced by loadWeights when the shapes change); null after a failed replacement. */
    private ResidentModel model;
    private DeviceUpsampler upsampler;
    private boolean closed;

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
            context = CudaContext.open(device, false);
            deviceName = context.name();
            CudnnLibrary.require();
            context.requireCudnn();
            context.kernels();
            transfers = new HostTransfers(context.stream());
            layers = new LayerOps(context, options);
            training = new TrainingStep(context, options, layers, transfers);
            optimizer = new DeviceOptimizer(context, transfers);
            staged = new StagedBatch(layers, training, transfers);
            upsampler = new DeviceUpsampler(context, transfers);
            useModel(ResidentModel.allocate(weights.config(), context.stream()));
            transfers.upload(weights.params(), 0, model.config().paramCount(), model.params.pointer());
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

    /** Makes {@code m} (just allocated, owned by nobody yet) the resident model; frees it if that fails. */
    private void useModel(ResidentModel m) {
        try {
            layers.useModel(m);
            training.useModel(m);
            optimizer.useModel(m); // zeroes the moments
        } catch (RuntimeException e) {
            for (Runnable release : new Runnable[] {() -> layers.useModel(null), m::close}) {
                try {
                    release.run(); // first nothing may keep plans for m, then m's blocks go
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        model = m; // last: a model is resident only once all of it is
    }

    // ------------------------------------------------------------------ the resident model

    @Override
    public void loadWeights(SrcnnWeights weights) {
        beginWithoutModel();
        Objects.requireNonNull(weights, "weights");
        if (model != null && model.sameShapes(weights.config())) {
            model.relabel(weights.config());
        } else {
            ResidentModel old = model;
            model = null;
            layers.useModel(null);
            if (old != null) old.close();
            useModel(ResidentModel.allocate(weights.config(), context.stream()));
        }
        transfers.upload(weights.params(), 0, model.config().paramCount(), model.params.pointer());
        optimizer.useModel(model);
    }

    /** The resident model's configuration; no device call. */
    @Override
    public SrcnnConfig config() {
        if (closed) throw new IllegalStateException("the CUDA engine " + id() + " is closed");
        if (model == null) throw new IllegalStateException("no model is resident (an earlier loadWeights failed)");
        return model.config();
    }

    @Override
    public SrcnnWeights weights() {
        SrcnnConfig config = begin();
        float[] p = new float[config.paramCount()];
        transfers.download(model.params.pointer(), p, 0, p.length);
        return new SrcnnWeights(config, p);
    }

    // ------------------------------------------------------------------ inference

    @Override
    public Tensor upsample(Tensor lowRes, int scale) {
        begin();
        return upsampler.upsample(lowRes, scale);
    }

    @Override
    public Tensor forward(Tensor input) {
        SrcnnConfig config = begin();
        EngineInputs.requireModelInput(config, input, "input");
        Tensor output = new Tensor(input.n, input.c, input.h, input.w);
        int perChunk = layers.imagesPerForwardChunk(input.n, input.h, input.w);
        int chunks = (input.n + perChunk - 1) / perChunk;
        // equal chunks (but the last) so at most two batch shapes need plans
        int chunkImages = (input.n + chunks - 1) / chunks;
        int imageFloats = input.c * input.h * input.w;
        for (int first = 0; first < input.n; first += chunkImages) {
            int images = Math.min(chunkImages, input.n - first);
            ShapePlan plan = layers.prepare(images, input.h, input.w, false);
            transfers.upload(input.data, first * imageFloats, images * imageFloats, layers.activation[0].pointer());
            layers.forward(plan);
            transfers.download(layers.activation[LAYERS].pointer(), output.data, first * imageFloats,
                    images * imageFloats);
        }
        return output;
    }

    // ------------------------------------------------------------------ training

    @Override
    public double computeGradients(Tensor input, Tensor target) {
        begin();
        training.run(training.upload(input, target));
        return training.readLoss();
    }

    @Override
    public double trainStep(Tensor input, Tensor target, boolean readLoss) {
        begin();
        optimizer.requireSet();
        training.run(training.upload(input, target));
        optimizer.apply();
        return readLoss ? training.readLoss() : Double.NaN;
    }

    @Override
    public float[] gradients() {
        SrcnnConfig config = begin();
        float[] g = new float[config.paramCount()];
        transfers.download(model.grads.pointer(), g, 0, g.length);
        return g;
    }

    @Override
    public void setOptimizer(OptimizerConfig cfg, OptimizerState state) {
        begin();
        optimizer.set(cfg, state);
    }

    @Override
    public void setLearningRates(float[] lr) {
        begin();
        optimizer.setLearningRates(lr);
    }

    @Override
    public void applyOptimizer() {
        begin();
        optimizer.apply();
    }

    @Override
    public OptimizerState optimizerState() {
        begin();
        return optimizer.state();
    }

    /** Every entry point: refuse after close or without a model, and make this GPU current on the calling thread. */
    private SrcnnConfig begin() {
        SrcnnConfig config = config();
        beginWithoutModel();
        return config;
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

    /** A resource closed on its own (a pixel path replaced by one with smaller tiles) no longer needs closing here. */
    void detach(AutoCloseable resource) {
        attached.remove(resource);
    }

    /** For an attached resource's close: this GPU current and the stream drained, also while the engine closes. */
    void drainForRelease() {
        CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        if (context != null && context.stream() != null) context.sync();
    }

    /** Makes this GPU current on the calling thread; refuses after close or without a resident model. */
    void beginDeviceWork() {
        begin();
    }

    /** The resident model's configuration (no copy from the device). */
    SrcnnConfig residentConfig() {
        return begin();
    }

    jcuda.runtime.cudaStream_t stream() {
        return context.stream();
    }

    jcuda.driver.CUstream cuStream() {
        return context.cuStream();
    }

    CudaKernels kernels() {
        return context.kernels();
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
        layers.forwardCrop(src, srcPitch, h, w, top, left, outH, outW, dst, dstPitch);
    }

    // ------------------------------------------------------------------ extras for the CLI, benchmarks and tests

    public int device() {
        return device;
    }

    public CudaOptions options() {
        return options;
    }

    /** Waits for the queued work, then frees the activations, their gradients and the cuDNN workspace. */
    @Override
    public void releaseWorkingMemory() {
        begin();
        context.sync();
        layers.releaseWorkingMemory();
    }

    /** Waits for all queued work (trainStep without readLoss returns before the GPU is done). */
    public void synchronize() {
        begin();
        context.sync();
    }

    /** The context (GPU and stream) this engine queues its work on: for timing it with CUDA events. */
    public CudaContext context() {
        begin();
        return context;
    }

    /**
     * Puts a batch on the device for {@link #forwardStaged()} (and, with {@code target}, {@link #trainStepStaged()}),
     * prepared as those calls will run it: the device-resident runs that benchmarks time. The whole batch must fit one
     * forward call. Any other entry point may reuse the device buffers: stage again after it.
     */
    public void stageBatch(Tensor input, Tensor target) {
        begin();
        staged.stage(model, input, target);
    }

    /** Queues the forward pass of the staged batch (nothing crosses PCIe); the result stays on the device. */
    public void forwardStaged() {
        begin();
        staged.forward();
    }

    /** Queues one training step (forward, loss, backward, optimizer update) on the staged batch and target. */
    public void trainStepStaged() {
        begin();
        optimizer.requireSet();
        staged.gradients();
        optimizer.apply();
    }

    /** Downloads the output of the last {@link #forwardStaged()} (waits for it). */
    public Tensor stagedOutput() {
        SrcnnConfig config = begin();
        return staged.output(config.channels());
    }

    /** Why training steps run without CUDA graphs although they are enabled, if capture failed. */
    public Optional<String> graphFallbackReason() {
        return training.graphFallbackReason();
    }

    /** Training steps replayed as CUDA graphs so far. */
    public long graphLaunches() {
        return training.graphLaunches();
    }

    /** One line per cached batch shape: the algorithms cuDNN was asked to use, fusion, graph. */
    public List<String> planSummaries() {
        return layers.planSummaries();
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
        if (context != null && context.stream() != null) {
            // nothing was allocated before the stream; without it the device may not even exist
            release(failures, () -> CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")"));
            release(failures, context::sync);
        }
        for (AutoCloseable a : List.copyOf(attached)) { // their close detaches them
            release(failures, () -> {
                try {
                    a.close();
                } catch (Exception e) {
                    throw e instanceof RuntimeException r ? r : new CudaException(String.valueOf(e.getMessage()));
                }
            });
        }
        attached.clear();
        if (layers != null) release(failures, layers::close);
        if (model != null) release(failures, model::close);
        if (training != null) release(failures, training::close);
        if (upsampler != null) release(failures, upsampler::close);
        if (transfers != null) release(failures, transfers::close);
        if (context != null) release(failures, context::close);
        model = null;
        transfers = null;
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
