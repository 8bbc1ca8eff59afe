package dev.gpusr.cpu;

import java.util.Arrays;

/**
 * One zero-padded 'same' convolution (cross-correlation, PyTorch layout {@code [cout][cin][f][f]}) evaluated row by
 * row on {@link Canvas}es. The same code runs the forward layers and, with transposed and flipped weights, the
 * backward pass to a layer's input.
 */
final class ConvLayer {
    /** What happens to a computed output row. */
    enum Epilogue {
        /** keep as is (the last layer) */
        LINEAR,
        /** max(0, v) (layers 1 and 2) */
        RELU,
        /**
         * the output canvas holds the activation the row feeds: overwrite it with the result where the activation
         * is positive and 0 elsewhere (the gradient through ReLU, written in place)
         */
        RELU_GRAD_IN_PLACE
    }

    /** Columns per block: the kernels' working set (taps and outputs of one block) stays in L2. */
    private static final int BLOCK_COLUMNS = 512;

    final int cin;
    final int cout;
    final int f;
    final int pad;
    private final float[] weights;
    private final int weightOffset;
    private final float[] bias;
    private final int biasOffset;

    /** {@code bias == null}: no bias. */
    ConvLayer(int cin, int cout, int f, float[] weights, int weightOffset, float[] bias, int biasOffset) {
        this.cin = cin;
        this.cout = cout;
        this.f = f;
        this.pad = f / 2;
        this.weights = weights;
        this.weightOffset = weightOffset;
        this.bias = bias;
        this.biasOffset = biasOffset;
    }

    /** Taps per output value. */
    int taps() {
        return cin * f * f;
    }

