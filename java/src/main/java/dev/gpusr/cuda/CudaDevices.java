package dev.gpusr.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceAttr;

/** What `gpu-sr devices` shows: each CUDA GPU and the versions of the driver, runtime and cuDNN, or why there is none. */
public final class CudaDevices {
    private CudaDevices() {}

    /** One GPU. The three versions are the same for every GPU of a machine; each entry carries them for JSON. */
    public record Device(int index, String name, long totalMemoryBytes, int computeMajor, int computeMinor,
            String driverVersion, String runtimeVersion, String cudnnVersion) {

        public String computeCapability() {
            return computeMajor + "." + computeMinor;
        }

        /** "0: NVIDIA H100 80GB HBM3, 79.1 GiB, compute 9.0, driver 13.0, runtime 12.6, cuDNN 9.14.0" */
        public String describe() {
            return index + ": " + name + ", " + CudaCheck.formatBytes(totalMemoryBytes) + ", compute "
                    + computeCapability() + ", driver " + driverVersion + ", runtime " + runtimeVersion + ", cuDNN "
                    + cudnnVersion;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index);
            m.put("id", "cuda:" + index);
            m.put("name", name);
            m.put("total_memory_bytes", totalMemoryBytes);
            m.put("compute_capability", computeCapability());
            m.put("driver_version", driverVersion);
            m.put("runtime_version", runtimeVersion);
            m.put("cudnn_version", cudnnVersion);
            return m;
        }
    }

    /** The GPUs found, or none and the reason (from {@link GpuAvailability} or from a failed query). */
    public record Listing(List<Device> devices, Optional<String> unavailableReason) {
        public Listing {
            devices = List.copyOf(devices);
        }
    }

    /** Never throws for a missing GPU, driver or library: that is reported in {@link Listing#unavailableReason()}. */
    public static Listing list() {
        Optional<String> reason = GpuAvailability.unavailableReason();
        if (reason.isPresent()) return new Listing(List.of(), reason);
        try {
            int[] count = {0};
            CudaCheck.runtime(JCuda.cudaGetDeviceCount(count), "cudaGetDeviceCount");
            int[] driver = {0};
            CudaCheck.runtime(JCuda.cudaDriverGetVersion(driver), "cudaDriverGetVersion");
            int[] runtime = {0};
            CudaCheck.runtime(JCuda.cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
            String cudnn = cudnnVersion();
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                int[] major = {0};
                int[] minor = {0};
                CudaCheck.runtime(JCuda.cudaDeviceGetAttribute(major, cudaDeviceAttr.cudaDevAttrComputeCapabilityMajor,
                        i), "cudaDeviceGetAttribute (compute capability, GPU " + i + ")");
                CudaCheck.runtime(JCuda.cudaDeviceGetAttribute(minor, cudaDeviceAttr.cudaDevAttrComputeCapabilityMinor,
                        i), "cudaDeviceGetAttribute (compute capability, GPU " + i + ")");
                devices.add(new Device(i, name(i), totalMemory(i), major[0], minor[0], cudaVersion(driver[0]),
                        cudaVersion(runtime[0]), cudnn));
            }
            return new Listing(devices, Optional.empty());
        } catch (CudaException e) {
            return new Listing(List.of(), Optional.of(e.getMessage()));
        } catch (LinkageError e) {
            return new Listing(List.of(), Optional.of("the JCuda native libraries could not be loaded ("
                    + CudnnLibrary.oneLine(e) + ")"));
        }
    }

    /** "9.14.0", or "unavailable: <why and how to fix>" when cuDNN cannot be loaded. */
    public static String cudnnVersion() {
        Optional<String> failure = CudnnLibrary.loadFailure();
        return failure.map(f -> "unavailable: " + f).orElseGet(() -> CudnnLibrary.formatVersion(CudnnLibrary.version()));
    }

    /** "13.0" from 13000 (CUDA numbers versions major*1000 + minor*10). */
    static String cudaVersion(int v) {
        if (v <= 0) return "unknown";
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** The GPU's marketing name, e.g. "NVIDIA H100 80GB HBM3". */
    static String name(int index) {
        CUdevice dev = driverDevice(index);
        byte[] buf = new byte[256];
        CudaCheck.driver(JCudaDriver.cuDeviceGetName(buf, buf.length, dev), "cuDeviceGetName (GPU " + index + ")");
        int len = 0;
        while (len < buf.length && buf[len] != 0) len++;
        return new String(buf, 0, len, StandardCharsets.UTF_8).trim();
    }

    static long totalMemory(int index) {
        long[] bytes = {0};
        CudaCheck.driver(JCudaDriver.cuDeviceTotalMem(bytes, driverDevice(index)), "cuDeviceTotalMem (GPU " + index + ")");
        return bytes[0];
    }

    private static CUdevice driverDevice(int index) {
        CudaCheck.driver(JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        CudaCheck.driver(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet (GPU " + index + ")");
        return dev;
    }
}
