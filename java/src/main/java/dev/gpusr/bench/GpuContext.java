package dev.gpusr.bench;

import dev.gpusr.cuda.CudaException;
import dev.gpusr.cuda.CudaKernels;
import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceAttr;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaStream_t;

/**
 * One GPU as the benchmarks use it: the device's primary context made current on this thread, one stream that
 * everything runs on (cuDNN bound to it), our kernel module and a cuDNN handle loaded on first use (each may be
 * missing; the rows that need it are then skipped with the reason), and the device facts for the report.
 * Use from one thread.
 */
public final class GpuContext implements AutoCloseable {
    private final int device;
    private final cudaStream_t stream = new cudaStream_t();
    private final CUstream cuStream;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int multiprocessors;
    private final int clockKHz;
    private final long l2Bytes;
    private final long totalBytes;
    private cudnnHandle cudnn;
    private String cudnnMissing;
    private CudaKernels kernels;
    private String kernelsMissing;
    private DeviceBuffer workspace;

    private GpuContext(int device) {
        this.device = device;
        int[] count = {0};
        check(JCuda.cudaGetDeviceCount(count), "cudaGetDeviceCount", "is the NVIDIA driver installed?");
        if (device < 0 || device >= count[0]) {
            throw new IllegalArgumentException("--device " + device + " does not exist: this machine has " + count[0]
                    + " CUDA device(s), numbered from 0");
        }
        check(JCuda.cudaSetDevice(device), "cudaSetDevice(" + device + ")", "check --device");
        check(JCuda.cudaFree(new jcuda.Pointer()), "cudaFree(0) (context creation)", "is the GPU in use or in a bad state?");
        check(JCuda.cudaStreamCreate(stream), "cudaStreamCreate", null);
        cuStream = new CUstream(stream);
        ccMajor = attribute(cudaDeviceAttr.cudaDevAttrComputeCapabilityMajor);
        ccMinor = attribute(cudaDeviceAttr.cudaDevAttrComputeCapabilityMinor);
        multiprocessors = attribute(cudaDeviceAttr.cudaDevAttrMultiProcessorCount);
        clockKHz = attribute(cudaDeviceAttr.cudaDevAttrClockRate);
        l2Bytes = attribute(cudaDeviceAttr.cudaDevAttrL2CacheSize);
        long[] free = {0};
        long[] total = {0};
        check(JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo", null);
        totalBytes = total[0];
        name = deviceName(device);
    }

    public static GpuContext open(int device) {
        return new GpuContext(device);
    }

    private int attribute(int attr) {
        int[] v = {0};
        check(JCuda.cudaDeviceGetAttribute(v, attr, device), "cudaDeviceGetAttribute(" + attr + ")", null);
        return v[0];
    }

    private static String deviceName(int device) {
        try {
            JCudaDriver.cuInit(0);
            CUdevice d = new CUdevice();
            if (JCudaDriver.cuDeviceGet(d, device) != 0) return "CUDA device " + device;
            byte[] b = new byte[256];
            if (JCudaDriver.cuDeviceGetName(b, b.length, d) != 0) return "CUDA device " + device;
            int len = 0;
            while (len < b.length && b[len] != 0) len++;
            return new String(b, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (RuntimeException | LinkageError e) {
            return "CUDA device " + device;
        }
    }

    /** Throws a CudaException naming the call when a runtime status is not success. */
    public static void check(int status, String call, String hint) {
        if (status != cudaError.cudaSuccess) {
            String text;
            try {
                text = JCuda.cudaGetErrorString(status);
            } catch (RuntimeException e) {
                text = cudaError.stringFor(status);
            }
            if (status == cudaError.cudaErrorMemoryAllocation && hint == null) {
                hint = "the GPU is out of memory: close other GPU programs or run with --quick";
            }
            throw CudaException.of(call, text + " (" + status + ")", hint);
        }
    }

    /** Throws a CudaException naming the cuDNN call; the text comes from the loaded cuDNN (its codes changed in 9). */
    public static void checkCudnn(int status, String call) {
        if (status != 0) {
            String text;
            try {
                text = JCudnn.cudnnGetErrorString(status);
            } catch (RuntimeException | LinkageError e) {
                text = "status " + status;
            }
            throw CudaException.of(call, text + " (" + status + ")", "see the cuDNN 9 support matrix for this shape and type");
        }
    }

    public int device() { return device; }
    public cudaStream_t stream() { return stream; }
    public CUstream cuStream() { return cuStream; }
    public String name() { return name; }
    public int ccMajor() { return ccMajor; }
    public int ccMinor() { return ccMinor; }
    public int multiprocessors() { return multiprocessors; }
    public int clockKHz() { return clockKHz; }
    public long l2Bytes() { return l2Bytes; }

    public long freeBytes() {
        long[] free = {0};
        long[] total = {0};
        check(JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo", null);
        return free[0];
    }

    /** Waits for everything queued on the benchmark stream. */
    public void sync() {
        check(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize", "an earlier asynchronous launch failed");
    }

    /** The cuDNN handle bound to the stream; SkipException when cuDNN cannot be loaded here. */
    public cudnnHandle cudnn() {
        if (cudnn != null) return cudnn;
        if (cudnnMissing != null) throw new SkipException(cudnnMissing);
        try {
            cudnnHandle h = new cudnnHandle();
            checkCudnn(JCudnn.cudnnCreate(h), "cudnnCreate");
            checkCudnn(JCudnn.cudnnSetStream(h, stream), "cudnnSetStream");
            cudnn = h;
            return h;
        } catch (LinkageError e) {
            cudnnMissing = "cuDNN could not be loaded (" + e.getMessage() + "); libcudnn.so.9 must be on the linker path";
            throw new SkipException(cudnnMissing);
        }
    }

    /** Our kernel module; SkipException when this build has no kernels or they do not load. */
    public CudaKernels kernels() {
        if (kernels != null) return kernels;
        if (kernelsMissing != null) throw new SkipException(kernelsMissing);
        if (!CudaKernels.bundled()) {
            kernelsMissing = "this build has no CUDA kernels (built with -Dgpusr.kernels=skip or without nvcc)";
            throw new SkipException(kernelsMissing);
        }
        try {
            kernels = CudaKernels.load();
            return kernels;
        } catch (RuntimeException | LinkageError e) {
            String skip = SkipException.skipReason(e);
            kernelsMissing = "CUDA kernels did not load: " + (skip != null ? skip : e.getMessage());
            throw new SkipException(kernelsMissing);
        }
    }

    /**
     * The shared cuDNN workspace: 2 GiB or an eighth of free memory, whichever is smaller, allocated once. The
     * algorithm search only considers algorithms that fit, so every layer sees the same budget.
     */
    public DeviceBuffer workspace() {
        if (workspace == null) {
            long size = Math.min(2L << 30, freeBytes() / 8);
            workspace = DeviceBuffer.allocate(size, "cuDNN workspace");
        }
        return workspace;
    }

    /** Device facts for the report. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gpu", name);
        m.put("gpu_index", device);
        m.put("compute_capability", ccMajor + "." + ccMinor);
        m.put("sms", multiprocessors);
        m.put("sm_clock_mhz", clockKHz / 1000);
        m.put("l2_mib", l2Bytes >> 20);
        m.put("memory_gib", Math.round(totalBytes / (double) (1L << 30) * 10) / 10.0);
        int[] v = {0};
        if (JCuda.cudaDriverGetVersion(v) == 0) m.put("cuda_driver_api", version(v[0]));
        if (JCuda.cudaRuntimeGetVersion(v) == 0) m.put("cuda_runtime_jcuda", version(v[0]));
        try {
            long cudnnVersion = JCudnn.cudnnGetVersion();
            m.put("cudnn", cudnnVersion / 10000 + "." + (cudnnVersion / 100) % 100 + "." + cudnnVersion % 100);
        } catch (RuntimeException | LinkageError e) {
            m.put("cudnn", "not loadable: " + e.getMessage());
        }
        m.put("kernels", CudaKernels.bundled() ? "bundled" : "not in this build");
        return m;
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    @Override
    public void close() {
        // free in reverse order of creation; a failure here must not hide the benchmark's own error
        if (workspace != null) workspace.close();
        if (kernels != null) kernels.close();
        if (cudnn != null) JCudnn.cudnnDestroy(cudnn);
        JCuda.cudaStreamDestroy(stream);
    }
}
