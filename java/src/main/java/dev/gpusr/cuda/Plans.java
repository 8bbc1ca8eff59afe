package dev.gpusr.cuda;

import dev.gpusr.resample.BicubicResampler;

/**
 * How {@link CudaKernels} cuts work into blocks: pure functions of the sizes, so they are testable without a GPU
 * and a repeated call partitions (and therefore rounds) exactly the same way, which keeps reductions
 * deterministic. The numbers must agree with what the kernels in kernels/*.cu assume; each says which.
 */
final class Plans {
    private Plans() {}

    /** Threads per block of the 1D kernels; a multiple of 32 (the block reductions need whole warps). */
    static final int BLOCK = 256;

    /** CUDA's limit on gridDim.y and gridDim.z; kernels loop when there is more to cover. */
    static final int MAX_GRID_YZ = 65535;

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Blocks for a grid-stride loop over {@code units} items, one per thread. */
    static int elementwiseBlocks(long units) {
        return (int) Math.max(1, Math.min(ceilDiv(units, BLOCK), Integer.MAX_VALUE));
    }

    // ---- bias + activation forward ------------------------------------------------------------------------------

    /** Items (float4s, or floats when hw % 4 != 0) per thread per chunk: GPUSR_BIAS_FORWARD_VECTORS in bias_activation.cu. */
    static final int BIAS_FORWARD_VECTORS = 4;

    /** gpusr_bias_act_forward's grid x: enough chunks of {@code BLOCK * BIAS_FORWARD_VECTORS} items to cover a plane. */
    static int biasForwardBlocks(long hw) {
        long items = hw % 4 == 0 ? hw / 4 : hw;
        return (int) Math.max(1, Math.min(ceilDiv(items, (long) BLOCK * BIAS_FORWARD_VECTORS), Integer.MAX_VALUE));
    }

    // ---- pixel unpacking ----------------------------------------------------------------------------------------

    /** Groups of 4 pixels per thread per chunk of gpusr_unpack_* for 8-bit samples: GPUSR_UNPACK_GROUPS in pixels.cu. */
    static final int UNPACK_GROUPS = 4;

    /**
     * gpusr_unpack_*'s grid x: chunks of {@code BLOCK * UNPACK_GROUPS} 4-pixel groups covering an image when
     * hw % 4 == 0 (the word path); otherwise one pixel per thread. Kernels with fewer groups per thread (16-bit)
     * loop over the rest (grid-stride).
     */
    static int unpackBlocks(long hw) {
        if (hw % 4 != 0) return elementwiseBlocks(hw);
        return (int) Math.max(1, Math.min(ceilDiv(hw / 4, (long) BLOCK * UNPACK_GROUPS), Integer.MAX_VALUE));
    }

    // ---- MSE / SSE ----------------------------------------------------------------------------------------------

    /** At most this many partial sums: one block (of {@link #BLOCK} threads) sums them all at the end. */
    static final int MAX_REDUCTION_BLOCKS = 1024;

    /** Below this, another block costs more than it saves. */
    static final long MIN_REDUCTION_PER_BLOCK = 8192;

    /** Elements per block of the MSE: a multiple of 4, so each block starts on a float4 (gpusr_mse). */
    static long reductionPerBlock(int count) {
        if (count < 1) throw new IllegalArgumentException("a reduction needs at least one element, got " + count);
        long even = ceilDiv(ceilDiv(count, MAX_REDUCTION_BLOCKS), 4) * 4;
        return Math.max(MIN_REDUCTION_PER_BLOCK, even);
    }

    static int reductionBlocks(int count) {
        return (int) ceilDiv(count, reductionPerBlock(count));
    }

    // ---- bias gradient ------------------------------------------------------------------------------------------

    /** Positions of one plane per stage-1 block at most: 16 floats per thread, a multiple of 4 (float4 loads). */
    static final long BIAS_CHUNK_POSITIONS = 16L * BLOCK;

    /**
     * Elements one stage-1 block should sum: enough to hide its start and its one partial write, few enough that
     * a training batch (128 x 64 x 33 x 33) still fills an H100 with over a thousand blocks.
     */
    static final long BIAS_BLOCK_ELEMENTS = 2 * BIAS_CHUNK_POSITIONS;

    /** Floats of the device scratch that holds the partials (1 MiB); a plan never needs more. */
    static final int BIAS_PARTIALS_CAPACITY = 1 << 18;

    /**
     * gpusr_bias_act_backward_partial's grid: (chunks, channels, groups); block (chunk, channel, group) sums
     * positions [chunk * positionsPerChunk, ...) of images [group * imagesPerGroup, ...) of one channel.
     */
    record BiasGrad(long positionsPerChunk, int chunks, int imagesPerGroup, int groups) {
        int partialsPerChannel() {
            return chunks * groups;
        }
    }

