package dev.gpusr.engine;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Image;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;

/**
 * Enlarges whole images: bicubic by k, then SRCNN restores the channels the model was trained on. A Y model restores
 * Y of MATLAB's YCbCr and leaves Cb, Cr bicubic (as the paper does); grayscale images are processed as Y; alpha is
 * enlarged bicubically. With no engine it is plain bicubic.
 */
public final class Upscaler {
    /** Tile core side for whole-image inference; bounded so a 100 MP image never needs all activations at once. */
    public static final int DEFAULT_TILE = 1024;

    private final SrcnnEngine engine;
    private final SrcnnConfig config;
    private final int scale;
    private final int tile;

    /** SRCNN upscaling with the engine's resident model. */
    public Upscaler(SrcnnEngine engine, int tile) {
        this.engine = engine;
        this.config = engine.weights().config();
        this.scale = config.scale();
        this.tile = tile;
    }

    /** Bicubic-only upscaling by k. */
    public Upscaler(int scale) {
        this.engine = null;
        this.config = null;
        this.scale = scale;
        this.tile = DEFAULT_TILE;
    }

    public int scale() {
        return scale;
    }

    /** The smallest input side SRCNN accepts: the enlarged image must cover the receptive field (2 halo + 1). */
    public int minInputSide() {
        if (config == null) return 1;
        int field = 2 * config.halo() + 1;
        return (field + scale - 1) / scale;
    }

    public Image upscale(Image lr) {
        int w = lr.width();
        int h = lr.height();
        float[][] out;
        if (engine == null) {
            out = new float[lr.planes().length][];
            for (int i = 0; i < out.length; i++) out[i] = enlarge(lr.planes()[i], w, h);
        } else if (config.color() == SrcnnConfig.ColorSpace.Y) {
            if (lr.isGray()) {
                out = new float[][] {restore(new float[][] {lr.planes()[0]}, w, h)[0]};
            } else {
                float[][] ycc = ColorConversion.rgbToYcbcr(lr.planes());
                float[] y = restore(new float[][] {ycc[0]}, w, h)[0];
                out = ColorConversion.ycbcrToRgb(new float[][] {y, enlarge(ycc[1], w, h), enlarge(ycc[2], w, h)});
            }
        } else {
            float[][] rgb = lr.isGray() ? new float[][] {lr.planes()[0], lr.planes()[0], lr.planes()[0]} : lr.planes();
            out = restore(rgb, w, h);
            if (lr.isGray()) {
                float[] g = new float[out[0].length];
                for (int i = 0; i < g.length; i++) g[i] = (out[0][i] + out[1][i] + out[2][i]) / 3f;
                out = new float[][] {g};
            }
        }
        float[] alpha = null;
        if (lr.alpha() != null) {
            alpha = enlarge(lr.alpha(), w, h);
            for (int i = 0; i < alpha.length; i++) alpha[i] = Math.min(1f, Math.max(0f, alpha[i]));
        }
        return new Image(w * scale, h * scale, out, alpha, lr.bitDepth());
    }

    private float[] enlarge(float[] plane, int w, int h) {
        if (engine != null) return engine.upsample(new Tensor(1, 1, h, w, plane), scale).data;
        return BicubicResampler.upscale(plane, w, h, scale);
    }

    /** Bicubic enlargement of c planes, then the network over them in tiles. */
    private float[][] restore(float[][] planes, int w, int h) {
        int c = planes.length;
        float[] stacked = new float[c * w * h];
        for (int i = 0; i < c; i++) System.arraycopy(planes[i], 0, stacked, i * w * h, w * h);
        Tensor up = engine.upsample(new Tensor(1, c, h, w, stacked), scale);
        Tensor sr = TiledForward.forward(engine, up, tile, config.halo());
        float[][] out = new float[c][];
        int n = sr.h * sr.w;
        for (int i = 0; i < c; i++) {
            out[i] = new float[n];
            System.arraycopy(sr.data, i * n, out[i], 0, n);
        }
        return out;
    }
}
