package dev.gpusr.engine;

import dev.gpusr.image.Pixels;

/**
 * The pixel-level engine call: a decoded image's raw samples in, the k-times-larger image's samples out, of the same
 * kind (channels, bit depth, ICC profile). {@link TiledPixelUpscaler} is the implementation every engine gets by
 * default (tile by tile through {@link SrcnnEngine#forward}); a device-resident variant (CUDA: one upload, everything
 * on the card, one download) implements this same interface.
 *
 * <p>Not thread-safe: one per engine worker.
 */
public interface PixelPath {
    /** The enlargement factor k: outputs are (k w) x (k h). */
    int scale();

    /** The smallest input side accepted (SRCNN: the enlarged image must cover the receptive field); 1 for bicubic. */
    int minInputSide();

    /**
     * Heap bytes an upscale of such an input needs beyond the input's own samples: the output samples plus the
     * working set (tiles). Used to refuse, before any work, what cannot fit.
     */
    long workingBytes(int width, int height, int channels, int bitDepth);

    /**
     * Enlarges the image by {@link #scale()}. Throws IllegalArgumentException for an input it cannot take (too small,
     * output past {@link Pixels#MAX_BYTES}), {@link EngineLostException} when the device is gone for good.
     */
    default Pixels upscale(Pixels lowRes) {
        return upscale(lowRes, lowRes.bitDepth());
    }

    /**
     * As {@link #upscale(Pixels)}, rounding straight to {@code outputBitDepth} (8 or 16): a 16-bit image bound for an
     * 8-bit format (JPEG, BMP) is rounded once, as writing the float result did, not twice.
     */
    Pixels upscale(Pixels lowRes, int outputBitDepth);

    /**
     * How many images this path can hold in flight: submitted with {@link #submit} and not yet awaited. 1 for a
     * synchronous path (the CPU engine, the tile-forward path); more for a path that overlaps one image's upload
     * with another's compute and a third's download ({@link OverlappedPixelPath}). A caller never holds more.
     */
    default int depth() {
        return 1;
    }

    /**
     * Starts {@link #upscale(Pixels, int)} of one image; its result is {@link Pending#await()}'s. By default the work
     * is done here, so a synchronous path behaves exactly as before. Either call may throw what upscale throws, and
     * that fails this image only: the path stays usable for the others. Callers await in submission order and hold at
     * most {@link #depth()} pending images.
     */
    default Pending submit(Pixels lowRes, int outputBitDepth) {
        Pixels out = upscale(lowRes, outputBitDepth);
        return () -> out;
    }

    /**
     * Frees what this path holds for its work beyond the engine's model (device buffers and pinned staging sized by
     * its tile; through {@code Engines}' wrapper also the engine's activations): the engine stays open, and the path
     * may not be used again. Images still in flight are waited for and dropped. Safe to call again. The default
     * holds nothing. {@link ShrinkingTiles} closes a path that ran out of device memory before it makes the one with
     * smaller tiles, so the retry does not compete with the old buffers.
     */
    default void close() {}

    /** An image submitted to a pixel path; {@link #await()} waits for and returns its result. */
    @FunctionalInterface
    interface Pending {
        /** The enlarged image (waits for the device); throws what upscale would have thrown for this image. */
        Pixels await();
    }

    /**
     * A pixel path that wraps another ({@link #inner()}) to change what upscale does (retry, map failures): the size
     * questions are the inner path's.
     */
    interface Forwarding extends PixelPath {
        /** The path this one wraps (the one in use now). */
        PixelPath inner();

        @Override
        default int scale() {
            return inner().scale();
        }

        @Override
        default int minInputSide() {
            return inner().minInputSide();
        }

        @Override
        default long workingBytes(int width, int height, int channels, int bitDepth) {
            return inner().workingBytes(width, height, channels, bitDepth);
        }

        @Override
        default int depth() {
            return inner().depth();
        }

        @Override
        default void close() {
            inner().close();
        }
    }
}
