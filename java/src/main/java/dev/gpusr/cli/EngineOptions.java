package dev.gpusr.cli;

import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.engine.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnWeights;
import picocli.CommandLine.Option;

/** --device and the CUDA engine's options, shared by every command that runs the network. */
public final class EngineOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|N[,M...]|all",
            description = "auto (GPU 0 when usable, else the CPU), cpu, a GPU index; for upscale also a list (0,1)"
                    + " or all: one worker per card. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--math", defaultValue = "fma", paramLabel = "fma|tf32",
            description = "GPU convolution math: fma (true fp32, matches the CPU) or tf32 (tensor cores). Default: ${DEFAULT-VALUE}.")
    String math;

    @Option(names = "--deterministic",
            description = "GPU: only algorithms cuDNN reports as deterministic (bit-identical reruns).")
    boolean deterministic;

    public SrcnnEngine open(SrcnnWeights weights) {
        CudaOptions options;
        try {
            options = CudaOptions.defaults().withMath(CudaOptions.MathMode.parse(math)).withDeterministic(deterministic);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            return Engines.open(device, weights, System.err, options);
        } catch (Engines.EngineUnavailableException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
