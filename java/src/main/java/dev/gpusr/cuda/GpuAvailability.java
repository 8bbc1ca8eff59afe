package dev.gpusr.cuda;

import java.util.Optional;
import jcuda.runtime.JCuda;

/**
 * Whether a CUDA device can be used in this process, and if not, why (one line). Checked once and cached. Touches
 * nothing but the runtime's device count, so it is safe to call where no GPU, driver or JCuda native library exists.
 */
public final class GpuAvailability {
    private static volatile Optional<String> reason;

    private GpuAvailability() {}

    /** Empty when at least one CUDA device is usable, else the reason none is. */
    public static Optional<String> unavailableReason() {
        Optional<String> r = reason;
        if (r == null) {
            synchronized (GpuAvailability.class) {
                r = reason;
                if (r == null) {
                    r = probe();
                    reason = r;
                }
            }
        }
        return r;
    }

    public static boolean usable() {
        return unavailableReason().isEmpty();
    }

    private static Optional<String> probe() {
        try {
            int[] count = {0};
            int status = JCuda.cudaGetDeviceCount(count);
            if (status != 0) {
                return Optional.of("cudaGetDeviceCount failed: " + CudaCheck.runtimeStatus(status)
                        + " (is the NVIDIA driver installed and a GPU visible?)");
            }
            if (count[0] < 1) return Optional.of("no CUDA device found");
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("the JCuda native libraries could not be loaded (" + firstLine(e) + "); "
                    + "an NVIDIA driver with libcuda.so is needed");
        } catch (RuntimeException e) {
            return Optional.of("CUDA initialisation failed: " + firstLine(e));
        }
    }

    static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
