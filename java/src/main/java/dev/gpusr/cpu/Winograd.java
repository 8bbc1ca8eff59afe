package dev.gpusr.cpu;

import dev.gpusr.cpu.ConvLayer.Epilogue;
import java.util.Arrays;

/**
 * A 5x5 'same' convolution as Winograd's minimal filtering F(2x2, 5x5) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): each 2x2 block of outputs (a tile) is computed from its 6x6 input patch as
 * A^T [sum over input channels of (G g G^T) .* (B^T d B)] A, which takes 36 multiplies per input channel where the
 * direct sum takes 100. The interpolation points are 0, 1, -1, 2, -2 and infinity; {@link #BT}, {@link #G} and
 * {@link #AT} were derived with exact fractions, B^T's rows scaled to integers and G's divided to match.
 *
 * <p>Used by the CPU engine's training step for its 5x5 layers with many channels both ways (9-5-5's conv2 forward
 * and back to its input; {@link WinogradGradient} its weight gradient). With the three, the step of 16 sub-images
 * became 1.18-1.20x faster on 2 cores (BENCHMARKS.md, "Winograd F(2x2, 5x5) in CPU training steps"). It is not exact
 * like the direct kernels: its rounding scales with the magnitudes mixed in a tile's 6x6 patch, not with each
 * output's own terms. {@code WinogradTest} bounds the error by 1e-5 of the largest sum of |w x| among the outputs of
 * a channel. Inference keeps the direct kernels. {@code -Dgpusr.cpu.winograd=off} turns it off. The register blocks
 * were chosen on AVX-512 (32 vector registers); with 16 (AVX2) the products spill, which was not measured.
 *
 * <p>How it runs on a {@link RowLayout}: the zero columns between images are at least two wide, so the whole row
 * is one wide image to the convolution; tiles run along it from {@code layout.first()}, and the padding columns are
 * cleared afterwards as the direct kernels do. The work is split into chunks of tiles along the row times bands of
 * rows of tiles. A task walks down its band; each input row it reaches is split once into its even and odd columns
 * (a ring of six rows per worker, which stays in L2), so that the six columns of consecutive tiles' patches are
 * vectors at offsets 0, 1 and 2 of those two rows. Then for each row of tiles: the input transform of every channel,
 * a product per point (output channels times input channels times tiles, {@link WinogradKernels#product3}) and the
 * output transform with bias and epilogue.
 */
final class Winograd {
    /** Off with {@code -Dgpusr.cpu.winograd=off} (to compare, or if it were ever in doubt). */
    static final boolean ENABLED = Simd.ENABLED
            && !"off".equalsIgnoreCase(System.getProperty("gpusr.cpu.winograd", ""));

    static final int FILTER = 5;
    /** Input patch of a tile (2 outputs + 5 - 1) and points of the transform per dimension. */
    static final int PATCH = 6;
    static final int POINTS = PATCH * PATCH;
    /** Layers with fewer input or output channels keep the direct kernels (the transforms would dominate). */
    static final int MIN_CHANNELS = 16;
    /**
     * Tiles per task: this many vectors, the last chunk of a row the rest (up to two more). For 64 channels the input
     * transform of a chunk (442 KiB) and the ring of rows (as much) stay in L2; 6 vectors were not faster. A
     * multiple of the three vectors of {@link WinogradKernels#product3}: with a third of the tiles in one-vector
     * blocks the product took 1.4x longer per tile.
     */
    static final int CHUNK_VECTORS = 3;
    /**
     * Rows of tiles per task at most. A band transforms four input rows more than its own along x, so training's
     * 33-row sub-images (17 rows of tiles) run as one band where there are tasks enough: on 2 cores a 9-5-5 step of
     * 16 took about 6% less time than with bands of 6 rows (three runs each, alternating: 29.5-30.6 ms against
     * 32.0-32.5).
     */
    static final int BAND_TILE_ROWS = 17;

    /** B^T (input transform), rows scaled to integers. */
    static final double[][] BT = {
        {4, 0, -5, 0, 1, 0},
        {0, 4, 4, -1, -1, 0},
        {0, -4, 4, 1, -1, 0},
        {0, -2, -1, 2, 1, 0},
        {0, 2, -1, -2, 1, 0},
        {0, 4, 0, -5, 0, 1},
    };

