package dev.gpusr.engine;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.CudaException;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.cuda.CudaSrcnn;
import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.model.SrcnnWeights;
import java.io.PrintStream;
import java.util.Optional;

/**
 * Chooses an engine for --device: "auto" (GPU 0 when usable, else the CPU with a one-line notice), "cpu", or a GPU
 * index. An explicit GPU that cannot be used is an {@link EngineUnavailableException}.
 */
public final class Engines {
    private Engines() {}

    /** Why a requested engine cannot be used; the CLI exits 3 on it. */
    public static final class EngineUnavailableException extends RuntimeException {
        public EngineUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static SrcnnEngine open(String device, SrcnnWeights weights, PrintStream notices) {
        return open(device, weights, notices, CudaOptions.defaults());
    }

    /** As {@link #open(String, SrcnnWeights, PrintStream)}, with the CUDA engine's math and determinism settings. */
    public static SrcnnEngine open(String device, SrcnnWeights weights, PrintStream notices, CudaOptions options) {
        String d = device == null ? "auto" : device.trim().toLowerCase();
        if (d.equals("cpu")) return new CpuSrcnn(weights, 0);
        if (d.equals("auto")) {
            Optional<String> unavailable = GpuAvailability.unavailableReason();
            String why;
            if (unavailable.isPresent()) {
                why = "no usable CUDA device (" + unavailable.get() + ")";
            } else {
                try {
                    return new CudaSrcnn(0, weights, options);
                } catch (CudaException | LinkageError e) {
                    why = "the CUDA engine could not start on GPU 0 (" + e.getMessage() + ")";
                }
            }
            notices.println(oneLine("gpu-sr: " + why + "; using the CPU engine"));
            return new CpuSrcnn(weights, 0);
        }
        int index;
        try {
            index = Integer.parseInt(d);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device takes auto, cpu or a GPU index, got '" + device + "'");
        }
        if (index < 0) throw new IllegalArgumentException("--device takes a GPU index >= 0, got " + index);
        Optional<String> unavailable = GpuAvailability.unavailableReason();
        if (unavailable.isPresent()) {
            throw new EngineUnavailableException("GPU " + index + " requested, but " + unavailable.get(), null);
        }
        try {
            return new CudaSrcnn(index, weights, options);
        } catch (CudaException | LinkageError e) {
            throw new EngineUnavailableException("GPU " + index + " requested, but the CUDA engine could not start: "
                    + e.getMessage(), e);
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }
}
