package dev.gpusr.cuda;

import dev.gpusr.model.SrcnnConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * Not a test: a quick throughput report of every kernel at the sizes the benchmarks use, next to a device-to-device
 * copy measured in the same run (the bound of the memory-bound kernels). From the self-contained folder:
 * {@code runtime/bin/java -cp "test/*:lib/*" dev.gpusr.cuda.KernelThroughput}.
 */
public final class KernelThroughput {
    private static final int WARMUP = 3;
    private static final int REPEATS = 20;

    private final CudaKernels kernels;
    private final cudaStream_t stream;
    private final CUstream s;
    private final List<Pointer> owned = new ArrayList<>();
    private double copyGbPerSecond = Double.NaN;

    private KernelThroughput(CudaKernels kernels, cudaStream_t stream) {
        this.kernels = kernels;
        this.stream = stream;
        this.s = new CUstream(stream);
    }

    public static void main(String[] args) {
        if (!GpuAvailability.usable()) {
            System.err.println("no usable CUDA device: " + GpuAvailability.unavailableReason().orElse(""));
            System.exit(2);
        }
        DeviceBuffers.check("cudaSetDevice", JCuda.cudaSetDevice(0));
        DeviceBuffers.check("cudaFree(0)", JCuda.cudaFree(new Pointer()));
        cudaDeviceProp prop = new cudaDeviceProp();
        DeviceBuffers.check("cudaGetDeviceProperties", JCuda.cudaGetDeviceProperties(prop, 0));
        System.out.println("device: " + prop.getName());
        cudaStream_t stream = new cudaStream_t();
        DeviceBuffers.check("cudaStreamCreate", JCuda.cudaStreamCreate(stream));
        try (CudaKernels kernels = CudaKernels.load()) {
            new KernelThroughput(kernels, stream).run();
        }
    }

    private void run() {
        System.out.printf(Locale.ROOT, "%-52s %9s %9s %7s %9s%n", "kernel", "us", "GB/s", "%copy", "Gpix/s");
        long copyFloats = 256L << 20; // 1 GiB
        Pointer a = zeros(copyFloats);
        Pointer b = zeros(copyFloats);
        copyGbPerSecond = report("device-to-device copy 1 GiB", 2 * 4 * copyFloats, 0,
                () -> DeviceBuffers.check("cudaMemcpyAsync",
                        JCuda.cudaMemcpyAsync(b, a, 4 * copyFloats, cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream)));
        freeAll();

        biasCases(8, 64, 540 * 960);
        biasCases(128, 64, 33 * 33);
        biasCases(8, 1, 1080 * 1920);

        int count = 8 * 1080 * 1920;
        Pointer out = zeros(count);
        Pointer target = zeros(count);
        Pointer grad = zeros(count);
        Pointer scalar = zeros(2);
        Pointer scratch = zeros(CudaKernels.MAX_REDUCTION_SCRATCH_FLOATS);
        report("mseLossAndGrad 8x1x1080x1920", 3L * 4 * count, 0,
                () -> kernels.mseLossAndGrad(s, out, target, grad, scalar, scratch, count));
        report("sumSquaredError 8 planes 1080x1920 shave 3", 2L * 4 * count, 0,
                () -> kernels.sumSquaredError(s, out, target, scalar, scratch, 8, 1080, 1920, 3));
        freeAll();

        Pointer small = zeros(8L * 360 * 640);
        Pointer large = zeros(8L * 1080 * 1920);
        long smallPixels = 8L * 360 * 640;
        long largePixels = 8L * 1080 * 1920;
        report("bicubicUpscale x3 8x360x640 -> 1080x1920", 4 * (smallPixels + largePixels), largePixels,
                () -> kernels.bicubicUpscale(s, small, large, 8, 360, 640, 3));
        report("bicubicDownscale /3 8x1080x1920 -> 360x640", 4 * (smallPixels + largePixels), smallPixels,
                () -> kernels.bicubicDownscale(s, large, small, 8, 1080, 1920, 3));
        freeAll();

        long pixels = 8L * 1080 * 1920;
        Pointer packed = zeros(pixels * 3 * 2 / 4);
        Pointer planes = zeros(pixels * 3);
        for (int bytes = 1; bytes <= 2; bytes++) {
            int bps = bytes;
            long traffic = pixels * 3 * (bps + 4);
            report("unpackPixels RGB" + 8 * bps + " -> YCbCr 8x1080x1920", traffic, pixels,
                    () -> kernels.unpackPixels(s, packed, planes, 8, 1080, 1920, 3, bps, true));
            report("packPixels YCbCr -> RGB" + 8 * bps + " 8x1080x1920", traffic, pixels,
                    () -> kernels.packPixels(s, planes, packed, 8, 1080, 1920, 3, bps, true));
        }
        report("unpackPixels gray8 8x1080x1920", pixels * 5, pixels,
                () -> kernels.unpackPixels(s, packed, planes, 8, 1080, 1920, 1, 1, false));
        freeAll();

        SrcnnConfig model = new SrcnnConfig(3, 64, 32, 9, 5, 5, 3, SrcnnConfig.ColorSpace.RGB);
        int params = model.paramCount();
        int[] ends = new int[SrcnnConfig.LAYERS];
        for (int l = 0; l < ends.length; l++) ends[l] = model.layerEnd(l);
        float[] lr = {1e-4f, 1e-4f, 1e-5f};
        Pointer p = zeros(params);
        Pointer g = zeros(params);
        Pointer m = zeros(params);
        Pointer v = zeros(params);
        report("sgdMomentum " + params + " params (9-5-5 RGB)", 20L * params, 0,
                () -> kernels.sgdMomentum(s, p, g, m, params, ends, lr, 0.9f));
        report("adam " + params + " params (9-5-5 RGB)", 28L * params, 0,
                () -> kernels.adam(s, p, g, m, v, params, ends, lr, 0.9f, 0.999f, 1e-8f, 10));
        freeAll();
    }

