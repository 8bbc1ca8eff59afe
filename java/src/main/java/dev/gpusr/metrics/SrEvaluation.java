package dev.gpusr.metrics;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledForward;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.Image;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;

/**
 * The SRCNN evaluation protocol on one HR image with an engine, shared by eval, demo and training validation:
 * 8-bit Y, modcrop, bicubic down and up (the baseline), the network, 8-bit rounding, shave k, PSNR and SSIM.
 */
public final class SrEvaluation {
    /** SSIM's window: the shaved image must hold at least one. */
    static final int SSIM_WINDOW = 11;

    private SrEvaluation() {}

    public record Result(SrProtocol.Scores bicubic, SrProtocol.Scores srcnn) {}

    public static Result evaluate(SrcnnEngine engine, Image hr, int k) {
        SrcnnConfig config = engine.weights().config();
        if (config.channels() != 1) throw new IllegalArgumentException("the protocol runs a Y model; this one has " + config.channels() + " channels");
        Plane y = SrProtocol.modcrop(SrProtocol.lumaLevels(hr), k);
        int min = SSIM_WINDOW + 2 * k;
        if (y.width() < min || y.height() < min) {
            throw new IllegalArgumentException("image is " + hr.width() + "x" + hr.height() + "; evaluation at x" + k
                    + " needs at least " + min + "x" + min + " (SSIM window after shaving " + k + " pixels)");
        }
        Plane bicubic = SrProtocol.degrade(y, k);
        Tensor out = TiledForward.forward(engine, new Tensor(1, 1, bicubic.height(), bicubic.width(), bicubic.data()),
                TiledPixelUpscaler.DEFAULT_TILE, config.halo());
        Plane sr = new Plane(out.data, bicubic.width(), bicubic.height());
        return new Result(SrProtocol.score(y, bicubic, k), SrProtocol.score(y, sr, k));
    }
}
