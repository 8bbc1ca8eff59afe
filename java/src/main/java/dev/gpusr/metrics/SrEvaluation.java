package dev.gpusr.metrics;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.image.Image;

/** The SRCNN evaluation protocol on one HR image with an engine (shared by eval, demo and training validation). */
public final class SrEvaluation {
    private SrEvaluation() {}

    public record Scores(double psnr, double ssim) {}

    public record Result(Scores bicubic, Scores srcnn) {}

    public static Result evaluate(SrcnnEngine engine, Image hr, int k) {
        throw new UnsupportedOperationException("not yet");
    }
}
