package dev.gpusr.cpu;

import java.util.Arrays;

/**
 * The weight gradient of a layer that {@link Winograd} runs, in the same transform (the transpose of its forward
 * map): for every tile, the input's B^T d B (as in the forward pass) and the output gradient's A dY A^T give, point
 * by point, dU = sum over tiles of (A dY A^T) .* (B^T d B) for each output and input channel; the filter gradient
 * is then G^T dU G. In exact arithmetic this is the direct sum over pixels of dY times the shifted input: the tiles
 * cover the image, and the output gradient is zero in the padding columns, past the last row and past the end of
 * the row. 64 multiplies per tile and channel pair instead of 400.
 *
 * <p>Sums: each of at most {@link #MAX_SLOTS} slots keeps float sums over the tiles of a fixed range of the
 * {@link Winograd.Plan}'s tasks (output channels in the lanes, {@link WinogradKernels#gradient12}); the slots are
 * added in float, in order, into the first slot, so that the result does not depend on the number of threads; the
 * filter transform G^T dU G then runs in double.
 */
final class WinogradGradient {
    /**
     * Tasks of the plan at least, whatever the number of threads (it fixes the float sums). 6 lets a step of 16
     * sub-images use up to 6 cores here; 12 (more cores) cost 2 cores about 1.5 ms of a 25 ms step in zeroing and
     * adding twice the float sums.
     */
    static final int MIN_TASKS = 6;
    /**
     * Float sums kept at most: each sums a fixed, contiguous range of tasks in order, so that memory stays bounded
     * for large training images (64 cin cout floats each: 512 KiB for 64 -> 32) and results stay independent of
     * the threads.
     */
    static final int MAX_SLOTS = 32;

    private final Winograd.Work[] work;
    private float[][] taskSums = new float[0][];
    /** {@link #finish}'s buffers. */
    private double[] du = new double[0];
    private double[] half = new double[0];
    private double[] filters = new double[0];
    /** The output gradient of four rows of a chunk's columns, pixel-major: [row][column][output channel]. */
    private float[][] pixelMajor;

    WinogradGradient(Winograd.Work[] work) {
        this.work = work;
        pixelMajor = new float[work.length][0];
    }

    /** Whether {@link #add} takes this layer on this layout. */
    static boolean applies(ConvLayer conv, RowLayout layout) {
        return Winograd.applies(conv, layout) && conv.cout % (2 * WinogradKernels.LANES) == 0;
    }

    /**
     * Adds the weight and bias gradients of {@code conv} to {@code sums[offset...]} (cout * cin * 25 weights in
     * PyTorch's order, then cout biases), given the output gradient {@code grad} and the layer input {@code in}
     * (both holding rows [0, height), zero in the padding columns).
     */
    void add(ConvLayer conv, Canvas grad, Canvas in, RowLayout layout, WorkerPool pool, double[] sums, int offset) {
        if (!applies(conv, layout)) throw new IllegalArgumentException("Winograd F(4x4, 5x5) does not take this layer");
        int cin = conv.cin;
        int cout = conv.cout;
        int points = Winograd.POINTS;
        Winograd.Plan plan = Winograd.Plan.of(layout, MIN_TASKS);
        int tasks = plan.tasks();
        int slots = Math.min(tasks, MAX_SLOTS);
        int size = points * cin * cout;
        if (taskSums.length < slots || taskSums[0].length < size) taskSums = new float[slots][size];
        pool.parallelFor(slots, (worker, slot) -> {
            float[] du = taskSums[slot];
            Arrays.fill(du, 0, size, 0f);
            Winograd.Work w = work[worker];
            for (int task = tasks * slot / slots; task < tasks * (slot + 1) / slots; task++) { // in order
                int count = plan.count(task);
                int t0 = plan.firstTile(task);
                w.size(Winograd.PATCH * Winograd.pointStride(cin * count), points * Winograd.pointStride(count * cout),
                        cin);
                int pixels = Winograd.TILE * Winograd.TILE * count * cout;
                if (pixelMajor[worker].length < pixels) pixelMajor[worker] = new float[pixels];
                for (int tr = plan.firstTileRow(task); tr < plan.endTileRow(task); tr++) {
                    Winograd.fillRing(in, layout, cin, tr, t0, count, w);
                    transformGradient(grad, layout, cout, tr, t0, count, pixelMajor[worker], w);
                    for (int x = 0; x < Winograd.PATCH; x++) { // a column of points at a time
                        Winograd.transformColumn(layout, cin, tr, count, x, w);
                        products(w, cin, cout, count, x, du);
                    }
                }
            }
        });
        finish(cin, cout, slots, pool, sums, offset);
        int biases = offset + cout * cin * Winograd.FILTER * Winograd.FILTER;
        pool.parallelFor(cout, (worker, o) -> { // padding columns hold zero gradient
            double bias = 0;
            for (int r = 0; r < layout.height(); r++) bias += Kernels.sum(grad.row(o, r), layout.first(), layout.end());
            sums[biases + o] += bias;
        });
    }

