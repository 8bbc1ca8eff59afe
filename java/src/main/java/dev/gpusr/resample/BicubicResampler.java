package dev.gpusr.resample;

import dev.gpusr.model.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * MATLAB imresize(..., 'bicubic') for integer factors: Keys kernel a = -0.5, u = x/k + 0.5(1 - 1/k) (1-based),
 * antialiasing when shrinking, symmetric mirrored borders, output ceil(k * size), separable (rows first, i.e. the
 * vertical pass first as MATLAB does for equal factors). Planes are row-major float arrays.
 *
 * <p>Weights are computed in double and stored as float in {@link Contributions}, the one table both this CPU code
 * and the CUDA kernel use; sums are accumulated in double and the intermediate plane between the two passes is
 * float, as MATLAB's imresize does for single-precision images.
 */
public final class BicubicResampler {
    private BicubicResampler() {}

    /** Keys' cubic is zero beyond |x| = 2, so the unscaled kernel spans 4 samples. */
    private static final double KERNEL_WIDTH = 4.0;

    /** Output planes at least this large are computed by several threads; smaller ones are not worth the fork. */
    private static final long PARALLEL_MIN_OUTPUT = 1L << 16;

    /** Rows per parallel work item: large enough to amortise scheduling, small enough to balance two to 16 cores. */
    private static final int ROWS_PER_TASK = 16;

    /**
     * One dimension's resampling table (the single source both the CPU and the GPU kernel use): output i takes
     * {@code taps} inputs {@code index[i*taps + t]} (already mirrored into 0..inLength-1) with weights
     * {@code weight[i*taps + t]} (normalised to sum 1).
     */
    public record Contributions(int inLength, int outLength, int taps, int[] index, float[] weight) {
        public Contributions {
            if (inLength < 1 || outLength < 1 || taps < 1) {
                throw new IllegalArgumentException("contributions need positive lengths and taps, got in " + inLength
                        + ", out " + outLength + ", taps " + taps);
            }
            long cells = (long) outLength * taps;
            if (index.length != cells || weight.length != cells) {
                throw new IllegalArgumentException("contributions of " + outLength + " outputs x " + taps
                        + " taps need " + cells + " indices and weights, got " + index.length + " and " + weight.length);
            }
        }
    }

