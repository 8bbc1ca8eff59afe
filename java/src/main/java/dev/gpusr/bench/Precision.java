package dev.gpusr.bench;

import dev.gpusr.cuda.ConvMath;

/**
 * The precision modes compared with PyTorch: true fp32 (no tensor cores, as PyTorch with TF32 off), fp32 data with
 * TF32 tensor cores allowed (PyTorch's default for convolutions), and fp16 channels-last with fp32 accumulation.
 * How each computes is the engine's {@link ConvMath}; here are the benchmark's labels and tolerances.
 */
public enum Precision {
    FP32("fp32", ConvMath.FP32),
    TF32("tf32", ConvMath.TF32),
    FP16("fp16", ConvMath.FP16);

    public final String id;
    public final ConvMath math;

    Precision(String id, ConvMath math) {
        this.id = id;
        this.math = math;
    }

    /** Relative tolerance of this mode against the fp64 CPU reference. */
    public double tolerance() {
        return switch (this) {
            case FP32 -> 3e-4; // FFT and Winograd algorithms in true fp32 stay well inside this
            case TF32 -> 2e-2;
            case FP16 -> 3e-2;
        };
    }
}
