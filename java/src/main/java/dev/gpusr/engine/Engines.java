package dev.gpusr.engine;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnWeights;
import java.io.PrintStream;

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
        String d = device == null ? "auto" : device.trim().toLowerCase();
        if (d.equals("cpu")) return new CpuSrcnn(weights, 0);
        if (d.equals("auto")) {
            notices.println("gpu-sr: no usable CUDA device (CUDA engine not built yet); using the CPU engine");
            return new CpuSrcnn(weights, 0);
        }
        try {
            Integer.parseInt(d);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device takes auto, cpu or a GPU index, got '" + device + "'");
        }
        throw new EngineUnavailableException("GPU " + d + " requested, but the CUDA engine is not available yet", null);
    }
}
