package dev.gpusr.cpu;

import dev.gpusr.cpu.ConvLayer.Epilogue;
import java.util.Arrays;

/**
 * A 5x5 'same' convolution as Winograd's minimal filtering F(4x4, 5x5) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): each 4x4 block of outputs (a tile) is computed from its 8x8 input patch as
 * A^T [sum over input channels of (G g G^T) .* (B^T d B)] A, which takes 64 multiplies per input channel where the
 * direct sum takes 400. The interpolation points are 0, 1, -1, 2, -2, 1/2, -1/2 and infinity; {@link #BT},
 * {@link #G} and {@link #AT} were derived with exact fractions, B^T's rows scaled to small integers and G's to
 * match.
 *
 * <p>Used by the CPU engine's training step for its 5x5 layers with many channels both ways (9-5-5's conv2 forward
 * and back to its input; {@link WinogradGradient} its weight gradient). On 2 cores a 9-5-5 step of 16 sub-images
 * takes 19.6-21.9 ms with F(4x4), against 28-32 ms with F(2x2) and 31-34 ms with the direct kernels, where C2 compiles
 * the vector kernels fully (on JDK 17 not in every JVM: BENCHMARKS.md, "Winograd F(4x4, 5x5) in CPU training
 * steps"). It is not exact like the direct kernels: its rounding scales with the magnitudes mixed in a tile's 8x8
 * patch, not with each output's own terms. {@code WinogradTest} bounds the error by 1e-5 of the largest sum of |w x|
 * among the outputs of a channel. Inference keeps the direct kernels. {@code -Dgpusr.cpu.winograd=off} turns it
 * off. The register blocks were chosen on AVX-512 (32 vector registers); with 16 (AVX2) the products spill, which was
 * not measured.
 *
 * <p>How it runs on a {@link RowLayout}: the zero columns between images are at least two wide, so the whole row
 * is one wide image to the convolution; tiles run along it from {@code layout.first()}, and the padding columns are
 * cleared afterwards as the direct kernels do. The work is split into chunks of tiles along the row times bands of
 * rows of tiles. A task walks down its band; each input row it reaches is split once into its four phases (columns
 * 4j + k) and transformed along x (a ring of eight rows per worker, which stays in L2), so that the eight columns of
 * consecutive tiles' patches are vectors at offsets 0 and 1 of those four. Then for each row of tiles: the input
 * transform of every channel,
 * a product per point (output channels times input channels times tiles, {@link WinogradKernels#product3}) and the
 * output transform with bias and epilogue.
 */
final class Winograd {
    /** Off with {@code -Dgpusr.cpu.winograd=off} (to compare, or if it were ever in doubt). */
    static final boolean ENABLED = Simd.ENABLED
            && !"off".equalsIgnoreCase(System.getProperty("gpusr.cpu.winograd", ""));

    static final int FILTER = 5;
    /** Outputs of a tile per dimension. */
    static final int TILE = 4;
    /** Input patch of a tile (4 outputs + 5 - 1) and points of the transform per dimension. */
    static final int PATCH = TILE + FILTER - 1;
    static final int POINTS = PATCH * PATCH;
    /** Layers with fewer input or output channels keep the direct kernels (the transforms would dominate). */
    static final int MIN_CHANNELS = 16;
    /**
     * Tiles per task: this many vectors, the last chunk of a row the rest (up to two more). For 64 channels the ring
     * of rows (768 KiB) and one column of the input transform (96 KiB) stay in L2. A
     * multiple of the three vectors of {@link WinogradKernels#product3}: with a third of the tiles in one-vector
     * blocks the product took 1.4x longer per tile.
     */
    static final int CHUNK_VECTORS = 3;
    /**
     * Rows of tiles per task at most. A band transforms four input rows more than its own along x, so training's
     * 33-row sub-images (9 rows of tiles) run as one band where there are tasks enough (with 2x2 tiles, one band
     * instead of bands of 6 tile rows made a 9-5-5 step of 16 about 6% faster on 2 cores).
     */
    static final int BAND_TILE_ROWS = 9;

    /**
     * B^T (input transform), one row per point 0, 1, -1, 2, -2, 1/2, -1/2, infinity: rows scaled to integers, those
     * of +-1/2 then divided by 16 (a power of two: exact).
     */
    static final double[][] BT = {
        {4, 0, -21, 0, 21, 0, -4, 0},
        {0, -4, -4, 17, 17, -4, -4, 0},
        {0, 4, -4, -17, 17, 4, -4, 0},
        {0, 2, 1, -10, -5, 8, 4, 0},
        {0, -2, 1, 10, -5, -8, 4, 0},
        {0, 4, 8, -5, -10, 1, 2, 0},
        {0, -4, 8, 5, -10, -1, 2, 0},
        {0, -4, 0, 21, 0, -21, 0, 4},
    };