    /**
     * The layer that maps this layer's output gradient to its input gradient: weights {@code [cin][cout][f][f]}
     * flipped in both spatial directions, written into {@code into} (length cin*cout*f*f).
     */
    ConvLayer transposedFlipped(float[] into) {
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                for (int ky = 0; ky < f; ky++) {
                    for (int kx = 0; kx < f; kx++) {
                        into[((i * cout + o) * f + (f - 1 - ky)) * f + (f - 1 - kx)] =
                                weights[weightOffset + ((o * cin + i) * f + ky) * f + kx];
                    }
                }
            }
        }
        return new ConvLayer(cout, cin, f, into, 0, null, 0);
    }

    /** Computes output rows [ra, rb) of {@code out} from {@code in}. */
    void forwardRows(Canvas in, Canvas out, RowLayout layout, int ra, int rb, Epilogue epilogue, Scratch s) {
        int k = taps();
        int from = layout.first();
        int to = layout.end();
        int length = layout.length();
        float[] zero = in.zero();
        s.prepare(k, length);
        Scratch.ShiftRing ring = f > 1 ? s.ring(cin, f, length) : null;
        float[][] tapRows = s.tapRows;
        int[] tapIndex = s.tapIndex;
        for (int r = ra; r < rb; r++) {
            int n = 0;
            for (int i = 0; i < cin; i++) {
                for (int ky = 0; ky < f; ky++) {
                    int inRow = r + ky - pad;
                    float[] base = in.row(i, inRow);
                    if (base == zero) continue; // zero padding rows contribute nothing
                    for (int kx = 0; kx < f; kx++) {
                        tapRows[n] = kx == pad ? base : ring.get(i, inRow, kx, base, from, to);
                        tapIndex[n] = (i * f + ky) * f + kx;
                        n++;
                    }
                }
            }
            for (int a = from; a < to; a += BLOCK_COLUMNS) {
                int b = Math.min(to, a + BLOCK_COLUMNS);
                for (int o = 0; o < cout; o++) {
                    float[] dst = epilogue == Epilogue.RELU_GRAD_IN_PLACE ? s.row : out.writable(o, r);
                    Arrays.fill(dst, a, b, bias == null ? 0f : bias[biasOffset + o]);
                    accumulate(dst, tapRows, tapIndex, n, weightOffset + o * k, a, b);
                    switch (epilogue) {
                        case LINEAR -> layout.clearPadding(dst, a, b);
                        case RELU -> {
                            Kernels.relu(dst, a, b);
                            layout.clearPadding(dst, a, b);
                        }
                        case RELU_GRAD_IN_PLACE -> Kernels.reluGradInPlace(out.writable(o, r), dst, a, b);
                    }
                }
            }
            if (epilogue != Epilogue.RELU_GRAD_IN_PLACE) {
                for (int o = 0; o < cout; o++) {
                    float[] dst = out.writable(o, r);
                    Arrays.fill(dst, 0, from, 0f);
                    Arrays.fill(dst, to, dst.length, 0f);
                }
            }
        }
    }

    private void accumulate(float[] y, float[][] x, int[] index, int n, int w0, int from, int to) {
        float[] w = weights;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            Kernels.axpy4(y, x[t], w[w0 + index[t]], x[t + 1], w[w0 + index[t + 1]], x[t + 2], w[w0 + index[t + 2]],
                    x[t + 3], w[w0 + index[t + 3]], from, to);
        }
        switch (n - t) {
            case 3 -> Kernels.axpy3(y, x[t], w[w0 + index[t]], x[t + 1], w[w0 + index[t + 1]], x[t + 2],
                    w[w0 + index[t + 2]], from, to);
            case 2 -> Kernels.axpy2(y, x[t], w[w0 + index[t]], x[t + 1], w[w0 + index[t + 1]], from, to);
            case 1 -> Kernels.axpy1(y, x[t], w[w0 + index[t]], from, to);
            default -> { }
        }
    }

    /** Output channels from which the gathered-tap weight gradient beats the scalar dot products. */
    private static final int GATHER_MIN_OUTPUTS = 8;
    /** Pixels gathered at a time in the gathered-tap weight gradient. */
    static final int GATHER_PIXELS = 64;

    /**
     * Adds this layer's weight and bias gradients over output rows [ra, rb) to {@code acc} (layout: cout*taps
     * weights in PyTorch order, then cout biases), given the output gradient {@code grad} (zero in padding
     * columns) and the layer input {@code in}.
     */
    void gradientRows(Canvas grad, Canvas in, RowLayout layout, int ra, int rb, double[] acc, Scratch s) {
        int k = taps();
        s.prepare(k + 8, layout.length());
        for (int r = ra; r < rb; r++) {
            int n = listTaps(in, r, s);
            if (cout >= GATHER_MIN_OUTPUTS) {
                gatheredGradientRow(grad, layout, r, n, acc, s);
            } else {
                dotGradientRow(grad, layout, r, n, acc, s);
            }
            int items = layout.items();
            int width = layout.width();
            for (int o = 0; o < cout; o++) {
                float[] e = grad.row(o, r);
                double rowSum = 0;
                for (int g = 0; g < items; g++) {
                    int a = layout.column(g, 0);
                    rowSum += Kernels.sum(e, a, a + width);
                }
                acc[cout * k + o] += rowSum;
            }
        }
    }

    /**
     * The taps of output row r: tap t reads {@code tapRows[t][j + tapShift[t]]} for output column j and belongs
     * to weight {@code tapIndex[t]}. All cin*f*f taps are listed in weight order (rows outside the image are the
     * zero row), then dummy zero taps up to a multiple of 8 with index -1.
     */
    private int listTaps(Canvas in, int r, Scratch s) {
        float[][] tapRows = s.tapRows;
        int[] tapIndex = s.tapIndex;
        int[] tapShift = s.tapShift;
        int n = 0;
        for (int i = 0; i < cin; i++) {
            for (int ky = 0; ky < f; ky++) {
                float[] base = in.row(i, r + ky - pad);
                for (int kx = 0; kx < f; kx++) {
                    tapRows[n] = base;
                    tapShift[n] = kx - pad;
                    tapIndex[n] = n;
                    n++;
                }
            }
        }
        for (int t = n; t % 8 != 0; t++) {
            tapRows[t] = in.zero();
            tapShift[t] = 0;
            tapIndex[t] = -1;
        }
        return n;
    }

    /**
     * Weight gradients of one row as vector work: the taps of a pixel are gathered into one array, and each output
     * channel adds gradient x taps of its pixels with non-zero gradient (ReLU zeroes about half) into a float row
     * over the taps, flushed to the double sums once per row.
     */
    private void gatheredGradientRow(Canvas grad, RowLayout layout, int r, int n, double[] acc, Scratch s) {
        float[][] tapRows = s.tapRows;
        int[] tapShift = s.tapShift;
        float[][] pixelTaps = s.pixelTaps(GATHER_PIXELS, n);
        float[][] sums = s.gradientRows(cout, n);
        int[] columns = s.columns;
        int[] live = s.live;
        float[] liveGrad = s.liveGrad;
        for (int o = 0; o < cout; o++) java.util.Arrays.fill(sums[o], 0, n, 0f);
        int items = layout.items();
        int width = layout.width();
        int g = 0;
        int x = 0;
        while (g < items) {
            int count = 0;
            while (count < GATHER_PIXELS && g < items) {
                columns[count++] = layout.column(g, x);
                if (++x == width) {
                    x = 0;
                    g++;
                }
            }
            for (int p = 0; p < count; p++) { // taps come in runs of f from one input row
                float[] dst = pixelTaps[p];
                int j = columns[p] - pad;
                for (int t = 0; t < n; t += f) {
                    float[] src = tapRows[t];
                    for (int kx = 0; kx < f; kx++) dst[t + kx] = src[j + kx];
                }
            }
            for (int o = 0; o < cout; o++) {
                float[] e = grad.row(o, r);
                int m = 0;
                for (int p = 0; p < count; p++) { // branch-free: zero gradients (ReLU) are unpredictable
                    float v = e[columns[p]];
                    live[m] = p;
                    liveGrad[m] = v;
                    m += v != 0f ? 1 : 0;
                }
                float[] y = sums[o];
                int q = 0;
                for (; q + 4 <= m; q += 4) {
                    Kernels.axpy4(y, pixelTaps[live[q]], liveGrad[q], pixelTaps[live[q + 1]], liveGrad[q + 1],
                            pixelTaps[live[q + 2]], liveGrad[q + 2], pixelTaps[live[q + 3]], liveGrad[q + 3], 0, n);
                }
                switch (m - q) {
                    case 3 -> Kernels.axpy3(y, pixelTaps[live[q]], liveGrad[q], pixelTaps[live[q + 1]], liveGrad[q + 1],
                            pixelTaps[live[q + 2]], liveGrad[q + 2], 0, n);
                    case 2 -> Kernels.axpy2(y, pixelTaps[live[q]], liveGrad[q], pixelTaps[live[q + 1]], liveGrad[q + 1],
                            0, n);
                    case 1 -> Kernels.axpy1(y, pixelTaps[live[q]], liveGrad[q], 0, n);
                    default -> { }
                }
            }
        }
        int k = taps();
        for (int o = 0; o < cout; o++) {
            float[] y = sums[o];
            for (int t = 0; t < n; t++) acc[o * k + t] += y[t];
        }
    }

    /** Weight gradients of one row as scalar dot products with 4x4 (or 1x8) accumulators: for few output channels. */
    private void dotGradientRow(Canvas grad, RowLayout layout, int r, int n, double[] acc, Scratch s) {
        int k = taps();
        float[][] tapRows = s.tapRows;
        int[] tapIndex = s.tapIndex;
        int[] tapShift = s.tapShift;
        float[] sums = s.sums;
        int items = layout.items();
        int width = layout.width();
        int o = 0;
        for (; o + 4 <= cout; o += 4) {
            float[] e0 = grad.row(o, r), e1 = grad.row(o + 1, r), e2 = grad.row(o + 2, r), e3 = grad.row(o + 3, r);
            for (int t = 0; t < n; t += 4) {
                Arrays.fill(sums, 0, 16, 0f);
                for (int g = 0; g < items; g++) {
                    int a = layout.column(g, 0);
                    Kernels.dot4x4(e0, e1, e2, e3, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1],
                            tapRows[t + 2], tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], sums, a, a + width);
                }
                for (int q = 0; q < 4; q++) {
                    int base = (o + q) * k;
                    for (int b = 0; b < 4; b++) {
                        int idx = tapIndex[t + b];
                        if (idx >= 0) acc[base + idx] += sums[4 * q + b];
                    }
                }
            }
        }
        for (; o < cout; o++) {
            float[] e = grad.row(o, r);
            for (int t = 0; t < n; t += 8) {
                Arrays.fill(sums, 0, 8, 0f);
                for (int g = 0; g < items; g++) {
                    int a = layout.column(g, 0);
                    Kernels.dot1x8(e, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1], tapRows[t + 2],
                            tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], tapRows[t + 4], tapShift[t + 4],
                            tapRows[t + 5], tapShift[t + 5], tapRows[t + 6], tapShift[t + 6], tapRows[t + 7],
                            tapShift[t + 7], sums, a, a + width);
                }
                for (int b = 0; b < 8; b++) {
                    int idx = tapIndex[t + b];
                    if (idx >= 0) acc[o * k + idx] += sums[b];
                }
            }
        }
    }
}
