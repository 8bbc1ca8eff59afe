package dev.gpusr.cuda;

import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcudnn.JCudnn;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;

/**
 * Turns CUDA runtime, driver and cuDNN status codes into {@link CudaException}s that name the call, the status and a
 * likely fix. Every status the engine gets goes through here.
 */
final class CudaCheck {
    private CudaCheck() {}

    // cuDNN 9 status codes (cudnn_graph.h); the 11.7 Java API's cudnnStatus class still has the cuDNN 8 numbering,
    // so names come from the loaded library's cudnnGetErrorString and categories from these ranges.
    private static final int CUDNN_SUCCESS = 0;
    private static final int CUDNN_NOT_INITIALIZED = 1001;
    private static final int CUDNN_SUBLIBRARY_VERSION_MISMATCH = 1002;
    private static final int CUDNN_SUBLIBRARY_LOADING_FAILED = 1008;
    private static final int CUDNN_BAD_PARAM_FIRST = 2000;
    private static final int CUDNN_NOT_SUPPORTED_FIRST = 3000;
    private static final int CUDNN_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER = 3005;
    private static final int CUDNN_NOT_SUPPORTED_INCOMPATIBLE_CUDART = 3006;
    private static final int CUDNN_NOT_SUPPORTED_ARCH_MISMATCH = 3007;
    private static final int CUDNN_INTERNAL_ERROR_FIRST = 4000;
    private static final int CUDNN_INTERNAL_HOST_ALLOCATION_FAILED = 4003;
    private static final int CUDNN_INTERNAL_DEVICE_ALLOCATION_FAILED = 4004;
    private static final int CUDNN_EXECUTION_FAILED_FIRST = 5000;

    /** Starts every hint of a failed device allocation (CUDA or cuDNN); {@link CudaException#outOfMemory} looks for it. */
    static final String OUT_OF_MEMORY_HINT = "out of GPU memory";

    /**
     * {@code GPUSR_SYNC_DEBUG=1} (read once): wait after every kernel launch and cuDNN call, so a failure on the device
     * is reported by the call that caused it instead of by a later, unrelated one. Slow; for debugging only. CUDA
     * graphs are off in this mode (a capture cannot wait).
     */
    static final boolean SYNC_DEBUG = syncDebug(System.getenv("GPUSR_SYNC_DEBUG"));

    /** Whether a GPUSR_SYNC_DEBUG value turns the mode on: exactly "1". */
    static boolean syncDebug(String value) {
        return "1".equals(value);
    }

    /**
     * In {@link #SYNC_DEBUG} mode: waits for {@code stream} and throws a CudaException naming {@code call} when the
     * work queued by it failed on the device. Nothing otherwise.
     */
    static void afterLaunch(CUstream stream, String call) {
        if (!SYNC_DEBUG) return;
        int status = JCudaDriver.cuStreamSynchronize(stream);
        if (status != CUresult.CUDA_SUCCESS) throw syncDebugFailure(status, call);
    }

    /** What {@link #afterLaunch} throws: the launch or cuDNN call that failed on the device, named first. */
    static CudaException syncDebugFailure(int status, String call) {
        return CudaException.of(call + " (GPUSR_SYNC_DEBUG: failed on the device)", driverStatus(status),
                commonHint(status));
    }

    static final String RESTART_HINT = "the CUDA context is now unusable: restart the process; if it repeats, report "
            + "it with the input shape and `gpu-sr devices` output";

    // ------------------------------------------------------------------ runtime API

    static void runtime(int status, String call) {
        if (status != cudaError.cudaSuccess) throw runtimeFailure(status, call);
    }

    static CudaException runtimeFailure(int status, String call) {
        return CudaException.of(call, runtimeStatus(status), commonHint(status));
    }

    static String runtimeStatus(int status) {
        String text;
        try {
            text = JCuda.cudaGetErrorString(status);
        } catch (RuntimeException | LinkageError e) {
            text = null;
        }
        return cudaError.stringFor(status) + " (" + status + ")" + (text == null || text.isEmpty() ? "" : ": " + text);
    }

    // ------------------------------------------------------------------ driver API

    static void driver(int status, String call) {
        if (status != CUresult.CUDA_SUCCESS) throw driverFailure(status, call);
    }

    /** As {@link #driver(int, String)} with a hint of the caller's own (what this call failing means). */
    static void driver(int status, String call, String hint) {
        if (status != CUresult.CUDA_SUCCESS) throw CudaException.of(call, driverStatus(status), hint);
    }

    static CudaException driverFailure(int status, String call) {
        return CudaException.of(call, driverStatus(status), commonHint(status));
    }

    static String driverStatus(int status) {
        String[] text = {null};
        try {
            JCudaDriver.cuGetErrorString(status, text);
        } catch (RuntimeException | LinkageError e) {
            text[0] = null;
        }
        return CUresult.stringFor(status) + " (" + status + ")" + (text[0] == null ? "" : ": " + text[0]);
    }