    /** G (filter transform), rows divided by B^T's scale factors. */
    static final double[][] G = {
        {1 / 4.0, 0, 0, 0, 0},
        {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0},
        {1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0},
        {1 / 24.0, 1 / 12.0, 1 / 6.0, 1 / 3.0, 2 / 3.0},
        {1 / 24.0, -1 / 12.0, 1 / 6.0, -1 / 3.0, 2 / 3.0},
        {0, 0, 0, 0, 1},
    };

    /** A^T (output transform). */
    static final double[][] AT = {
        {1, 1, 1, 1, 1, 0},
        {0, 1, -1, 2, -2, 1},
    };

    /** Whether {@link #run} takes this layer on this layout. */
    static boolean applies(ConvLayer conv, RowLayout layout) {
        return ENABLED && conv.f == FILTER && conv.cin >= MIN_CHANNELS && conv.cout >= MIN_CHANNELS
                && conv.cout % WinogradKernels.OUTPUTS == 0 && layout.pad() >= FILTER / 2;
    }

    /** The longest chunk in vectors, and one more for the patches' reach past it. */
    private static final int RING_VECTORS = 2 * CHUNK_VECTORS; // the last chunk has at most 2 CHUNK_VECTORS - 1

    private final Work[] work;

    Winograd(int workers) {
        work = new Work[workers];
        for (int i = 0; i < workers; i++) work[i] = new Work();
    }

    /** The workers' buffers (shared with {@link WinogradGradient}, which runs between the forward calls). */
    Work[] work() {
        return work;
    }

    /** One worker's buffers. */
    static final class Work {
        /** Ring rows: the six x points of a row of the longest chunk's tiles. */
        static final int RING_FLOATS = PATCH * RING_VECTORS * WinogradKernels.LANES;
        final float[] zero = new float[RING_FLOATS];
        float[] v = new float[0];
        float[] m = new float[0];
        final float[] tmp = new float[12 * WinogradKernels.LANES];
        final float[] y = new float[4 * WinogradKernels.LANES];
        /** One input row's even and odd columns. */
        final float[] even = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[] odd = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[][] rows = new float[PATCH][];
        /**
         * The ring: input row r of channel c along x (B^T times each tile's six columns), [c][r mod 6][x point *
         * count + tile], while {@code held[r mod 6] == r}.
         */
        float[][][] ring = new float[0][][];
        final int[] held = new int[PATCH];

        void size(int vFloats, int mFloats, int cin) {
            if (v.length < vFloats) v = new float[vFloats];
            if (m.length < mFloats) m = new float[mFloats];
            if (ring.length < cin) ring = new float[cin][PATCH][RING_FLOATS];
            Arrays.fill(held, Integer.MIN_VALUE);
        }
    }

    /**
     * All rows of {@code out} from all rows of {@code in} (both canvases hold rows [0, height)), as
     * {@link ConvLayer#forwardRows} would compute them with {@code epilogue}, up to rounding.
     */
    void run(ConvLayer conv, Canvas in, Canvas out, RowLayout layout, Epilogue epilogue, WorkerPool pool) {
        if (!applies(conv, layout)) throw new IllegalArgumentException("Winograd F(2x2, 5x5) does not take this layer");
        Plan plan = Plan.of(layout, 2 * pool.threads()); // outputs do not depend on the plan: any split will do
        float[] u = transformWeights(conv, pool);
        pool.parallelFor(plan.tasks(), (worker, task) -> {
            Work w = work[worker];
            int count = plan.count(task);
            w.size(POINTS * pointStride(conv.cin * count), POINTS * pointStride(WinogradKernels.OUTPUTS * count),
                    conv.cin);
            for (int tr = plan.firstTileRow(task); tr < plan.endTileRow(task); tr++) {
                tiles(conv, u, in, out, layout, epilogue, tr, plan.firstTile(task), count, w);
            }
        });
    }

    /**
     * How a layout's tiles are cut into tasks: chunks of {@link #CHUNK_VECTORS} vectors of tiles along the row
     * (the last takes the rest) times bands of at most {@link #BAND_TILE_ROWS} rows of tiles, more bands where that
     * gives fewer than {@code minTasks} tasks. Fixed by the layout and minTasks alone: sums over tasks made with a
     * thread-independent minTasks do not depend on the number of threads.
     */
    record Plan(int vectors, int chunks, int tileRows, int bands) {
        static Plan of(RowLayout layout, int minTasks) {
            int lanes = WinogradKernels.LANES;
            int tiles = (layout.end() - layout.first() + 1) / 2;
            int vectors = (tiles + lanes - 1) / lanes;
            int tileRows = (layout.height() + 1) / 2;
            int chunks = Math.max(1, vectors / CHUNK_VECTORS);
            int bands = Math.max((tileRows + BAND_TILE_ROWS - 1) / BAND_TILE_ROWS, (minTasks + chunks - 1) / chunks);
            return new Plan(vectors, chunks, tileRows, Math.min(tileRows, bands));
        }