    static BiasGrad biasGrad(int n, int c, long hw) {
        long positions = Math.min(hw, BIAS_CHUNK_POSITIONS);
        int imagesPerGroup = (int) Math.max(1, Math.min(n, BIAS_BLOCK_ELEMENTS / positions));
        while (true) {
            long chunks = ceilDiv(hw, positions);
            long groups = ceilDiv(n, imagesPerGroup);
            if ((long) c * chunks * groups <= BIAS_PARTIALS_CAPACITY && groups <= MAX_GRID_YZ) {
                return new BiasGrad(positions, (int) chunks, imagesPerGroup, (int) groups);
            }
            // coarser blocks until the partials fit; doubling keeps positions a multiple of 4 (or all of hw)
            if (positions < hw) {
                positions = Math.min(hw, positions * 2);
            } else {
                imagesPerGroup = Math.min(n, imagesPerGroup * 2);
            }
        }
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    /** GPUSR_MAX_LAYERS in kernels/optimizers.cu. */
    static final int MAX_LAYERS = 8;

    /**
     * The LayerRates struct of kernels/optimizers.cu as 32-bit words: layers, end[MAX_LAYERS], rate[MAX_LAYERS]
     * (float bits). Checks that the ends increase and the last one is {@code count}.
     */
    static int[] layerRates(int count, int[] layerEnds, float[] rates) {
        if (count < 1) throw new IllegalArgumentException("no parameters to update (count " + count + ")");
        if (layerEnds.length != rates.length) {
            throw new IllegalArgumentException(layerEnds.length + " layer ends but " + rates.length + " learning rates");
        }
        if (layerEnds.length < 1 || layerEnds.length > MAX_LAYERS) {
            throw new IllegalArgumentException("1 to " + MAX_LAYERS + " layers, got " + layerEnds.length);
        }
        int[] words = new int[1 + 2 * MAX_LAYERS];
        words[0] = layerEnds.length;
        int previous = 0;
        for (int l = 0; l < layerEnds.length; l++) {
            if (layerEnds[l] <= previous) {
                throw new IllegalArgumentException("layer ends must increase from above 0, got " + layerEnds[l]
                        + " after " + previous);
            }
            previous = layerEnds[l];
            words[1 + l] = layerEnds[l];
            words[1 + MAX_LAYERS + l] = Float.floatToRawIntBits(rates[l]);
        }
        if (previous != count) {
            throw new IllegalArgumentException("the last layer end " + previous + " must equal the count " + count);
        }
        return words;
    }

    // ---- narrow convolution -------------------------------------------------------------------------------------

    /** Threads in x of gpusr_conv_narrow_* = output columns of its tile (GPUSR_NARROW_TILE_W). */
    static final int NARROW_CONV_TILE_WIDTH = 32;
    /** Threads in y (GPUSR_NARROW_BLOCK_ROWS). */
    static final int NARROW_CONV_BLOCK_ROWS = 8;
    /** Consecutive output rows each thread owns (GPUSR_NARROW_ROWS_PER_THREAD). */
    static final int NARROW_CONV_ROWS_PER_THREAD = 8;
    /** Output rows of a tile. */
    static final int NARROW_CONV_TILE_HEIGHT = NARROW_CONV_BLOCK_ROWS * NARROW_CONV_ROWS_PER_THREAD;

    // ---- bicubic resize -----------------------------------------------------------------------------------------

    /**
     * An output tile of gpusr_bicubic_resize_*: {@code width} columns (= threads in x), {@code height} rows,
     * {@code blockRows} threads in y sharing those rows.
     */
    record ResizeTile(int width, int height, int blockRows) {}

    /** Enlarging: a tile reads about width / k + 4 input columns, so wide tiles keep the shared rows short. */
    static final ResizeTile ENLARGE_TILE = new ResizeTile(128, 32, 4);

    /** Shrinking by k reads about k * width + 4k columns per tile, so tiles are narrower. */
    static final ResizeTile SHRINK_TILE = new ResizeTile(32, 16, 8);

    /** Dynamic shared memory a block may use without an opt-in on every supported GPU. */
    static final int MAX_SHARED_BYTES = 48 * 1024;

    /** The tile height that keeps height x spanX floats within {@link #MAX_SHARED_BYTES}. */
    static int fitTileHeight(int height, int spanX) {
        int rows = MAX_SHARED_BYTES / (spanX * Float.BYTES);
        if (rows < 1) {
            throw new IllegalArgumentException("a resize tile needs " + spanX + " input columns, more than shared "
                    + "memory holds; use a smaller factor");
        }
        return Math.min(height, rows);
    }

    /** For each tile of {@code tileWidth} output columns the first input column it reads, and the widest span. */
    record ColumnTiles(int[] start, int span) {}

    static ColumnTiles columnTiles(BicubicResampler.Contributions c, int tileWidth) {
        int tiles = (int) ceilDiv(c.outLength(), tileWidth);
        int[] start = new int[tiles];
        int span = 0;
        for (int tile = 0; tile < tiles; tile++) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            int end = Math.min(c.outLength(), (tile + 1) * tileWidth);
            for (int cell = tile * tileWidth * c.taps(); cell < end * c.taps(); cell++) {
                min = Math.min(min, c.index()[cell]);
                max = Math.max(max, c.index()[cell]);
            }
            start[tile] = min;
            span = Math.max(span, max - min + 1);
        }
        return new ColumnTiles(start, span);
    }
}