    private void biasCases(int n, int c, int hw) {
        long count = (long) n * c * hw;
        Pointer x = zeros(count);
        Pointer y = zeros(count);
        Pointer bias = zeros(c);
        String shape = n + "x" + c + "x" + hw;
        report("biasActivation relu " + shape, 2 * 4 * count, 0, () -> kernels.biasActivation(s, x, bias, n, c, hw, true));
        report("biasActivationBackward relu " + shape, 3 * 4 * count, 0,
                () -> kernels.biasActivationBackward(s, x, y, bias, n, c, hw, true));
        freeAll();
    }

    /** Times {@code launch} as the mean of REPEATS back-to-back launches after a warm-up; prints one line. */
    private double report(String name, long bytes, long outputPixels, Runnable launch) {
        for (int i = 0; i < WARMUP; i++) launch.run();
        cudaEvent_t start = new cudaEvent_t();
        cudaEvent_t stop = new cudaEvent_t();
        DeviceBuffers.check("cudaEventCreate", JCuda.cudaEventCreate(start));
        DeviceBuffers.check("cudaEventCreate", JCuda.cudaEventCreate(stop));
        DeviceBuffers.check("cudaEventRecord", JCuda.cudaEventRecord(start, stream));
        for (int i = 0; i < REPEATS; i++) launch.run();
        DeviceBuffers.check("cudaEventRecord", JCuda.cudaEventRecord(stop, stream));
        DeviceBuffers.check("cudaEventSynchronize (a kernel failed)", JCuda.cudaEventSynchronize(stop));
        float[] ms = new float[1];
        DeviceBuffers.check("cudaEventElapsedTime", JCuda.cudaEventElapsedTime(ms, start, stop));
        JCuda.cudaEventDestroy(start);
        JCuda.cudaEventDestroy(stop);
        double seconds = ms[0] / 1e3 / REPEATS;
        double gbPerSecond = bytes / seconds / 1e9;
        System.out.printf(Locale.ROOT, "%-52s %9.1f %9.0f %6.0f%% %9s%n", name, seconds * 1e6, gbPerSecond,
                100 * gbPerSecond / copyGbPerSecond,
                outputPixels > 0 ? String.format(Locale.ROOT, "%.1f", outputPixels / seconds / 1e9) : "");
        return gbPerSecond;
    }

    private Pointer zeros(long floats) {
        Pointer p = new Pointer();
        DeviceBuffers.check("cudaMalloc", JCuda.cudaMalloc(p, floats * 4));
        owned.add(p);
        DeviceBuffers.check("cudaMemset", JCuda.cudaMemset(p, 0, floats * 4));
        return p;
    }

    private void freeAll() {
        DeviceBuffers.check("cudaStreamSynchronize", JCuda.cudaStreamSynchronize(stream));
        for (Pointer p : owned) JCuda.cudaFree(p);
        owned.clear();
    }
}
