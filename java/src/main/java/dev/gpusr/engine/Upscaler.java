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
 *
 * <p>This is the float-image path (whole images as float planes, for MOS studies of unquantised inputs); batches and
 * files go through {@link TiledPixelUpscaler}, which works on 8/16-bit samples tile by tile and gives exactly this
 * path's result rounded to the samples' bit depth (tested).
 */
public final class Upscaler {
    /** Tile core side for whole-image inference; bounded so a 100 MP image never needs all activations at once. */
    public static final int DEFAULT_TILE = TiledPixelUpscaler.DEFAULT_TILE;

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
            out = enlarge(lr.planes(), w, h);
        } else if (config.color() == SrcnnConfig.ColorSpace.Y) {
            if (lr.isGray()) {
                out = network(enlarge(lr.planes(), w, h), w, h);
            } else {
                // Y, Cb and Cr are enlarged in one call; only Y goes through the network
                float[][] ycc = enlarge(ColorConversion.rgbToYcbcr(lr.planes()), w, h);
                ycc[0] = network(new float[][] {ycc[0]}, w, h)[0];
                out = ColorConversion.ycbcrToRgb(ycc);
            }
        } else {
            float[][] rgb = lr.isGray() ? new float[][] {lr.planes()[0], lr.planes()[0], lr.planes()[0]} : lr.planes();
            out = network(enlarge(rgb, w, h), w, h);
            if (lr.isGray()) {
                float[] g = new float[out[0].length];
                for (int i = 0; i < g.length; i++) g[i] = (out[0][i] + out[1][i] + out[2][i]) / 3f;
                out = new float[][] {g};
            }
        }
        float[] alpha = null;
        if (lr.alpha() != null) {
            alpha = enlarge(new float[][] {lr.alpha()}, w, h)[0];
            for (int i = 0; i < alpha.length; i++) alpha[i] = Math.min(1f, Math.max(0f, alpha[i]));
        }
        return new Image(w * scale, h * scale, out, alpha, lr.bitDepth());
    }

    /** Bicubic enlargement of w x h planes by the scale: one engine call for all of them. */
    private float[][] enlarge(float[][] planes, int w, int h) {
        if (engine == null) {
            float[][] out = new float[planes.length][];
            for (int i = 0; i < planes.length; i++) out[i] = BicubicResampler.upscale(planes[i], w, h, scale);
            return out;
        }
        return split(engine.upsample(stack(planes, w, h), scale));
    }

    /** The network over planes already enlarged to (scale w) x (scale h), one image of c channels, in tiles. */
    private float[][] network(float[][] enlarged, int w, int h) {
        return split(TiledForward.forward(engine, stack(enlarged, w * scale, h * scale), tile, config.halo()));
    }

    private static Tensor stack(float[][] planes, int w, int h) {
        float[] stacked = new float[planes.length * w * h];
        for (int i = 0; i < planes.length; i++) System.arraycopy(planes[i], 0, stacked, i * w * h, w * h);
        return new Tensor(1, planes.length, h, w, stacked);
    }

    private static float[][] split(Tensor t) {
        int n = t.h * t.w;
        float[][] out = new float[t.c][];
        for (int i = 0; i < t.c; i++) out[i] = java.util.Arrays.copyOfRange(t.data, i * n, (i + 1) * n);
        return out;
    }
}
