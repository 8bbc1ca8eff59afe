package dev.gpusr.engine;

import dev.gpusr.model.Tensor;

/**
 * Runs an engine's forward pass over a large image in overlapping tiles so activation memory stays bounded. Each tile
 * is extended by the network's halo (clipped at the image border, where the real zero padding applies), so every
 * output pixel sees exactly the context it would see in one whole-image pass: the result is identical.
 */
public final class TiledForward {
    private TiledForward() {}

    /**
     * @param input one image, shape 1 x c x H x W (already bicubic-enlarged)
     * @param tile  side of a tile's core in pixels (the engine's own limit decides; whole image when it fits)
     * @param halo  the network's receptive-field radius ({@code SrcnnConfig.halo()})
     */
    public static Tensor forward(SrcnnEngine engine, Tensor input, int tile, int halo) {
        if (input.n != 1) throw new IllegalArgumentException("tiled forward takes one image, got batch " + input.n);
        if (tile < 1) throw new IllegalArgumentException("tile must be >= 1");
        if (input.h <= tile && input.w <= tile) return engine.forward(input);
        Tensor out = new Tensor(1, input.c, input.h, input.w);
        for (int y0 = 0; y0 < input.h; y0 += tile) {
            for (int x0 = 0; x0 < input.w; x0 += tile) {
                int y1 = Math.min(input.h, y0 + tile);
                int x1 = Math.min(input.w, x0 + tile);
                int ey0 = Math.max(0, y0 - halo);
                int ex0 = Math.max(0, x0 - halo);
                int ey1 = Math.min(input.h, y1 + halo);
                int ex1 = Math.min(input.w, x1 + halo);
                Tensor part = crop(input, ey0, ex0, ey1 - ey0, ex1 - ex0);
                Tensor res = engine.forward(part);
                for (int c = 0; c < input.c; c++) {
                    for (int y = y0; y < y1; y++) {
                        System.arraycopy(res.data, res.index(0, c, y - ey0, x0 - ex0), out.data, out.index(0, c, y, x0),
                                x1 - x0);
                    }
                }
            }
        }
        return out;
    }

    static Tensor crop(Tensor t, int y0, int x0, int h, int w) {
        Tensor out = new Tensor(1, t.c, h, w);
        for (int c = 0; c < t.c; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(t.data, t.index(0, c, y0 + y, x0), out.data, out.index(0, c, y, 0), w);
            }
        }
        return out;
    }
}
