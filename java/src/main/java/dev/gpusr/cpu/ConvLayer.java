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

    /** Weight (o, i, ky, kx) in PyTorch's order. */
    float weight(int o, int i, int ky, int kx) {
        return weights[weightOffset + ((o * cin + i) * f + ky) * f + kx];
    }

    /** The bias of output channel o (0 without a bias). */
    float bias(int o) {
        return bias == null ? 0f : bias[biasOffset + o];
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

    /**
     * Use {@link VectorKernels} ({@link Simd#ENABLED}; tests switch it off to check both). Either way every output
     * is the same chain of fused multiply-adds.
     */
    boolean simd = Simd.ENABLED;

    private float[] packed;

    /**
     * The weights of each block of {@link VectorKernels#OUTPUTS} output channels as [block][tap][channel in block],
     * so that the vector kernel reads one block's weights for a tap from one place. Made on first use.
     */
    private synchronized float[] packed() {
        if (packed == null) {
            int k = taps();
            int q = VectorKernels.OUTPUTS;
            int blocks = cout / q;
            float[] p = new float[blocks * k * q];
            for (int b = 0; b < blocks; b++) {
                for (int t = 0; t < k; t++) {
                    for (int c = 0; c < q; c++) p[(b * k + t) * q + c] = weights[weightOffset + (b * q + c) * k + t];
                }
            }
            packed = p;
        }
        return packed;
    }

    /** Computes output rows [ra, rb) of {@code out} from {@code in}. */
    void forwardRows(Canvas in, Canvas out, RowLayout layout, int ra, int rb, Epilogue epilogue, Scratch s) {
        if (simd && cout >= VectorKernels.OUTPUTS && layout.end() - layout.first() >= VectorKernels.WIDTH) {
            vectorRows(in, out, layout, ra, rb, epilogue, s);
            return;
        }
        if (cout == 1 && f > 1) {
            singleOutputRows(in, out, layout, ra, rb, epilogue, s);
            return;
        }
        int k = taps();
        int from = layout.first();
        int to = layout.end();
        int length = layout.length();
        s.prepare(k, length);
        Scratch.ShiftRing ring = f > 1 ? s.ring(cin, f, length) : null;
        int chunk = tapChunk(length, chunkFloats);
        for (int r = ra; r < rb; r++) {
            int n = listForwardTaps(in, r, ring, s, from, to);
            if (n > chunk && cout > 1) {
                chunkedRow(out, r, epilogue, s, n, chunk, from, to, layout);
                continue;
            }
            for (int o = 0; o < cout; o++) {
                float[] dst = epilogue == Epilogue.RELU_GRAD_IN_PLACE ? s.row : out.writable(o, r);
                Arrays.fill(dst, from, to, bias == null ? 0f : bias[biasOffset + o]);
                accumulate(dst, s.tapRows, s.tapIndex, 0, n, weightOffset + o * k, from, to);
                finish(dst, out, o, r, epilogue, layout, from, to);
            }
            if (epilogue != Epilogue.RELU_GRAD_IN_PLACE) clearEnds(out, r, from, to);
        }
    }

    /**
     * The taps of output row r into {@code s.tapRows} / {@code s.tapIndex}: for each channel and filter row that
     * lies inside the image, the input row shifted by each kx - pad, in weight order. Returns their number.
     */
    private int listForwardTaps(Canvas in, int r, Scratch.ShiftRing ring, Scratch s, int from, int to) {
        float[][] tapRows = s.tapRows;
        int[] tapIndex = s.tapIndex;
        float[] zero = in.zero();
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
        return n;
    }

    /**
     * Rows through {@link VectorKernels#forward}: blocks of {@link VectorKernels#OUTPUTS} output channels read the
     * unshifted input rows at an offset per kx (the taps are listed over, since the scalar ones below list shifted
     * copies); the channels past the last whole block go through the scalar taps.
     * Per output the taps come in the same order as in the scalar path, so the floats are the same.
     */
    private void vectorRows(Canvas in, Canvas out, RowLayout layout, int ra, int rb, Epilogue epilogue, Scratch s) {
        int k = taps();
        int q = VectorKernels.OUTPUTS;
        int blocks = cout / q;
        int from = layout.first();
        int to = layout.end();
        int length = layout.length();
        float[] zero = in.zero();
        float[] weightBlocks = packed();
        s.prepare(k, length);
        float[][] taps = s.tapRows;
        int[] shift = s.tapShift;
        int[] index = s.tapIndex;
        Scratch.ShiftRing ring = f > 1 && blocks * q < cout ? s.ring(cin, f, length) : null;
        float[][] spare = epilogue == Epilogue.RELU_GRAD_IN_PLACE ? s.outputRows(cout, length) : null;
        float[][] dsts = s.rowRefs(cout);
        for (int r = ra; r < rb; r++) {
            int n = 0;
            for (int i = 0; i < cin; i++) {
                for (int ky = 0; ky < f; ky++) {
                    float[] base = in.row(i, r + ky - pad);
                    if (base == zero) continue; // zero padding rows contribute nothing
                    for (int kx = 0; kx < f; kx++) {
                        taps[n] = base;
                        shift[n] = kx - pad;
                        index[n++] = (i * f + ky) * f + kx;
                    }
                }
            }
            for (int o = 0; o < cout; o++) dsts[o] = spare != null ? spare[o] : out.writable(o, r);
            for (int c0 = from; c0 < to; c0 = nextTile(c0, to)) {
                int c1 = nextTile(c0, to);
                boolean wide = wideBlocks && c1 - c0 >= VectorKernels.WIDE;
                for (int b = 0; b < blocks; b++) {
                    if (wide) {
                        VectorKernels.forwardWide(taps, shift, index, n, weightBlocks, b * k * q, bias, biasOffset,
                                dsts, b * q, c0, c1);
                    } else {
                        VectorKernels.forward(taps, shift, index, n, weightBlocks, b * k * q, bias, biasOffset, dsts,
                                b * q, c0, c1);
                    }
                }
            }
            if (blocks * q < cout) {
                int count = listForwardTaps(in, r, ring, s, from, to); // shifted copies for the scalar kernels
                for (int o = blocks * q; o < cout; o++) {
                    Arrays.fill(dsts[o], from, to, bias == null ? 0f : bias[biasOffset + o]);
                    accumulate(dsts[o], taps, index, 0, count, weightOffset + o * k, from, to);
                }
            }
            for (int o = 0; o < cout; o++) finish(dsts[o], out, o, r, epilogue, layout, from, to);
            if (epilogue != Epilogue.RELU_GRAD_IN_PLACE) clearEnds(out, r, from, to);
        }
    }

    /**
     * Three vectors of columns per block where a tile is wide enough ({@link VectorKernels#forwardWide}); tests
     * switch it off to check the two-vector blocks on wide rows too. In alternating runs it was not slower and
     * probably a few per cent faster (a 9-5-5 step of 16 sub-images: 35.1-35.8 ms against 36.2-41.5 ms), within the
     * machine's noise.
     */
    boolean wideBlocks = true;

    /** Columns of one tile of {@link #vectorRows}: every block of channels runs over a tile before the next. */
    int vectorTile = VECTOR_TILE;

    static final int VECTOR_TILE = 256;

    /** The end of the tile that starts at c0: a whole tile unless less than two would be left. */
    private int nextTile(int c0, int to) {
        int tile = Math.max(vectorTile, VectorKernels.WIDTH);
        return to - c0 < 2 * tile ? to : c0 + tile;
    }

    /** Output rows a layer with one output channel computes together (their rows stay in L2 meanwhile). */
    static final int SINGLE_OUTPUT_BLOCK_ROWS = 32;

    /** {@link #SINGLE_OUTPUT_BLOCK_ROWS}; tests make blocks smaller than their images. */
    int singleOutputBlockRows = SINGLE_OUTPUT_BLOCK_ROWS;

    /**
     * Rows of a layer with one output channel (the last layer: 800 taps in 9-1-5 and 9-5-5). Its taps are all the
     * channels' shifted rows, too many to stay in cache from one output row to the next; so each input row is
     * shifted once per block of output rows and its f taps are added at once to the f output rows that read it,
     * while they are in L2. Each output still gets its taps in tap order (channel, then filter row, then column),
     * one fused multiply-add after another, so the sums are bit for bit those of the tap list.
     */
    private void singleOutputRows(Canvas in, Canvas out, RowLayout layout, int ra, int rb, Epilogue epilogue,
            Scratch s) {
        int from = layout.first();
        int to = layout.end();
        int length = layout.length();
        float[] zero = in.zero();
        s.prepare(f, length);
        float[][] taps = s.tapRows;
        int[] index = s.tapIndex;
        float[][] shifted = s.shiftRows(f, length);
        int block = singleOutputBlockRows;
        float[][] spare = s.outputRows(block, length);
        float[][] dsts = s.rowRefs(block);
        float b = bias == null ? 0f : bias[biasOffset];
        for (int r0 = ra; r0 < rb; r0 += block) {
            int r1 = Math.min(rb, r0 + block);
            for (int r = r0; r < r1; r++) {
                dsts[r - r0] = epilogue == Epilogue.RELU_GRAD_IN_PLACE ? spare[r - r0] : out.writable(0, r);
                Arrays.fill(dsts[r - r0], from, to, b);
            }
            for (int i = 0; i < cin; i++) {
                for (int u = r0 - pad; u < r1 + f - 1 - pad; u++) {
                    float[] base = in.row(i, u);
                    if (base == zero) continue; // zero padding rows contribute nothing
                    for (int kx = 0; kx < f; kx++) {
                        if (kx != pad) System.arraycopy(base, from + kx - pad, shifted[kx], from, to - from);
                        taps[kx] = kx == pad ? base : shifted[kx];
                    }
                    for (int ky = 0; ky < f; ky++) { // output row r reads input row u as its filter row ky
                        int r = u - ky + pad;
                        if (r < r0 || r >= r1) continue;
                        for (int kx = 0; kx < f; kx++) index[kx] = (i * f + ky) * f + kx;
                        accumulate(dsts[r - r0], taps, index, 0, f, weightOffset, from, to);
                    }
                }
            }
            for (int r = r0; r < r1; r++) {
                finish(dsts[r - r0], out, 0, r, epilogue, layout, from, to);
                if (epilogue != Epilogue.RELU_GRAD_IN_PLACE) clearEnds(out, r, from, to);
            }
        }
    }

    /**
     * A row whose taps would not stay in cache while every output channel streams them (e.g. 9-5-5's 1600 taps of
     * layer 2): the taps are taken in chunks, each chunk added to every output channel before the next. Each
     * output still gets its taps in the same order and in the same groups of four (chunks are multiples of four),
     * so the sums are bit for bit those of the unchunked loop.
     */
    private void chunkedRow(Canvas out, int r, Epilogue epilogue, Scratch s, int n, int chunk, int from, int to,
            RowLayout layout) {
        int k = taps();
        float[][] spare = s.outputRows(cout, layout.length());
        float[][] dsts = s.rowRefs(cout);
        for (int o = 0; o < cout; o++) {
            dsts[o] = epilogue == Epilogue.RELU_GRAD_IN_PLACE ? spare[o] : out.writable(o, r);
            Arrays.fill(dsts[o], from, to, bias == null ? 0f : bias[biasOffset + o]);
        }
        for (int c0 = 0; c0 < n; c0 += chunk) {
            int c1 = Math.min(n, c0 + chunk);
            for (int o = 0; o < cout; o++) accumulate(dsts[o], s.tapRows, s.tapIndex, c0, c1, weightOffset + o * k, from, to);
        }
        for (int o = 0; o < cout; o++) finish(dsts[o], out, o, r, epilogue, layout, from, to);
        if (epilogue != Epilogue.RELU_GRAD_IN_PLACE) clearEnds(out, r, from, to);
    }

    /** Taps per chunk for rows of {@code length}: a multiple of 4 whose rows fill about {@code floats}. */
    static int tapChunk(int length, int floats) {
        return Math.max(4, (floats / Math.max(1, length)) & ~3);
    }

    /** Floats of tap rows per chunk ({@link #CHUNK_FLOATS}; tests change it to compare chunked and whole rows). */
    int chunkFloats = CHUNK_FLOATS;

    /**
     * The tap rows one chunk may hold (32 KiB: they stay in a core's L1 data cache while every output channel reads
     * them, so the inner loop streams only its output row from L2; 256 KiB chunks in L2 ran about 1.3x slower).
     */
    static final int CHUNK_FLOATS = 1 << 13;

    private void finish(float[] dst, Canvas out, int o, int r, Epilogue epilogue, RowLayout layout, int from, int to) {
                switch (epilogue) {
                    case LINEAR -> layout.clearPadding(dst, from, to);
                    case RELU -> {
                        Kernels.relu(dst, from, to);
                        layout.clearPadding(dst, from, to);
                    }
                    case RELU_GRAD_IN_PLACE -> Kernels.reluGradInPlace(out.writable(o, r), dst, from, to);
                }
    }

    private void clearEnds(Canvas out, int r, int from, int to) {
        for (int o = 0; o < cout; o++) {
            float[] dst = out.writable(o, r);
            Arrays.fill(dst, 0, from, 0f);
            Arrays.fill(dst, to, dst.length, 0f);
        }
    }

    /** y += taps [t0, t1) (t0 a multiple of 4), in groups of four and then the rest. */
    private void accumulate(float[] y, float[][] x, int[] index, int t0, int n, int w0, int from, int to) {
        float[] w = weights;
        int t = t0;
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
    static final int GATHER_PIXELS = Long.SIZE; // one bit per pixel in a long

    /**
     * Adds this layer's weight and bias gradients over output rows [ra, rb) to {@code acc} (layout: cout*taps
     * weights in PyTorch order, then cout biases), given the output gradient {@code grad} (zero in padding
     * columns) and the layer input {@code in}.
     */
    void gradientRows(Canvas grad, Canvas in, RowLayout layout, int ra, int rb, double[] acc, Scratch s) {
        int k = taps();
        s.prepare(k + 16, layout.length());
        boolean outputLanes = outputLaneGradients();
        for (int r = ra; r < rb; r++) {
            int n = listTaps(in, r, s, outputLanes ? VectorKernels.GRADIENT_TAPS : 8);
            if (outputLanes) {
                outputLaneGradientRow(grad, layout, r, n, acc, s);
            } else if (!simd && cout >= GATHER_MIN_OUTPUTS) {
                gatheredGradientRow(grad, layout, r, n, acc, s);
            } else {
                dotGradientRow(grad, layout, r, n, acc, s);
            }
            for (int o = 0; o < cout; o++) { // padding columns hold zero gradient
                acc[cout * k + o] += Kernels.sum(grad.row(o, r), layout.first(), layout.end());
            }
        }
    }

    /**
     * The taps of output row r: tap t reads {@code tapRows[t][j + tapShift[t]]} for output column j and belongs
     * to weight {@code tapIndex[t]}. All cin*f*f taps are listed in weight order (rows outside the image are the
     * zero row), then dummy zero taps up to a multiple of {@code multiple} with index -1. Returns the number of real
     * taps.
     */
    private int listTaps(Canvas in, int r, Scratch s, int multiple) {
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
        for (int t = n; t % multiple != 0; t++) {
            tapRows[t] = in.zero();
            tapShift[t] = 0;
            tapIndex[t] = -1;
        }
        return n;
    }

    /**
     * Taps from which {@link #outputLaneGradientRow} runs (with whole blocks of output channels): 9-5-5's conv2
     * (1600 taps) took 1.5x less CPU time than with the dot products, its conv1 (81 taps, 64 outputs) 1.5x more.
     */
    static final int OUTPUT_LANE_MIN_TAPS = 128;

    /** Whether {@link #gradientRows} puts output channels in the lanes ({@link #outputLaneGradientRow}). */
    boolean outputLaneGradients() {
        return simd && cout % VectorKernels.GRADIENT_OUTPUTS == 0 && taps() >= OUTPUT_LANE_MIN_TAPS;
    }

    /** Pixels of one tile of {@link #outputLaneGradientRow}: its transposed gradient stays in L1 (32 KiB, 32 channels). */
    static final int GRADIENT_TILE = 256;

    /**
     * Weight gradients of one row through {@link VectorKernels#gradient}, output channels in the lanes: the gradient
     * of a tile of pixels is transposed to pixel-major order, then each block of output channels times each group of
     * taps runs over the tile's pixels, its sums held in registers. Each sum is the sequential chain of fused
     * multiply-adds over the row's columns, as in {@link #gatheredGradientRow} (which skips the zero gradients:
     * fma(0, x, y) is y), flushed to the double sums once per row.
     */
    private void outputLaneGradientRow(Canvas grad, RowLayout layout, int r, int n, double[] acc, Scratch s) {
        int k = taps();
        int q = VectorKernels.GRADIENT_OUTPUTS;
        int g = VectorKernels.GRADIENT_TAPS;
        float[][] x = s.tapRows;
        int[] sh = s.tapShift;
        int[] tapIndex = s.tapIndex;
        int from = layout.first();
        int to = layout.end();
        int padded = (n + g - 1) / g * g; // listTaps added zero taps up to here
        float[] eT = s.transposed(GRADIENT_TILE * cout);
        float[] sums = s.tapSums(padded * cout);
        Arrays.fill(sums, 0, padded * cout, 0f);
        for (int c0 = from; c0 < to; c0 += GRADIENT_TILE) {
            int c1 = Math.min(to, c0 + GRADIENT_TILE);
            for (int o = 0; o < cout; o++) {
                float[] e = grad.row(o, r);
                for (int j = c0; j < c1; j++) eT[(j - c0) * cout + o] = e[j];
            }
            for (int b = 0; b < cout; b += q) {
                for (int t = 0; t < padded; t += g) {
                    VectorKernels.gradient(eT, b, cout, x[t], sh[t], x[t + 1], sh[t + 1], x[t + 2], sh[t + 2],
                            x[t + 3], sh[t + 3], x[t + 4], sh[t + 4], x[t + 5], sh[t + 5], x[t + 6], sh[t + 6],
                            x[t + 7], sh[t + 7], x[t + 8], sh[t + 8], x[t + 9], sh[t + 9], sums, t * cout + b, cout,
                            c0, c1);
                }
            }
        }
        for (int t = 0; t < n; t++) {
            int idx = tapIndex[t];
            if (idx < 0) continue;
            for (int o = 0; o < cout; o++) acc[o * k + idx] += sums[t * cout + o];
        }
    }

    /**
     * Weight gradients of one row as vector work: the taps of each pixel of a block of columns are gathered into
     * one array, and each output channel adds gradient x taps of its pixels with a non-zero gradient (ReLU zeroes
     * about half, padding columns all) into a float row over the taps, flushed to the double sums once per row.
     */
    private void gatheredGradientRow(Canvas grad, RowLayout layout, int r, int n, double[] acc, Scratch s) {
        float[][] pixelTaps = s.pixelTaps(GATHER_PIXELS + 1, n); // the last one stays zero
        float[][] sums = s.gradientRows(cout, n);
        int[] live = s.live;
        for (int o = 0; o < cout; o++) Arrays.fill(sums[o], 0, n, 0f);
        int from = layout.first();
        int to = layout.end();
        for (int c0 = from; c0 < to; c0 += GATHER_PIXELS) {
            int count = Math.min(GATHER_PIXELS, to - c0);
            gatherPixels(pixelTaps, s.tapRows, n, c0, count);
            for (int o = 0; o < cout; o++) {
                float[] e = grad.row(o, r);
                int m = livePixels(e, c0, count, live);
                float[] y = sums[o];
                int q = 0;
                for (; q + 4 <= m; q += 4) {
                    int p0 = live[q], p1 = live[q + 1], p2 = live[q + 2], p3 = live[q + 3];
                    Kernels.axpy4Taps(y, pixelTaps[p0], e[c0 + p0], pixelTaps[p1], e[c0 + p1], pixelTaps[p2], e[c0 + p2],
                            pixelTaps[p3], e[c0 + p3], 0, n);
                }
                if (q < m) { // one to three left: fill the group of four with the zero pixel (adds 0 * 0)
                    int p0 = live[q];
                    int p1 = q + 1 < m ? live[q + 1] : GATHER_PIXELS;
                    int p2 = q + 2 < m ? live[q + 2] : GATHER_PIXELS;
                    Kernels.axpy4Taps(y, pixelTaps[p0], e[c0 + p0], pixelTaps[p1], p1 < GATHER_PIXELS ? e[c0 + p1] : 0f,
                            pixelTaps[p2], p2 < GATHER_PIXELS ? e[c0 + p2] : 0f, pixelTaps[GATHER_PIXELS], 0f, 0, n);
                }
            }
        }
        flushSums(sums, n, acc);
    }

    /** Adds the float sums of one row (taps [0, n) of each output channel) to the double sums. */
    private void flushSums(float[][] sums, int n, double[] acc) {
        int k = taps();
        for (int o = 0; o < cout; o++) {
            float[] y = sums[o];
            for (int t = 0; t < n; t++) acc[o * k + t] += y[t];
        }
    }

    /** The pixels of [c0, c0 + count) with a non-zero gradient in {@code e}, as offsets from c0 into live. */
    private static int livePixels(float[] e, int c0, int count, int[] live) {
        long nonZero = 0; // bit p: pixel p has a gradient (no branch: zeros are unpredictable)
        for (int p = 0; p < count; p++) nonZero |= (e[c0 + p] != 0f ? 1L : 0L) << p;
        int m = 0;
        while (nonZero != 0) {
            live[m++] = Long.numberOfTrailingZeros(nonZero);
            nonZero &= nonZero - 1;
        }
        return m;
    }

    /** The n taps of each pixel of [c0, c0 + count) into pixelTaps[p] (p from 0), from the listed tap rows. */
    private void gatherPixels(float[][] pixelTaps, float[][] tapRows, int n, int c0, int count) {
        if (f == 1) { // a transpose (pad is 0): four input rows at a time, each read along the block's pixels
            int t = 0;
            for (; t + 4 <= n; t += 4) {
                float[] x0 = tapRows[t], x1 = tapRows[t + 1], x2 = tapRows[t + 2], x3 = tapRows[t + 3];
                for (int p = 0; p < count; p++) {
                    float[] dst = pixelTaps[p];
                    int j = c0 + p;
                    dst[t] = x0[j];
                    dst[t + 1] = x1[j];
                    dst[t + 2] = x2[j];
                    dst[t + 3] = x3[j];
                }
            }
            for (; t < n; t++) {
                float[] x = tapRows[t];
                for (int p = 0; p < count; p++) pixelTaps[p][t] = x[c0 + p];
            }
        }
        for (int p = 0; p < count && f > 1; p++) { // taps come in runs of f from one input row
            float[] dst = pixelTaps[p];
            int j = c0 + p - pad;
            for (int t = 0; t < n; t += f) {
                float[] src = tapRows[t];
                for (int kx = 0; kx < f; kx++) dst[t + kx] = src[j + kx];
            }
        }
    }

    /**
     * Weight gradients of one row as dot products with 4x4 (or 1x8) accumulators: for few output channels, and for
     * all layers on the vector kernels (which keep partial sums per lane instead of gathering each pixel's taps).
     */
    private void dotGradientRow(Canvas grad, RowLayout layout, int r, int n, double[] acc, Scratch s) {
        int k = taps();
        float[][] tapRows = s.tapRows;
        int[] tapIndex = s.tapIndex;
        int[] tapShift = s.tapShift;
        float[] sums = s.sums;
        // whole rows in one call: the gradient is zero in the padding columns, so they add nothing
        int rowFrom = layout.first();
        int rowTo = layout.end();
        // vector kernels: whole vectors of columns, then the rest of the row through the scalar ones
        int vectorEnd = simd ? rowFrom + (rowTo - rowFrom) / VectorKernels.LANES * VectorKernels.LANES : rowFrom;
        float[] lanes = simd ? s.lanes(16 * VectorKernels.LANES) : null;
        int o = 0;
        for (; o + 4 <= cout; o += 4) {
            float[] e0 = grad.row(o, r), e1 = grad.row(o + 1, r), e2 = grad.row(o + 2, r), e3 = grad.row(o + 3, r);
            for (int t = 0; t < n; t += 4) {
                Arrays.fill(sums, 0, 16, 0f);
                if (simd) {
                    VectorKernels.dot4x4(e0, e1, e2, e3, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1],
                            tapRows[t + 2], tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], sums, lanes, rowFrom,
                            vectorEnd);
                }
                Kernels.dot4x4(e0, e1, e2, e3, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1],
                        tapRows[t + 2], tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], sums, vectorEnd, rowTo);
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
                if (simd) {
                    VectorKernels.dot1x8(e, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1], tapRows[t + 2],
                            tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], tapRows[t + 4], tapShift[t + 4],
                            tapRows[t + 5], tapShift[t + 5], tapRows[t + 6], tapShift[t + 6], tapRows[t + 7],
                            tapShift[t + 7], sums, lanes, rowFrom, vectorEnd);
                }
                Kernels.dot1x8(e, tapRows[t], tapShift[t], tapRows[t + 1], tapShift[t + 1], tapRows[t + 2],
                        tapShift[t + 2], tapRows[t + 3], tapShift[t + 3], tapRows[t + 4], tapShift[t + 4],
                        tapRows[t + 5], tapShift[t + 5], tapRows[t + 6], tapShift[t + 6], tapRows[t + 7],
                        tapShift[t + 7], sums, vectorEnd, rowTo);
                for (int b = 0; b < 8; b++) {
                    int idx = tapIndex[t + b];
                    if (idx >= 0) acc[o * k + idx] += sums[b];
                }
            }
        }
    }
}