    /**
     * Hints for the codes the runtime and driver APIs share (both number out-of-memory 2, no device 100, illegal
     * address 700, ...).
     */
    private static String commonHint(int status) {
        switch (status) {
            case 2:
                return OUT_OF_MEMORY_HINT + "; " + memoryInfo() + "; use a smaller batch or tile size";
            case 3:
                return "the CUDA driver could not initialise: is the NVIDIA driver loaded (does nvidia-smi work)?";
            case 35:
                return "no NVIDIA driver (libcuda.so) was found, or it is too old for the CUDA 12 runtime inside "
                        + "JCuda 12.6: install or update the driver (R525 or newer, R560+ recommended)";
            case 46:
                return "the GPU is busy or unavailable (exclusive-process compute mode used by another process?)";
            case 100:
                return "no CUDA GPU is visible: check nvidia-smi and CUDA_VISIBLE_DEVICES";
            case 101:
                return "no GPU has that index: list them with `gpu-sr devices`";
            case 200: // invalid (kernel) image
            case 209: // no binary for this GPU
            case 218: // invalid PTX
            case 221: // no JIT compiler
            case 222: // unsupported PTX version
            case 223: // JIT compilation disabled
                return "gpu-sr's kernels were not built for this GPU, or the driver is older than the nvcc that built "
                        + "them: rebuild the kernels for this architecture or update the driver";
            case 201:
                return "no usable CUDA context on this thread: make the GPU current (cudaSetDevice) on the thread that "
                        + "loaded the kernels and launches them";
            case 400:
                return "a stream, event or module belongs to another context or was already destroyed";
            case 803:
                return "the NVIDIA kernel module and libcuda.so have different versions: reboot or reinstall the driver";
            default:
                if (status >= 900 && status <= 910) {
                    return "CUDA graph capture failed: run with CUDA graphs off (the plain path does the same work)";
                }
                if (status >= 700 && status < 800) return RESTART_HINT;
                return "";
        }
    }

    // ------------------------------------------------------------------ cuDNN

    static void cudnn(int status, String call) {
        if (status != CUDNN_SUCCESS) throw cudnnFailure(status, call);
    }

    static CudaException cudnnFailure(int status, String call) {
        return CudaException.of(call, cudnnStatus(status), cudnnHint(status));
    }

    static String cudnnStatus(int status) {
        String name;
        try {
            name = JCudnn.cudnnGetErrorString(status);
        } catch (RuntimeException | LinkageError e) {
            name = null;
        }
        return (name == null || name.isEmpty() ? "cuDNN status" : name) + " (" + status + ")";
    }

    private static String cudnnHint(int status) {
        if (status == CUDNN_NOT_INITIALIZED) {
            return "cuDNN could not initialise on this GPU: check the driver (nvidia-smi) and that cuDNN 9 matches "
                    + "the CUDA major version";
        }
        if (status == CUDNN_SUBLIBRARY_VERSION_MISMATCH || status == CUDNN_SUBLIBRARY_LOADING_FAILED) {
            return "cuDNN's sub-libraries (libcudnn_cnn.so.9, libcudnn_ops.so.9, libcudnn_engines_*.so.9) are missing "
                    + "or of another version: reinstall cuDNN 9 as one package (e.g. libcudnn9-cuda-12 or "
                    + "libcudnn9-cuda-13)";
        }
        if (status == CUDNN_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER || status == CUDNN_NOT_SUPPORTED_INCOMPATIBLE_CUDART) {
            return "this cuDNN needs a newer NVIDIA driver or CUDA runtime: update the driver, or install the cuDNN 9 "
                    + "build for your CUDA major version";
        }
        if (status == CUDNN_NOT_SUPPORTED_ARCH_MISMATCH) return "this cuDNN build does not support this GPU architecture";
        if (status == CUDNN_INTERNAL_HOST_ALLOCATION_FAILED || status == CUDNN_INTERNAL_DEVICE_ALLOCATION_FAILED) {
            return OUT_OF_MEMORY_HINT + " (in cuDNN); " + memoryInfo() + "; use a smaller batch or tile size";
        }
        if (status >= CUDNN_EXECUTION_FAILED_FIRST && status < CUDNN_EXECUTION_FAILED_FIRST + 1000) {
            return "a cuDNN kernel failed on the GPU; " + RESTART_HINT;
        }
        if (status >= CUDNN_NOT_SUPPORTED_FIRST && status < CUDNN_INTERNAL_ERROR_FIRST) {
            return "cuDNN does not support this shape/algorithm/math combination: try another math mode or batch shape";
        }
        if (status >= CUDNN_BAD_PARAM_FIRST && status < CUDNN_NOT_SUPPORTED_FIRST) {
            return "gpu-sr passed cuDNN an invalid argument: this is a bug, please report it with the input shape";
        }
        return "";
    }

    // ------------------------------------------------------------------ memory

    /** cudaMalloc that explains an out-of-memory failure with the size asked and the device's free/total memory. */
    static Pointer mallocDevice(long bytes, String what) {
        Pointer p = new Pointer();
        int status = JCuda.cudaMalloc(p, bytes);
        if (status != cudaError.cudaSuccess) {
            // a failed allocation is not sticky; clear it so the next status check reports only its own call
            JCuda.cudaGetLastError();
            String hint = status == cudaError.cudaErrorMemoryAllocation
                    ? OUT_OF_MEMORY_HINT + ": asked for " + formatBytes(bytes) + " for " + what + ", " + memoryInfo()
                            + "; use a smaller batch or tile size"
                    : commonHint(status);
            throw CudaException.of("cudaMalloc(" + formatBytes(bytes) + " for " + what + ")", runtimeStatus(status),
                    hint);
        }
        return p;
    }

    /** {free, total} bytes of the current device, or null when even that query fails. */
    static long[] memoryFreeTotal() {
        long[] free = {0};
        long[] total = {0};
        try {
            if (JCuda.cudaMemGetInfo(free, total) != cudaError.cudaSuccess) {
                JCuda.cudaGetLastError();
                return null;
            }
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
        return new long[] {free[0], total[0]};
    }

    static String memoryInfo() {
        long[] ft = memoryFreeTotal();
        if (ft == null) return "free memory unknown (cudaMemGetInfo failed)";
        return "GPU memory free " + formatBytes(ft[0]) + " of " + formatBytes(ft[1]) + " (cudaMemGetInfo)";
    }

    static String formatBytes(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1L << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