    /** G (filter transform), rows divided by B^T's scale factors. */
    static final double[][] G = {
        {1 / 4.0, 0, 0, 0, 0},
        {1 / 18.0, 1 / 18.0, 1 / 18.0, 1 / 18.0, 1 / 18.0},
        {1 / 18.0, -1 / 18.0, 1 / 18.0, -1 / 18.0, 1 / 18.0},
        {1 / 360.0, 1 / 180.0, 1 / 90.0, 1 / 45.0, 2 / 45.0},
        {1 / 360.0, -1 / 180.0, 1 / 90.0, -1 / 45.0, 2 / 45.0},
        {16 / 45.0, 8 / 45.0, 4 / 45.0, 2 / 45.0, 1 / 45.0},
        {16 / 45.0, -8 / 45.0, 4 / 45.0, -2 / 45.0, 1 / 45.0},
        {0, 0, 0, 0, 1 / 4.0},
    };

    /** G^T, for the weight gradient's G^T dU G. */
    static final double[][] GT = transpose(G);

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
        return t;
    }

    /** A^T (output transform). */
    static final double[][] AT = {
        {1, 1, 1, 1, 1, 1, 1, 0},
        {0, 1, -1, 2, -2, 1 / 2.0, -1 / 2.0, 0},
        {0, 1, 1, 4, 4, 1 / 4.0, 1 / 4.0, 0},
        {0, 1, -1, 8, -8, 1 / 8.0, -1 / 8.0, 1},
    };

    /** Whether {@link #run} takes this layer on this layout. */
    static boolean applies(ConvLayer conv, RowLayout layout) {
        return applies(conv.f, conv.cin, conv.cout, layout.pad());
    }

    /** Whether {@link #run} takes an f x f layer of these channels on a layout with {@code pad} zero columns. */
    static boolean applies(int f, int cin, int cout, int pad) {
        return ENABLED && f == FILTER && cin >= MIN_CHANNELS && cout >= MIN_CHANNELS
                && cout % WinogradKernels.OUTPUTS == 0 && pad >= FILTER / 2;
    }

    /** The longest chunk in vectors, and one more for the patches' reach past it. */
    private static final int RING_VECTORS = 2 * CHUNK_VECTORS; // the last chunk has at most 2 CHUNK_VECTORS - 1

    private final Work[] work;
    /** {@link #transformWeights}' buffers. */
    private double[] filters = new double[0];
    private double[] half = new double[0];
    private double[] points = new double[0];
    private float[] u = new float[0];

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
        /** Ring rows: the eight x points of a row of the longest chunk's tiles. */
        static final int RING_FLOATS = PATCH * RING_VECTORS * WinogradKernels.LANES;
        final float[] zero = new float[RING_FLOATS];
        float[] v = new float[0];
        float[] m = new float[0];
        final float[] tmp = new float[4 * PATCH * WinogradKernels.LANES];
        final float[] y = new float[TILE * TILE * WinogradKernels.LANES];
        /** One input row's four phases (columns 4j + k). */
        final float[] p0 = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[] p1 = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[] p2 = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[] p3 = new float[RING_VECTORS * WinogradKernels.LANES];
        final float[][] rows = new float[PATCH][];
        /** The output rows of a row of tiles. */
        final float[][] out = new float[TILE][];
        /**
         * The ring: input row r of channel c along x (B^T times each tile's eight columns), [c][r mod 8][x point *
         * count + tile], while {@code held[r mod 8] == r}.
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
        if (!applies(conv, layout)) throw new IllegalArgumentException("Winograd F(4x4, 5x5) does not take this layer");
        Plan plan = Plan.of(layout, 2 * pool.threads()); // outputs do not depend on the plan: any split will do
        float[] u = transformWeights(conv, pool);
        pool.parallelFor(plan.tasks(), (worker, task) -> {
            Work w = work[worker];
            int count = plan.count(task);
            w.size(PATCH * pointStride(conv.cin * count), POINTS * pointStride(conv.cout * count),
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
            int tiles = (layout.end() - layout.first() + TILE - 1) / TILE;
            int vectors = (tiles + lanes - 1) / lanes;
            int tileRows = (layout.height() + TILE - 1) / TILE;
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

    /**
     * U = G g G^T per output and input channel as [point][block of 8 outputs][input channel][output in block], in
     * double. All filters at once, each array ordered as U's last three dimensions, so that every loop runs over
     * cin * cout contiguous values (as vectors); buffers are kept for the next call.
     */
    private float[] transformWeights(ConvLayer conv, WorkerPool pool) {
        int cin = conv.cin;
        int q = WinogradKernels.OUTPUTS;
        int n = cin * conv.cout;
        int taps = FILTER * FILTER;
        if (filters.length < taps * n) filters = new double[taps * n];
        if (half.length < PATCH * FILTER * n) half = new double[PATCH * FILTER * n];
        if (points.length < POINTS * n) points = new double[POINTS * n];
        if (u.length < POINTS * n) u = new float[POINTS * n];
        double[] g = filters; // [ky][kx][block][input][output in block]
        double[] uu = points; // G g G^T in double
        float[] out = u;
        pool.parallelFor(conv.cout, (worker, o) -> {
            int at = o / q * cin * q + o % q;
            for (int i = 0; i < cin; i++) {
                for (int k = 0; k < taps; k++) g[k * n + at + i * q] = conv.weight(o, i, k / FILTER, k % FILTER);
            }
        });
        sandwich(G, g, half, uu, n, pool);
        pool.parallelFor(POINTS, (worker, p) -> {
            for (int j = p * n; j < (p + 1) * n; j++) out[j] = (float) uu[j];
        });
        return out;
    }

    /**
     * {@code out = M in M^T} for n matrices at once, every array [row][column][n values]: {@code in} is k x k, M is
     * r x k, {@code out} r x r, {@code mid} (r x k x n) scratch. Both passes run as vector loops over the n values;
     * the weights' G g G^T here and the weight gradient's G^T dU G ({@link WinogradGradient}).
     */
    static void sandwich(double[][] m, double[] in, double[] mid, double[] out, int n, WorkerPool pool) {
        int r = m.length;
        int k = m[0].length;
        pool.parallelFor(r, (worker, a) -> { // M in
            Arrays.fill(mid, a * k * n, (a + 1) * k * n, 0);
            for (int j = 0; j < k; j++) {
                double c = m[a][j];
                if (c == 0) continue;
                for (int col = 0; col < k; col++) {
                    WinogradKernels.addScaled(c, in, (j * k + col) * n, mid, (a * k + col) * n, n);
                }
            }
        });
        pool.parallelFor(r * r, (worker, p) -> { // (M in) M^T
            int a = p / r;
            Arrays.fill(out, p * n, (p + 1) * n, 0);
            for (int col = 0; col < k; col++) {
                double c = m[p % r][col];
                if (c != 0) WinogradKernels.addScaled(c, mid, (a * k + col) * n, out, p * n, n);
            }
        });
    }

    /**
     * Input row r of every channel into the ring: the four phases of the tiles [t0, t0 + count) (columns
     * first - 2 + 4 t0 on, zero past the layout's row), then B^T along x. Rows outside the image are not held.
     */
    private static void ringRow(Canvas in, RowLayout layout, int cin, int r, int t0, int count, Work w) {
        int slot = Math.floorMod(r, PATCH);
        if (w.held[slot] == r || r < 0 || r >= layout.height()) return;
        int col = layout.first() - FILTER / 2 + TILE * t0; // >= 0: the layout's pad is at least 2
        int n = count + WinogradKernels.LANES; // the patches of the last vector reach count + 1
        for (int c = 0; c < cin; c++) {
            WinogradKernels.split(in.row(c, r), col, layout.length(), w.p0, w.p1, w.p2, w.p3, n);
            WinogradKernels.inputRow(w.p0, w.p1, w.p2, w.p3, count, w.ring[c][slot]);
        }
        w.held[slot] = r;
    }

    /**
     * Floats between two points of w.v (input channels times tiles) or w.m: one vector more than the data, so that
     * the points of a tile are not a multiple of 4 KiB apart (they would share a set of L1: with 2x2 tiles the input
     * transform, which writes all 36 points, ran 2x slower with 64 channels of 96 tiles).
     */
    static int pointStride(int floats) {
        return floats + WinogradKernels.LANES;
    }

    /** The ring rows that tile row tr's patches read over tiles [t0, t0 + count), every channel. */
    static void fillRing(Canvas in, RowLayout layout, int cin, int tr, int t0, int count, Work w) {
        for (int j = 0; j < PATCH; j++) ringRow(in, layout, cin, TILE * tr - FILTER / 2 + j, t0, count, w);
    }

    /**
     * Column x of the input transform of tile row tr (after {@link #fillRing}), every channel: the points (y, x)
     * for y in [0, 8) into w.v as [y][channel][tile], {@code pointStride(cin * count)} floats between two y.
     */
    static void transformColumn(RowLayout layout, int cin, int tr, int count, int x, Work w) {
        int lanes = WinogradKernels.LANES;
        int h = layout.height();
        int vPoint = pointStride(cin * count);
        for (int c = 0; c < cin; c++) {
            for (int j = 0; j < PATCH; j++) {
                int r = TILE * tr - FILTER / 2 + j;
                w.rows[j] = r >= 0 && r < h ? w.ring[c][Math.floorMod(r, PATCH)] : w.zero;
            }
            for (int t = 0; t < count; t += lanes) {
                WinogradKernels.inputColumn(w.rows, count, t, x, w.v, c * count + t, vPoint);
            }
        }
    }

    /** Output rows [4 tr, 4 tr + 4) over tiles [t0, t0 + count) (count a multiple of the lanes). */
    private static void tiles(ConvLayer conv, float[] u, Canvas in, Canvas out, RowLayout layout, Epilogue epilogue,
            int tr, int t0, int count, Work w) {
        int lanes = WinogradKernels.LANES;
        int q = WinogradKernels.OUTPUTS;
        int cin = conv.cin;
        int blocks = conv.cout / q;
        int vectors = count / lanes;
        int h = layout.height();
        int top = TILE * tr;
        int vPoint = pointStride(cin * count); // v: [y][input channel][tile], one column x of points at a time
        int mPoint = pointStride(conv.cout * count); // m: [point][output channel][tile]
        int mode = switch (epilogue) { // WinogradKernels.store's
            case LINEAR -> 0;
            case RELU -> 1;
            case RELU_GRAD_IN_PLACE -> 2;
        };
        float[][] rows = w.out;
        fillRing(in, layout, cin, tr, t0, count, w);
        for (int x = 0; x < PATCH; x++) { // a column of points at a time: its input transform stays in L2
            transformColumn(layout, cin, tr, count, x, w);
            for (int y = 0; y < PATCH; y++) {
                int p = y * PATCH + x;
                int vBase = y * vPoint;
                for (int b = 0; b < blocks; b++) {
                    int uBase = (p * blocks + b) * cin * q;
                    int mBase = p * mPoint + b * q * count;
                    int k = 0;
                    for (; k + 3 <= vectors; k += 3) {
                        WinogradKernels.product3(w.v, vBase + k * lanes, count, u, uBase, cin, w.m, mBase + k * lanes);
                    }
                    for (; k < vectors; k++) {
                        WinogradKernels.product1(w.v, vBase + k * lanes, count, u, uBase, cin, w.m, mBase + k * lanes);
                    }
                }
            }
        }
        for (int b = 0; b < blocks; b++) {
            for (int oq = 0; oq < q; oq++) {
                int o = b * q + oq;
                float bias = conv.bias(o);
                for (int dy = 0; dy < TILE; dy++) rows[dy] = top + dy < h ? out.writable(o, top + dy) : null;
                for (int k = 0; k < vectors; k++) {
                    WinogradKernels.output(w.m, o * count + k * lanes, mPoint, bias, w.tmp, w.y);
                    store(w.y, rows, layout, epilogue, mode, t0 + k * lanes);
                }
            }
        }
        if (epilogue == Epilogue.RELU_GRAD_IN_PLACE) return; // padding and ends: the mask is zero there
        int from = layout.first();
        int to = layout.end();
        int a = from + TILE * t0;
        int z = Math.min(to, from + TILE * (t0 + count));
        for (int o = 0; o < conv.cout; o++) {
            for (int r = top; r < Math.min(h, top + TILE); r++) {
                float[] row = out.writable(o, r);
                layout.clearPadding(row, a, z);
                if (t0 == 0) Arrays.fill(row, 0, from, 0f);
                if (z == to) Arrays.fill(row, to, row.length, 0f);
            }
        }
    }

    /**
     * The 4x4 outputs of {@link WinogradKernels#LANES} tiles from tile t into the rows (null past the image), through
     * the epilogue: as vectors where all their columns lie before {@code layout.end()}, else one by one up to it.
     */
    private static void store(float[] y, float[][] rows, RowLayout layout, Epilogue epilogue, int mode, int t) {
        int lanes = WinogradKernels.LANES;
        int from = layout.first();
        int to = layout.end();
        for (int dy = 0; dy < TILE; dy++) {
            float[] row = rows[dy];
            if (row == null) return; // this row and those below are past the image
            if (from + TILE * (t + lanes) <= to) {
                WinogradKernels.store(y, dy, row, from + TILE * t, mode);
                continue;
            }
            for (int dx = 0; dx < TILE; dx++) {
                int at = (TILE * dy + dx) * lanes;
                int col = from + TILE * t + dx;
                int count = Math.min(lanes, Math.max(0, (to - col + TILE - 1) / TILE));
                for (int l = 0; l < count; l++, col += TILE) {
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