        int tasks() {
            return chunks * bands;
        }

        int firstTile(int task) {
            return task % chunks * CHUNK_VECTORS * WinogradKernels.LANES;
        }

        /** Tiles of the task's chunk (a multiple of the lanes). */
        int count(int task) {
            int k = task % chunks;
            return ((k == chunks - 1 ? vectors : (k + 1) * CHUNK_VECTORS) - k * CHUNK_VECTORS) * WinogradKernels.LANES;
        }

        int firstTileRow(int task) {
            return tileRows * (task / chunks) / bands;
        }

        int endTileRow(int task) {
            return tileRows * (task / chunks + 1) / bands;
        }
    }

    /** U = G g G^T per output and input channel as [point][block of 8 outputs][input channel][output in block]. */
    private static float[] transformWeights(ConvLayer conv, WorkerPool pool) {
        int cin = conv.cin;
        int q = WinogradKernels.OUTPUTS;
        int blocks = conv.cout / q;
        float[] u = new float[POINTS * conv.cout * cin];
        pool.parallelFor(conv.cout, (worker, o) -> {
            double[] gg = new double[PATCH * FILTER];
            for (int i = 0; i < cin; i++) {
                for (int a = 0; a < PATCH; a++) { // G g
                    for (int kx = 0; kx < FILTER; kx++) {
                        double s = 0;
                        for (int ky = 0; ky < FILTER; ky++) s += G[a][ky] * conv.weight(o, i, ky, kx);
                        gg[a * FILTER + kx] = s;
                    }
                }
                for (int a = 0; a < PATCH; a++) { // (G g) G^T
                    for (int b = 0; b < PATCH; b++) {
                        double s = 0;
                        for (int kx = 0; kx < FILTER; kx++) s += gg[a * FILTER + kx] * G[b][kx];
                        u[(((a * PATCH + b) * blocks + o / q) * cin + i) * q + o % q] = (float) s;
                    }
                }
            }
        });
        return u;
    }

    /**
     * Input row r of every channel into the ring: its even and odd columns of the tiles [t0, t0 + count) (columns
     * first - 2 + 2 t0 on, zero past the row), then B^T along x. Rows outside the image are not held.
     */
    private static void ringRow(Canvas in, RowLayout layout, int cin, int r, int t0, int count, Work w) {
        int slot = Math.floorMod(r, PATCH);
        if (w.held[slot] == r || r < 0 || r >= layout.height()) return;
        int col = layout.first() - 2 + 2 * t0; // >= 0: the layout's pad is at least 2
        int n = count + WinogradKernels.LANES; // the patches of the last vector reach count + 1
        int inside = Math.max(0, Math.min(n, (layout.length() - col) / 2)); // both columns inside the row
        for (int c = 0; c < cin; c++) {
            WinogradKernels.split(in.row(c, r), col, w.even, w.odd, inside);
            Arrays.fill(w.even, inside, n, 0f);
            Arrays.fill(w.odd, inside, n, 0f);
            WinogradKernels.inputRow(w.even, w.odd, count, w.ring[c][slot]);
        }
        w.held[slot] = r;
    }

    /**
     * Floats between two points of w.v (input channels times tiles) or w.m: one vector more than the data, so that
     * the 36 points of a tile are not a multiple of 4 KiB apart (they would share a set of L1: the input transform,
     * which writes all 36, ran 2x slower with 64 channels of 96 tiles).
     */
    static int pointStride(int floats) {
        return floats + WinogradKernels.LANES;
    }

    /** The input transform of tile row tr, tiles [t0, t0 + count), every channel: w.v as [point][channel][tile]. */
    static void transformInput(Canvas in, RowLayout layout, int cin, int tr, int t0, int count, Work w) {
        int lanes = WinogradKernels.LANES;
        int h = layout.height();
        int vPoint = pointStride(cin * count);
        for (int j = 0; j < PATCH; j++) ringRow(in, layout, cin, 2 * tr - 2 + j, t0, count, w);
        for (int c = 0; c < cin; c++) {
            for (int j = 0; j < PATCH; j++) {
                int r = 2 * tr - 2 + j;
                w.rows[j] = r >= 0 && r < h ? w.ring[c][Math.floorMod(r, PATCH)] : w.zero;
            }
            for (int t = 0; t < count; t += lanes) WinogradKernels.inputColumns(w.rows, count, t, w.v, c * count + t, vPoint);
        }
    }

