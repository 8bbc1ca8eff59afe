package dev.gpusr.engine;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.Samples;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.resample.BicubicResampler.Contributions;
import java.util.stream.IntStream;

/**
 * The pixel call for every engine: walks the high-resolution output in tiles; for each tile it takes only the
 * low-resolution samples the full image's MATLAB bicubic tables name for the tile plus the network's halo, converts
 * them to floats (v / max, then MATLAB's YCbCr for a Y model), enlarges them on the CPU, runs the engine's
 * {@link SrcnnEngine#forward} on the tile, converts back and rounds (the one quantisation) into the output samples.
 * Every output value is computed with the same arithmetic as the whole-image float path, so the result is the same
 * bit for bit whatever the tile size; memory is the input and output samples plus a few tiles.
 *
 * <p>A Y model restores Y of YCbCr (Cb, Cr stay bicubic); gray images are processed as Y; an RGB model runs on RGB
 * (gray as three equal planes, averaged back); alpha is bicubic. Without an engine it is plain bicubic.
 */
public final class TiledPixelUpscaler implements PixelPath {
    /** Output tile side for SRCNN (what bounds the engine's activations). */
    public static final int DEFAULT_TILE = 1024;

    /** Output tile side for plain bicubic; tiles run in parallel. */
    static final int BICUBIC_TILE = 256;

    private final SrcnnEngine engine;
    private final SrcnnConfig config;
    private final int scale;
    private final int tile;
    private final int halo;

    /** SRCNN with the engine's resident model, tiles of {@code tile} output pixels a side. */
    public TiledPixelUpscaler(SrcnnEngine engine, int tile) {
        if (tile < 1) throw new IllegalArgumentException("tile must be >= 1, got " + tile);
        this.engine = engine;
        this.config = engine.weights().config();
        this.scale = config.scale();
        this.tile = tile;
        this.halo = config.halo();
    }