    /** Table for scaling a length by {@code scale} (k for enlarging, 1/k for shrinking), output ceil(scale * in). */
    public static Contributions contributions(int inLength, double scale) {
        if (inLength < 1) throw new IllegalArgumentException("length to resize must be >= 1, got " + inLength);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("resize scale must be a positive finite number, got " + scale);
        }
        // Integer factors and their reciprocals are done with the exact integer k: 1/k is not exact in binary, and
        // n * (1/k) or x / (1/k) computed from it can land a hair off an integer, moving the output length or
        // turning a kernel zero at |x| = 2 into a 1e-16 weight that would survive as an extra tap.
        long up = Math.round(scale);
        if (up >= 1 && scale == up) return contributions(inLength, inLength * up, up, 1);
        long down = Math.round(1.0 / scale);
        if (down >= 2 && Math.abs(down * scale - 1.0) < 1e-12) {
            return contributions(inLength, ceilDiv(inLength, down), 1, down);
        }
        // the small slack keeps a product like 30 * 0.1 = 3.0000000000000004 from growing the output by one
        long outLength = Math.max(1, (long) Math.ceil(inLength * scale - 1e-9));
        return contributions(inLength, outLength, scale, 1);
    }

    /**
     * The MATLAB contributions() computation for scale = numerator / denominator; integer factors pass (k, 1) or
     * (1, k) so that every quotient below is one correctly rounded division, as MATLAB's x / k is.
     */
    private static Contributions contributions(int inLength, long outLength, double numerator, double denominator) {
        if (outLength > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("resized length " + outLength + " is too large");
        }
        double scale = numerator / denominator;
        double inverse = denominator / numerator;
        boolean shrinking = scale < 1;
        double width = shrinking ? KERNEL_WIDTH * denominator / numerator : KERNEL_WIDTH;
        int candidates = (int) Math.ceil(width) + 2;
        int out = (int) outLength;
        double[] w = new double[Math.multiplyExact(out, candidates)];
        int[] firstIndex = new int[out];
        for (int i = 0; i < out; i++) {
            double u = (i + 1) * denominator / numerator + 0.5 * (1 - inverse);
            int left = (int) Math.floor(u - width / 2);
            firstIndex[i] = left;
            double sum = 0;
            for (int t = 0; t < candidates; t++) {
                double distance = u - (left + t);
                // shrinking stretches the kernel by 1/scale (antialiasing): h(x) = scale * f(scale * x)
                double h = shrinking ? scale * cubic(distance * numerator / denominator) : cubic(distance);
                w[i * candidates + t] = h;
                sum += h;
            }
            for (int t = 0; t < candidates; t++) w[i * candidates + t] /= sum;
        }
        // MATLAB drops a tap column only when it is zero in every row; keep the same columns so tables match.
        boolean[] kept = new boolean[candidates];
        int taps = 0;
        for (int t = 0; t < candidates; t++) {
            for (int i = 0; i < out && !kept[t]; i++) kept[t] = w[i * candidates + t] != 0;
            if (kept[t]) taps++;
        }
        int[] index = new int[out * taps];
        float[] weight = new float[out * taps];
        for (int i = 0; i < out; i++) {
            int column = 0;
            for (int t = 0; t < candidates; t++) {
                if (!kept[t]) continue;
                index[i * taps + column] = mirror(firstIndex[i] + t, inLength);
                weight[i * taps + column] = (float) w[i * candidates + t];
                column++;
            }
        }
        return new Contributions(inLength, out, taps, index, weight);
    }

    /** Tables kept for recent (length, factor) pairs: a bounded LRU, so a folder of varied sizes never grows it. */
    private static final int TABLE_CACHE_ENTRIES = 32;

    private static final java.util.Map<Long, Contributions> TABLES = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, Contributions> eldest) {
            return size() > TABLE_CACHE_ENTRIES;
        }
    };

    /** {@link #contributions(int, double)} for enlarging by the integer k, from a small LRU of recent tables. */
    public static Contributions enlargement(int inLength, int k) {
        if (k < 1) throw new IllegalArgumentException("upscale factor must be >= 1, got " + k);
        long key = (long) inLength << 8 | k;
        synchronized (TABLES) {
            Contributions c = TABLES.get(key);
            if (c != null) return c;
        }
        Contributions c = contributions(inLength, k);
        synchronized (TABLES) {
            TABLES.put(key, c);
        }
        return c;
    }

    /** How many tables the LRU holds now (for tests). */
    static int cachedTables() {
        synchronized (TABLES) {
            return TABLES.size();
        }
    }

    /** The lowest and highest input index (inclusive) that outputs {@code from} to {@code to - 1} read. */
    public static int[] inputSpan(Contributions t, int from, int to) {
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        int[] index = t.index();
        for (int i = from * t.taps(); i < to * t.taps(); i++) {
            lo = Math.min(lo, index[i]);
            hi = Math.max(hi, index[i]);
        }
        return new int[] {lo, hi};
    }

    /**
     * A rectangle of the output {@link #resize} would give, computed from a window of the input: output rows
     * [oy0, oy1) and columns [ox0, ox1) of the full image's tables, from the input rows [wy0, wy0 + wh) and columns
     * [wx0, wx0 + ww) held row-major in {@code window} (at {@code windowOffset}); the window must cover
     * {@link #inputSpan} of both ranges. Each output value is computed with exactly the arithmetic of the whole-image
     * resize (same taps, same order, same float intermediate), so tiles put together equal the whole result bit for
     * bit. Writes (oy1 - oy0) x (ox1 - ox0) values row-major into dst at dstOffset.
     */
    public static void resizeRegion(float[] window, int windowOffset, int wy0, int wx0, int wh, int ww,
            Contributions rows, Contributions columns, int oy0, int oy1, int ox0, int ox1, float[] dst,
            int dstOffset) {
        int[] ys = inputSpan(rows, oy0, oy1);
        int[] xs = inputSpan(columns, ox0, ox1);
        if (ys[0] < wy0 || ys[1] >= wy0 + wh || xs[0] < wx0 || xs[1] >= wx0 + ww) {
            throw new IllegalArgumentException("window rows " + wy0 + ".." + (wy0 + wh - 1) + ", columns " + wx0 + ".."
                    + (wx0 + ww - 1) + " do not cover the inputs " + ys[0] + ".." + ys[1] + " x " + xs[0] + ".."
                    + xs[1] + " the region needs");
        }
        int rowTaps = rows.taps(), colTaps = columns.taps();
        int[] rowIndex = rows.index(), colIndex = columns.index();
        float[] rowWeight = rows.weight(), colWeight = columns.weight();
        int regionWidth = ox1 - ox0;
        int x0 = xs[0], span = xs[1] - xs[0] + 1;
        double[] sum = new double[span];
        float[] row = new float[span];
        int[] fast = null;
        double[] fastWeight = null;
        if (colTaps == 4) {
            fast = new int[regionWidth];
            fastWeight = new double[regionWidth * 4];
            for (int x = 0; x < regionWidth; x++) {
                int cell = (ox0 + x) * 4;
                int b = colIndex[cell];
                boolean consecutive = colIndex[cell + 1] == b + 1 && colIndex[cell + 2] == b + 2
                        && colIndex[cell + 3] == b + 3;
                fast[x] = consecutive ? b - x0 : -1;
                for (int t = 0; t < 4; t++) fastWeight[x * 4 + t] = colWeight[cell + t];
            }
        }
        for (int y = oy0; y < oy1; y++) {
            Arrays.fill(sum, 0.0);
            for (int t = 0; t < rowTaps; t++) {
                double w = rowWeight[y * rowTaps + t];
                int from = windowOffset + (rowIndex[y * rowTaps + t] - wy0) * ww + (x0 - wx0);
                for (int x = 0; x < span; x++) sum[x] += w * window[from + x];
            }
            for (int x = 0; x < span; x++) row[x] = (float) sum[x];
            int out = dstOffset + (y - oy0) * regionWidth;
            if (fast != null) {
                // interior columns of a 4-tap table read 4 consecutive inputs: the same products, summed in the
                // same order, without the index table
                for (int x = 0; x < regionWidth; x++) {
                    int b = fast[x];
                    if (b < 0) {
                        double s = 0;
                        int cell = (ox0 + x) * 4;
                        for (int t = 0; t < 4; t++, cell++) s += (double) colWeight[cell] * row[colIndex[cell] - x0];
                        dst[out + x] = (float) s;
                    } else {
                        int c = x * 4;
                        double s = 0;
                        s += fastWeight[c] * row[b];
                        s += fastWeight[c + 1] * row[b + 1];
                        s += fastWeight[c + 2] * row[b + 2];
                        s += fastWeight[c + 3] * row[b + 3];
                        dst[out + x] = (float) s;
                    }
                }
                continue;
            }
            for (int x = ox0; x < ox1; x++) {
                double s = 0;
                int cell = x * colTaps;
                for (int t = 0; t < colTaps; t++, cell++) s += (double) colWeight[cell] * row[colIndex[cell] - x0];
                dst[out + x - ox0] = (float) s;
            }
        }
    }

    /** Keys' cubic convolution kernel with a = -0.5, written as MATLAB's imresize writes it. */
    static double cubic(double x) {
        double a = Math.abs(x);
        double a2 = a * a;
        double a3 = a2 * a;
        if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
        if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
        return 0;
    }

    /**
     * 0-based position of the 1-based index {@code oneBased} in the symmetric extension 1..n, n..1, 1..n, ...
     * (the edge sample repeats), as MATLAB's aux = [1:n, n:-1:1] lookup does.
     */
    static int mirror(int oneBased, int n) {
        int period = 2 * n;
        int m = Math.floorMod(oneBased - 1, period);
        return m < n ? m : period - 1 - m;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Enlarges a w x h plane by k: result (k*h) x (k*w). */
    public static float[] upscale(float[] plane, int width, int height, int k) {
        if (k < 1) throw new IllegalArgumentException("upscale factor must be >= 1, got " + k);
        return resize(plane, width, height, contributions(height, k), contributions(width, k));
    }

    /** Shrinks a w x h plane by k with antialiasing: result ceil(h/k) x ceil(w/k). */
    public static float[] downscale(float[] plane, int width, int height, int k) {
        if (k < 1) throw new IllegalArgumentException("downscale factor must be >= 1, got " + k);
        return resize(plane, width, height, contributions(height, 1.0 / k), contributions(width, 1.0 / k));
    }

    /**
     * Resizes a w x h plane with the given tables: {@code rows} maps the height (applied first, as MATLAB does for
     * equal factors), {@code columns} the width. Result is rows.outLength() x columns.outLength(), row-major.
     */
    public static float[] resize(float[] plane, int width, int height, Contributions rows, Contributions columns) {
        checkPlane(plane, width, height);
        if (rows.inLength() != height || columns.inLength() != width) {
            throw new IllegalArgumentException("tables for " + columns.inLength() + "x" + rows.inLength()
                    + " (w x h) do not fit a " + width + "x" + height + " plane");
        }
        float[] out = new float[Math.multiplyExact(rows.outLength(), columns.outLength())];
        boolean parallel = (long) rows.outLength() * Math.max(width, columns.outLength()) >= PARALLEL_MIN_OUTPUT;
        resizeInto(plane, 0, width, height, rows, columns, out, 0, parallel);
        return out;
    }

    /** Enlarges every plane of an NCHW tensor by k. */
    public static Tensor upscale(Tensor t, int k) {
        if (k < 1) throw new IllegalArgumentException("upscale factor must be >= 1, got " + k);
        return resizeTensor(t, contributions(t.h, k), contributions(t.w, k));
    }

    /** Shrinks every plane of an NCHW tensor by k with antialiasing: planes become ceil(h/k) x ceil(w/k). */
    public static Tensor downscale(Tensor t, int k) {
        if (k < 1) throw new IllegalArgumentException("downscale factor must be >= 1, got " + k);
        return resizeTensor(t, contributions(t.h, 1.0 / k), contributions(t.w, 1.0 / k));
    }

    private static Tensor resizeTensor(Tensor t, Contributions rows, Contributions columns) {
        Tensor out = new Tensor(t.n, t.c, rows.outLength(), columns.outLength());
        int planes = t.n * t.c;
        long perPlane = (long) rows.outLength() * Math.max(t.w, columns.outLength());
        boolean bigPlanes = perPlane >= PARALLEL_MIN_OUTPUT;
        IntStream ids = IntStream.range(0, planes);
        // Big planes parallelise inside each plane; many small ones are better spread over threads whole.
        if (!bigPlanes && planes > 1 && perPlane * planes >= PARALLEL_MIN_OUTPUT) ids = ids.parallel();
        ids.forEach(p -> resizeInto(t.data, p * t.planeSize(), t.w, t.h, rows, columns, out.data,
                p * out.planeSize(), bigPlanes));
        return out;
    }

    private static void checkPlane(float[] plane, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("plane size must be positive, got " + width + "x" + height);
        }
        if (plane.length != (long) width * height) {
            throw new IllegalArgumentException("plane has " + plane.length + " values, " + width + "x" + height
                    + " needs " + (long) width * height);
        }
    }

    /**
     * Vertical pass into a float intermediate (contiguous inner loop over columns), then horizontal pass (a short
     * gather per output pixel). Work is split into bands of output rows; each band reads only the input rows its
     * taps name, so bands are independent.
     */
    private static void resizeInto(float[] src, int srcOffset, int width, int height, Contributions rows,
            Contributions columns, float[] dst, int dstOffset, boolean parallel) {
        int outHeight = rows.outLength();
        int bands = (outHeight + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream ids = IntStream.range(0, bands);
        if (parallel && bands > 1) ids = ids.parallel();
        ids.forEach(band -> {
            int y0 = band * ROWS_PER_TASK;
            int y1 = Math.min(outHeight, y0 + ROWS_PER_TASK);
            double[] sum = new double[width];
            float[] row = new float[width];
            for (int y = y0; y < y1; y++) {
                verticalRow(src, srcOffset, width, rows, y, sum, row);
                horizontalRow(row, columns, dst, dstOffset + y * columns.outLength());
            }
        });
    }

    private static void verticalRow(float[] src, int srcOffset, int width, Contributions rows, int y, double[] sum,
            float[] row) {
        int taps = rows.taps();
        int[] index = rows.index();
        float[] weight = rows.weight();
        Arrays.fill(sum, 0.0);
        for (int t = 0; t < taps; t++) {
            double w = weight[y * taps + t];
            int from = srcOffset + index[y * taps + t] * width;
            for (int x = 0; x < width; x++) sum[x] += w * src[from + x];
        }
        for (int x = 0; x < width; x++) row[x] = (float) sum[x];
    }

    private static void horizontalRow(float[] row, Contributions columns, float[] dst, int dstOffset) {
        int taps = columns.taps();
        int[] index = columns.index();
        float[] weight = columns.weight();
        int outWidth = columns.outLength();
        for (int x = 0, cell = 0; x < outWidth; x++) {
            double s = 0;
            for (int t = 0; t < taps; t++, cell++) s += (double) weight[cell] * row[index[cell]];
            dst[dstOffset + x] = (float) s;
        }
    }
}