    /** Output rows 2 tr and 2 tr + 1 over tiles [t0, t0 + count) (count a multiple of the lanes). */
    private static void tiles(ConvLayer conv, float[] u, Canvas in, Canvas out, RowLayout layout, Epilogue epilogue,
            int tr, int t0, int count, Work w) {
        int lanes = WinogradKernels.LANES;
        int q = WinogradKernels.OUTPUTS;
        int cin = conv.cin;
        int blocks = conv.cout / q;
        int vectors = count / lanes;
        int h = layout.height();
        int vPoint = pointStride(cin * count); // v: [point][input channel][tile]
        int mPoint = pointStride(q * count); // m: [point][output in block][tile]
        int mode = switch (epilogue) { // WinogradKernels.store's
            case LINEAR -> 0;
            case RELU -> 1;
            case RELU_GRAD_IN_PLACE -> 2;
        };
        transformInput(in, layout, cin, tr, t0, count, w);
        for (int b = 0; b < blocks; b++) {
            for (int p = 0; p < POINTS; p++) {
                int vBase = p * vPoint;
                int uBase = (p * blocks + b) * cin * q;
                int mBase = p * mPoint;
                int k = 0;
                for (; k + 3 <= vectors; k += 3) {
                    WinogradKernels.product3(w.v, vBase + k * lanes, count, u, uBase, cin, w.m, mBase + k * lanes);
                }
                for (; k < vectors; k++) {
                    WinogradKernels.product1(w.v, vBase + k * lanes, count, u, uBase, cin, w.m, mBase + k * lanes);
                }
            }
            for (int oq = 0; oq < q; oq++) {
                int o = b * q + oq;
                float bias = conv.bias(o);
                float[] row0 = out.writable(o, 2 * tr);
                float[] row1 = 2 * tr + 1 < h ? out.writable(o, 2 * tr + 1) : null;
                for (int k = 0; k < vectors; k++) {
                    WinogradKernels.output(w.m, oq * count + k * lanes, mPoint, bias, w.tmp, w.y);
                    store(w.y, row0, row1, layout, epilogue, mode, t0 + k * lanes);
                }
            }
        }
        if (epilogue == Epilogue.RELU_GRAD_IN_PLACE) return; // padding and ends: the mask is zero there
        int from = layout.first();
        int to = layout.end();
        int a = from + 2 * t0;
        int z = Math.min(to, from + 2 * (t0 + count));
        for (int o = 0; o < conv.cout; o++) {
            for (int r = 2 * tr; r < Math.min(h, 2 * tr + 2); r++) {
                float[] row = out.writable(o, r);
                layout.clearPadding(row, a, z);
                if (t0 == 0) Arrays.fill(row, 0, from, 0f);
                if (z == to) Arrays.fill(row, to, row.length, 0f);
            }
        }
    }

    /**
     * The 2x2 outputs of {@link WinogradKernels#LANES} tiles from tile t into the rows, through the epilogue: as
     * vectors where all their columns lie before {@code layout.end()}, else one by one up to it.
     */
    private static void store(float[] y, float[] row0, float[] row1, RowLayout layout, Epilogue epilogue, int mode,
            int t) {
        int lanes = WinogradKernels.LANES;
        int from = layout.first();
        int to = layout.end();
        for (int dy = 0; dy < 2; dy++) {
            float[] row = dy == 0 ? row0 : row1;
            if (row == null) return; // the second row is past the image
            if (from + 2 * (t + lanes) <= to) {
                WinogradKernels.store(y, dy, row, from + 2 * t, mode);
                continue;
            }
            for (int dx = 0; dx < 2; dx++) {
                int at = (2 * dy + dx) * lanes;
                int col = from + 2 * t + dx;
                int count = Math.min(lanes, (to - col + 1) / 2);
                for (int l = 0; l < count; l++, col += 2) {
                    float v = y[at + l];
                    row[col] = switch (epilogue) {
                        case LINEAR -> v;
                        case RELU -> Math.max(v, 0f);
                        case RELU_GRAD_IN_PLACE -> Kernels.reluGrad(row[col], v);
                    };
                }
            }
        }
    }
}