    private TiledPixelUpscaler(int scale, int tile) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        if (tile < 1) throw new IllegalArgumentException("tile must be >= 1, got " + tile);
        this.engine = null;
        this.config = null;
        this.scale = scale;
        this.tile = tile;
        this.halo = 0;
    }

    /** Plain bicubic enlargement by k. */
    public static TiledPixelUpscaler bicubic(int scale) {
        return new TiledPixelUpscaler(scale, BICUBIC_TILE);
    }

    /** Plain bicubic with a chosen tile (tests). */
    static TiledPixelUpscaler bicubic(int scale, int tile) {
        return new TiledPixelUpscaler(scale, tile);
    }

    @Override
    public int scale() {
        return scale;
    }

    @Override
    public int minInputSide() {
        if (config == null) return 1;
        int field = 2 * halo + 1;
        return (field + scale - 1) / scale;
    }

    @Override
    public long workingBytes(int width, int height, int channels, int bitDepth) {
        long out = Pixels.byteCount((long) width * scale, (long) height * scale, channels, bitDepth);
        long side = tile + 2L * halo;
        long tilePixels = side * side;
        long perTile;
        if (config == null) {
            // window, enlarged planes and the vertical pass per tile, on each core
            perTile = tilePixels * 4 * (2L * channels + 2) * Runtime.getRuntime().availableProcessors();
        } else {
            // window and planes (Y/Cb/Cr or RGB, alpha), network in/out, the engine's two hidden activations
            perTile = tilePixels * 4 * (4L * channels + 2L * config.channels() + config.n1() + config.n2());
        }
        return out + perTile;
    }

    @Override
    public Pixels upscale(Pixels lr, int outputBitDepth) {
        int w = lr.width(), h = lr.height();
        if (engine != null && (w < minInputSide() || h < minInputSide())) {
            throw new IllegalArgumentException("image is " + w + "x" + h + "; SRCNN x" + scale + " needs at least "
                    + minInputSide() + "x" + minInputSide()
                    + " (the network's receptive field); use --method bicubic for tiny images");
        }
        long outW = (long) w * scale, outH = (long) h * scale;
        if (outW > Integer.MAX_VALUE / 4 || outH > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("output " + outW + "x" + outH + " is too large");
        }
        Pixels out = Pixels.allocate((int) outW, (int) outH, lr.channels(), outputBitDepth, lr.iccProfile());
        Contributions rows = BicubicResampler.enlargement(h, scale);
        Contributions cols = BicubicResampler.enlargement(w, scale);
        int tilesX = (int) ((outW + tile - 1) / tile), tilesY = (int) ((outH + tile - 1) / tile);
        IntStream ids = IntStream.range(0, tilesX * tilesY);
        // the engine is single-threaded per worker (and parallel inside); plain bicubic spreads its tiles over cores
        if (engine == null && tilesX * tilesY > 1) ids = ids.parallel();
        ids.forEach(t -> {
            int ty0 = (t / tilesX) * tile, tx0 = (t % tilesX) * tile;
            new Tile(lr, out, rows, cols, ty0, Math.min(out.height(), ty0 + tile), tx0,
                    Math.min(out.width(), tx0 + tile)).run();
        });
        return out;
    }

    /** One output tile: its core, its halo-extended region and the low-resolution window both read. */
    private final class Tile {
        final Pixels lr;
        final Pixels out;
        final Contributions rows, cols;
        final int y0, y1, x0, x1; // core, output coordinates
        final int ey0, ey1, ex0, ex1; // core plus halo, clipped to the image
        final int wy0, wx0, wh, ww; // low-resolution window

        Tile(Pixels lr, Pixels out, Contributions rows, Contributions cols, int y0, int y1, int x0, int x1) {
            this.lr = lr;
            this.out = out;
            this.rows = rows;
            this.cols = cols;
            this.y0 = y0;
            this.y1 = y1;
            this.x0 = x0;
            this.x1 = x1;
            ey0 = Math.max(0, y0 - halo);
            ey1 = Math.min(out.height(), y1 + halo);
            ex0 = Math.max(0, x0 - halo);
            ex1 = Math.min(out.width(), x1 + halo);
            int[] ys = BicubicResampler.inputSpan(rows, ey0, ey1);
            int[] xs = BicubicResampler.inputSpan(cols, ex0, ex1);
            wy0 = ys[0];
            wh = ys[1] - ys[0] + 1;
            wx0 = xs[0];
            ww = xs[1] - xs[0] + 1;
        }

        void run() {
            int colours = lr.colourChannels();
            float[][] window = new float[colours][];
            for (int c = 0; c < colours; c++) window[c] = windowPlane(c);
            float[][] result; // core-sized colour planes, in the image's own channels
            if (config == null) {
                result = new float[colours][];
                for (int c = 0; c < colours; c++) result[c] = enlargeCore(window[c]);
            } else if (config.color() == SrcnnConfig.ColorSpace.Y) {
                if (colours == 1) {
                    result = new float[][] {network(new float[][] {enlargeExtended(window[0])})[0]};
                } else {
                    float[][] ycc = ColorConversion.rgbToYcbcr(window);
                    float[] y = network(new float[][] {enlargeExtended(ycc[0])})[0];
                    result = ColorConversion.ycbcrToRgb(new float[][] {y, enlargeCore(ycc[1]), enlargeCore(ycc[2])});
                }
            } else if (colours == 1) {
                float[] g = enlargeExtended(window[0]);
                float[][] o = network(new float[][] {g, g, g});
                float[] avg = new float[o[0].length];
                for (int i = 0; i < avg.length; i++) avg[i] = (o[0][i] + o[1][i] + o[2][i]) / 3f;
                result = new float[][] {avg};
            } else {
                result = network(new float[][] {enlargeExtended(window[0]), enlargeExtended(window[1]),
                        enlargeExtended(window[2])});
            }
            for (int c = 0; c < colours; c++) store(result[c], c);
            if (lr.hasAlpha()) store(enlargeCore(windowPlane(colours)), colours);
        }

        /** Channel c of the low-resolution window as floats v / max, exactly as the float reader gives them. */
        private float[] windowPlane(int c) {
            float[] plane = new float[wh * ww];
            float[] unit = Samples.unitTable(lr.maxValue());
            byte[] s = lr.samples();
            int channels = lr.channels(), width = lr.width();
            boolean eight = lr.bitDepth() == 8;
            for (int y = 0; y < wh; y++) {
                int i = ((wy0 + y) * width + wx0) * channels + c;
                int o = y * ww;
                if (eight) {
                    for (int x = 0; x < ww; x++, i += channels) plane[o + x] = unit[s[i] & 0xFF];
                } else {
                    for (int x = 0; x < ww; x++, i += channels) {
                        plane[o + x] = unit[(s[2 * i] & 0xFF) | (s[2 * i + 1] & 0xFF) << 8];
                    }
                }
            }
            return plane;
        }

        private float[] enlargeCore(float[] window) {
            float[] dst = new float[(y1 - y0) * (x1 - x0)];
            BicubicResampler.resizeRegion(window, 0, wy0, wx0, wh, ww, rows, cols, y0, y1, x0, x1, dst, 0);
            return dst;
        }

        private float[] enlargeExtended(float[] window) {
            float[] dst = new float[(ey1 - ey0) * (ex1 - ex0)];
            BicubicResampler.resizeRegion(window, 0, wy0, wx0, wh, ww, rows, cols, ey0, ey1, ex0, ex1, dst, 0);
            return dst;
        }

        /** The network over halo-extended planes; returns the core of each output channel. */
        private float[][] network(float[][] extended) {
            int eh = ey1 - ey0, ew = ex1 - ex0;
            int n = eh * ew;
            float[] stacked = new float[extended.length * n];
            for (int c = 0; c < extended.length; c++) System.arraycopy(extended[c], 0, stacked, c * n, n);
            Tensor res = engine.forward(new Tensor(1, extended.length, eh, ew, stacked));
            int cw = x1 - x0;
            float[][] core = new float[res.c][(y1 - y0) * cw];
            for (int c = 0; c < res.c; c++) {
                for (int y = y0; y < y1; y++) {
                    System.arraycopy(res.data, res.index(0, c, y - ey0, x0 - ex0), core[c], (y - y0) * cw, cw);
                }
            }
            return core;
        }

        /** Rounds a core-sized plane into output channel c. */
        private void store(float[] plane, int c) {
            int max = out.maxValue();
            int cw = x1 - x0;
            byte[] s = out.samples();
            int channels = out.channels(), width = out.width();
            boolean eight = out.bitDepth() == 8;
            for (int y = y0; y < y1; y++) {
                int i = (y * width + x0) * channels + c;
                int from = (y - y0) * cw;
                if (eight) {
                    for (int x = 0; x < cw; x++, i += channels) s[i] = (byte) Samples.quantize(plane[from + x], max);
                } else {
                    for (int x = 0; x < cw; x++, i += channels) {
                        int v = Samples.quantize(plane[from + x], max);
                        s[2 * i] = (byte) v;
                        s[2 * i + 1] = (byte) (v >>> 8);
                    }
                }
            }
        }
    }
}
