package dev.gpusr.cli;

import dev.gpusr.engine.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnWeights;
import picocli.CommandLine.Option;

/** --device and friends, shared by every command that runs the network. */
public final class EngineOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|N",
            description = "auto (GPU 0 when usable, else the CPU), cpu, or a GPU index. Default: ${DEFAULT-VALUE}.")
    String device;

    public SrcnnEngine open(SrcnnWeights weights) {
        return Engines.open(device, weights, System.err);
    }
}