    /** A dY A^T of tile row tr, tiles [t0, t0 + count), output channels in the lanes: m as [point][tile][channel]. */
    private static void transformGradient(Canvas grad, RowLayout layout, int cout, int tr, int t0, int count,
            float[] pixels, Winograd.Work w) {
        int tile = Winograd.TILE;
        int col = layout.first() + tile * t0;
        int columns = tile * count;
        int inside = Math.max(0, Math.min(columns, layout.length() - col)); // past the row: zero gradient
        for (int dy = 0; dy < tile; dy++) {
            int r = tile * tr + dy;
            int base = dy * columns * cout;
            if (r >= layout.height()) {
                Arrays.fill(pixels, base, base + columns * cout, 0f);
                continue;
            }
            for (int o = 0; o < cout; o++) {
                float[] row = grad.row(o, r);
                for (int j = 0; j < inside; j++) pixels[base + j * cout + o] = row[col + j];
            }
            Arrays.fill(pixels, base + inside * cout, base + columns * cout, 0f);
        }
        WinogradKernels.gradOutput(pixels, count, cout, w.m, Winograd.pointStride(count * cout), w.tmp);
    }

    /** dU[point][input][output] += the tiles' products, for the points (y, x) of column x. */
    private static void products(Winograd.Work w, int cin, int cout, int count, int x, float[] du) {
        int vPoint = Winograd.pointStride(cin * count);
        int mPoint = Winograd.pointStride(count * cout);
        int g = WinogradKernels.GRADIENT_INPUTS;
        int pair = 2 * WinogradKernels.LANES;
        for (int y = 0; y < Winograd.PATCH; y++) {
            int p = y * Winograd.PATCH + x;
            for (int k = 0; k < cout; k += pair) {
                int c = 0;
                for (; c + g <= cin; c += g) {
                    WinogradKernels.gradient12(w.v, y * vPoint + c * count, count, w.m, p * mPoint + k, cout, count,
                            du, (p * cin + c) * cout + k);
                }
                for (; c + 4 <= cin; c += 4) {
                    WinogradKernels.gradient4(w.v, y * vPoint + c * count, count, w.m, p * mPoint + k, cout, count,
                            du, (p * cin + c) * cout + k);
                }
                for (; c < cin; c++) {
                    WinogradKernels.gradient1(w.v, y * vPoint + c * count, w.m, p * mPoint + k, cout, count, du,
                            (p * cin + c) * cout + k);
                }
            }
        }
    }

    /**
     * The slots' float sums added in order into the first (per point, in parallel), then in double G^T dU G for all
     * filters at once, each array as [row or point][input][output] so that the loops run over cin * cout values.
     */
    private void finish(int cin, int cout, int slots, WorkerPool pool, double[] sums, int offset) {
        int f = Winograd.FILTER;
        int patch = Winograd.PATCH;
        int n = cin * cout;
        if (du.length < Winograd.POINTS * n) du = new double[Winograd.POINTS * n];
        if (half.length < f * patch * n) half = new double[f * patch * n];
        if (filters.length < f * f * n) filters = new double[f * f * n];
        double[] dU = du;
        double[] g = filters; // G^T dU G: [ky][kx][i][o]
        float[] first = taskSums[0];
        pool.parallelFor(Winograd.POINTS, (worker, p) -> {
            for (int t = 1; t < slots; t++) WinogradKernels.add(taskSums[t], p * n, first, p * n, n);
            for (int j = p * n; j < (p + 1) * n; j++) dU[j] = first[j];
        });
        Winograd.sandwich(Winograd.GT, dU, half, g, n, pool);
        pool.parallelFor(cout, (worker, o) -> {
            for (int i = 0; i < cin; i++) {
                int base = offset + (o * cin + i) * f * f;
                for (int k = 0; k < f * f; k++) sums[base + k] += g[k * n + i * cout + o];
            }
        });
    }
}
