package dev.gpusr.engine;

import dev.gpusr.image.Pixels;
import java.util.function.IntFunction;

/**
 * A pixel path that halves its tile when the device runs out of memory: the image that failed is upscaled again from
 * the start with tiles half the size (results do not depend on the tile size), and the smaller tile is kept for the
 * images after it. Below {@link #MIN_TILE} output pixels a side it gives up with one line saying so.
 *
 * <p>The path that ran out is closed ({@link PixelPath#close()}: its device buffers and the engine's activations,
 * sized for the larger tile, are freed) before the path for the smaller tile is made, so the retry allocates into
 * memory the failed attempt no longer holds. An overlapped image still in flight on the closed path is redone on
 * the new one when it is awaited.
 */
public final class ShrinkingTiles implements PixelPath.Forwarding {
    /** Smaller tiles would spend more on recomputed halo than on the tile itself. */
    public static final int MIN_TILE = 64;

    private final IntFunction<PixelPath> pathForTile;
    private int tile;
    /** The path for {@link #tile}; null after a shrink closed the old one but making the new one failed. */
    private PixelPath current;

    /** {@code pathForTile} makes the pixel path for a tile side; it starts at {@code tile}. */
    public ShrinkingTiles(IntFunction<PixelPath> pathForTile, int tile) {
        if (tile < 1) throw new IllegalArgumentException("tile must be >= 1, got " + tile);
        this.pathForTile = pathForTile;
        this.tile = tile;
        this.current = pathForTile.apply(tile);
    }

    /** The tile side in use now (smaller than the first after an out-of-memory retry). */
    public int tile() {
        return tile;
    }

    /** The pixel path for the current tile (made again here if making it failed after a shrink). */
    @Override
    public PixelPath inner() {
        if (current == null) current = pathForTile.apply(tile);
        return current;
    }

    @Override
    public Pixels upscale(Pixels lowRes, int outputBitDepth) {
        while (true) {
            PixelPath used = inner();
            try {
                return used.upscale(lowRes, outputBitDepth);
            } catch (DeviceOutOfMemoryException e) {
                shrink(used, e);
            }
        }
    }

    /**
     * As upscale, keeping the inner path's overlap: an image that runs out of device memory while being queued or
     * awaited is redone synchronously with smaller tiles (by {@link #upscale}), the others are not touched.
     */
    @Override
    public Pending submit(Pixels lowRes, int outputBitDepth) {
        PixelPath used = inner();
        Pending pending;
        try {
            pending = used.submit(lowRes, outputBitDepth);
        } catch (DeviceOutOfMemoryException e) {
            shrink(used, e);
            Pixels redone = upscale(lowRes, outputBitDepth);
            return () -> redone;
        }
        return () -> {
            // the path was closed by a shrink for another image since: this one is redone with the smaller tiles
            if (current != used) return upscale(lowRes, outputBitDepth);
            try {
                return pending.await();
            } catch (DeviceOutOfMemoryException e) {
                shrink(used, e);
                return upscale(lowRes, outputBitDepth);
            }
        };
    }

    /**
     * Halves the tile after {@code failed} ran out of memory, unless another image already moved past that path:
     * closes the failed path first (freeing its buffers), then makes the one for the smaller tile.
     */
    private void shrink(PixelPath failed, DeviceOutOfMemoryException e) {
        if (current != failed) return;
        if (tile / 2 < MIN_TILE) {
            throw new DeviceOutOfMemoryException("out of device memory even with tiles of " + tile + " pixels ("
                    + e.getMessage() + ")", e);
        }
        tile /= 2;
        // never left pointing at the closed path: if closing it or making the next one fails, the next call makes it
        current = null;
        try {
            failed.close();
        } catch (RuntimeException closeFailure) {
            closeFailure.addSuppressed(e);
            throw closeFailure;
        }
        current = pathForTile.apply(tile);
    }

    /** Closes the path in use now (see {@link PixelPath#close()}). */
    @Override
    public void close() {
        if (current != null) current.close();
    }
}
