package dev.gpusr.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceAttr;
import jcuda.runtime.cudaStream_t;

/**
 * One GPU as gpu-sr uses it: the device's primary context made current on the opening thread, one stream that all
 * work is queued on, the cuDNN handle bound to that stream and gpu-sr's kernel module (both loaded on first use, so
 * a caller that needs neither never pays for them), a shared cuDNN workspace that only grows, and the device facts
 * for reports. The CUDA engine opens one with a non-blocking stream; the benchmarks open one with a blocking stream,
 * so their synchronous set-up copies ({@link DeviceArray}) are ordered with it. Use from one thread.
 */
public final class CudaContext implements AutoCloseable {
    private final int device;
    private final boolean blockingStream;
    private cudaStream_t stream;
    private CUstream cuStream;
    private String name = "";
    private cudnnHandle cudnn;
    private CudaKernels kernels;
    private DeviceKernels deviceKernels;
    private DeviceBuffer workspace;
    private boolean closed;

    private CudaContext(int device, boolean blockingStream) {
        this.device = device;
        this.blockingStream = blockingStream;
    }

    /**
     * Makes GPU {@code device} current and creates the stream. Throws a {@link CudaException} that says why when the
     * device does not exist or cannot be used; nothing stays allocated then.
     */
    public static CudaContext open(int device, boolean blockingStream) {
        CudaContext c = new CudaContext(device, blockingStream);
        try {
            c.openDevice();
            return c;
        } catch (RuntimeException | LinkageError e) {
            try {
                c.close();
            } catch (RuntimeException | LinkageError suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void openDevice() {
        int[] count = {0};
        CudaCheck.runtime(JCuda.cudaGetDeviceCount(count), "cudaGetDeviceCount");
        if (device < 0 || device >= count[0]) {
            throw new CudaException("GPU " + device + " does not exist: this machine has " + count[0]
                    + " CUDA device(s)" + (count[0] > 0 ? ", numbered 0.." + (count[0] - 1) : "")
                    + "; list them with `gpu-sr devices`");
        }
        CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        CudaCheck.runtime(JCuda.cudaFree(new Pointer()), "cudaFree(0) (creates GPU " + device + "'s primary context)");
        name = CudaDevices.name(device);
        cudaStream_t s = new cudaStream_t();
        if (blockingStream) {
            CudaCheck.runtime(JCuda.cudaStreamCreate(s), "cudaStreamCreate");
        } else {
            CudaCheck.runtime(JCuda.cudaStreamCreateWithFlags(s, JCuda.cudaStreamNonBlocking),
                    "cudaStreamCreateWithFlags");
        }
        stream = s;
        cuStream = new CUstream(stream);
    }

    public int device() {
        return device;
    }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    public String name() {
        return name;
    }

    cudaStream_t stream() {
        return stream;
    }

    CUstream cuStream() {
        return cuStream;
    }

    /** Makes this GPU current on the calling thread; refuses after close. */
    public void makeCurrent() {
        if (closed) throw new IllegalStateException("the CUDA context of GPU " + device + " is closed");
        CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    }

    /** Waits for everything queued on the stream; an asynchronous failure of earlier work surfaces here. */
    public void sync() {
        CudaCheck.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    /** In {@link CudaCheck#SYNC_DEBUG} mode, waits for {@code call} and names it when it failed on the device. */
    void debugSync(String call) {
        CudaCheck.afterLaunch(cuStream, call);
    }

    /**
     * The cuDNN handle bound to the stream, created on first use; a {@link CudaUnavailableException} with the fix
     * when cuDNN cannot be loaded here.
     */
    cudnnHandle cudnn() {
        if (cudnn != null) return cudnn;
        try {
            CudnnLibrary.loadFailure().ifPresent(reason -> {
                throw new CudaUnavailableException(reason);
            });
            cudnnHandle h = new cudnnHandle();
            CudaCheck.cudnn(JCudnn.cudnnCreate(h), "cudnnCreate");
            int status = JCudnn.cudnnSetStream(h, stream);
            if (status != 0) {
                JCudnn.cudnnDestroy(h);
                throw CudaCheck.cudnnFailure(status, "cudnnSetStream");
            }
            cudnn = h;
            return h;
        } catch (LinkageError e) {
            throw new CudaUnavailableException("cuDNN could not be loaded (" + CudnnLibrary.oneLine(e) + "); "
                    + CudnnLibrary.INSTALL_HINT);
        }
    }

    /** Loads cuDNN now (it is otherwise loaded on first use); a {@link CudaUnavailableException} when it cannot be. */
    public void requireCudnn() {
        cudnn();
    }

    /**
     * gpu-sr's kernel module, loaded on first use; a {@link CudaUnavailableException} when this build has no kernels,
     * a {@link CudaException} when they do not load on this GPU.
     */
    CudaKernels kernels() {
        if (kernels != null) return kernels;
        if (!CudaKernels.bundled()) {
            throw new CudaUnavailableException("this build has no CUDA kernels (built with -Dgpusr.kernels=skip or "
                    + "without nvcc)");
        }
        kernels = CudaKernels.load();
        return kernels;
    }

    /** gpu-sr's kernels on this context's stream, for callers outside this package (the benchmarks). */
    public DeviceKernels deviceKernels() {
        if (deviceKernels == null) deviceKernels = new DeviceKernels(this, kernels());
        return deviceKernels;
    }

    /** The shared cuDNN workspace, grown (after the stream drains) to at least {@code bytes}. */
    DeviceBuffer workspace(long bytes) {
        if (workspace == null) workspace = new DeviceBuffer("cuDNN workspace", null);
        workspace.ensure(bytes, stream);
        return workspace;
    }

    /** {free, total} bytes of this GPU's memory. */
    public long[] memoryFreeTotal() {
        long[] ft = CudaCheck.memoryFreeTotal();
        if (ft == null) throw new CudaException("cudaMemGetInfo failed on GPU " + device);
        return ft;
    }

    public int attribute(int cudaDeviceAttribute) {
        int[] v = {0};
        CudaCheck.runtime(JCuda.cudaDeviceGetAttribute(v, cudaDeviceAttribute, device),
                "cudaDeviceGetAttribute(" + cudaDeviceAttribute + ")");
        return v[0];
    }

    public int ccMajor() {
        return attribute(cudaDeviceAttr.cudaDevAttrComputeCapabilityMajor);
    }

    public int ccMinor() {
        return attribute(cudaDeviceAttr.cudaDevAttrComputeCapabilityMinor);
    }

    public int multiprocessors() {
        return attribute(cudaDeviceAttr.cudaDevAttrMultiProcessorCount);
    }

    public int clockKHz() {
        return attribute(cudaDeviceAttr.cudaDevAttrClockRate);
    }

    public long l2Bytes() {
        return attribute(cudaDeviceAttr.cudaDevAttrL2CacheSize);
    }

    /** Device facts for a benchmark report (the keys are read by benchmarks/peer scripts: keep them). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gpu", name);
        m.put("gpu_index", device);
        m.put("compute_capability", ccMajor() + "." + ccMinor());
        m.put("sms", multiprocessors());
        m.put("sm_clock_mhz", clockKHz() / 1000);
        m.put("l2_mib", l2Bytes() >> 20);
        m.put("memory_gib", Math.round(memoryFreeTotal()[1] / (double) (1L << 30) * 10) / 10.0);
        int[] v = {0};
        if (JCuda.cudaDriverGetVersion(v) == 0) m.put("cuda_driver_api", version(v[0]));
        if (JCuda.cudaRuntimeGetVersion(v) == 0) m.put("cuda_runtime_jcuda", version(v[0]));
        m.put("cudnn", CudnnLibrary.loadFailure().map(f -> "not loadable: " + f)
                .orElseGet(() -> CudnnLibrary.formatVersion(CudnnLibrary.version())));
        m.put("kernels", CudaKernels.bundled() ? "bundled" : "not in this build");
        return m;
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    /** Drains the stream and frees the workspace, kernels, cuDNN handle and stream; safe to call again. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        if (stream != null) {
            first = attempt(first, () -> CudaCheck.runtime(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")"));
            first = attempt(first, this::sync);
        }
        if (workspace != null) first = attempt(first, workspace::close);
        if (kernels != null) first = attempt(first, kernels::close);
        if (cudnn != null) {
            cudnnHandle h = cudnn;
            first = attempt(first, () -> CudaCheck.cudnn(JCudnn.cudnnDestroy(h), "cudnnDestroy"));
        }
        if (stream != null) {
            cudaStream_t s = stream;
            first = attempt(first, () -> CudaCheck.runtime(JCuda.cudaStreamDestroy(s), "cudaStreamDestroy"));
        }
        workspace = null;
        kernels = null;
        deviceKernels = null;
        cudnn = null;
        stream = null;
        cuStream = null;
        if (first != null) throw first;
    }

    private static RuntimeException attempt(RuntimeException first, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (first == null) return e;
            first.addSuppressed(e);
        }
        return first;
    }
}
