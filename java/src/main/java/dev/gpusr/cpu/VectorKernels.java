package dev.gpusr.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops on {@code jdk.incubator.vector} (loaded only when {@link Simd#ENABLED}). C2 in JDK
 * 17 auto-vectorises a loop only when it stores to one array, so the scalar {@link Kernels} stream every output row
 * through memory once per four taps; here {@value #OUTPUTS} output channels times two vectors of columns stay in
 * registers over all taps and each weight is broadcast once per block.
 *
 * <p>The forward kernel gives every output exactly the fused multiply-adds of the scalar kernels in the same order
 * (one {@code fma} per tap, taps in weight order), so its results are bit for bit those of {@link Kernels}: its lanes
 * hold different columns, never parts of one sum. The weight-gradient dot products hold partial sums per lane
 * (columns j = l mod LANES), added in lane order at the end: fixed and independent of threads, but rounded in another
 * order than the scalar kernels' sequential sums.
 *
 * <p>Each vector that a loop carries must be carried by one loop only, the innermost: C2 in JDK 17 boxes vectors
 * that a nest of loops carries, and such code runs a hundred times slower.
 */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512, 8 with AVX2). */
    static final int LANES = S.length();
    /** Output channels one block holds in registers. */
    static final int OUTPUTS = 8;
    /** Columns one forward block holds: two vectors. */
    static final int WIDTH = 2 * LANES;

    /**
     * Output channels [o0, o0 + {@value #OUTPUTS}) of one row over columns [from, to) ({@code to - from >= WIDTH}):
     * {@code dst[o0 + q][j] = bias_q}, then for each tap t in [0, n) in order
     * {@code fma(packed[base + index[t] * OUTPUTS + q], taps[t][j + shift[t]], y)}. The last block of columns
     * overlaps the one before it (it recomputes the same values) so that there is no tail. One loop over a flat
     * tap list: C2 in JDK 17 boxes vectors that a nest of loops carries (a hundred times slower).
     */
    static void forward(float[][] taps, int[] shift, int[] index, int n, float[] packed, int base, float[] bias,
            int biasOffset, float[][] dst, int o0, int from, int to) {
        float b0 = bias == null ? 0f : bias[biasOffset + o0 + 0];
        float b1 = bias == null ? 0f : bias[biasOffset + o0 + 1];
        float b2 = bias == null ? 0f : bias[biasOffset + o0 + 2];
        float b3 = bias == null ? 0f : bias[biasOffset + o0 + 3];
        float b4 = bias == null ? 0f : bias[biasOffset + o0 + 4];
        float b5 = bias == null ? 0f : bias[biasOffset + o0 + 5];
        float b6 = bias == null ? 0f : bias[biasOffset + o0 + 6];
        float b7 = bias == null ? 0f : bias[biasOffset + o0 + 7];
        float[] d0 = dst[o0 + 0];
        float[] d1 = dst[o0 + 1];
        float[] d2 = dst[o0 + 2];
        float[] d3 = dst[o0 + 3];
        float[] d4 = dst[o0 + 4];
        float[] d5 = dst[o0 + 5];
        float[] d6 = dst[o0 + 6];
        float[] d7 = dst[o0 + 7];
        for (int j0 = from; j0 < to; j0 += WIDTH) {
            int j = Math.min(j0, to - WIDTH);
            FloatVector a00 = FloatVector.broadcast(S, b0), a01 = a00;
            FloatVector a10 = FloatVector.broadcast(S, b1), a11 = a10;
            FloatVector a20 = FloatVector.broadcast(S, b2), a21 = a20;
            FloatVector a30 = FloatVector.broadcast(S, b3), a31 = a30;
            FloatVector a40 = FloatVector.broadcast(S, b4), a41 = a40;
            FloatVector a50 = FloatVector.broadcast(S, b5), a51 = a50;
            FloatVector a60 = FloatVector.broadcast(S, b6), a61 = a60;
            FloatVector a70 = FloatVector.broadcast(S, b7), a71 = a70;
            for (int t = 0; t < n; t++) {
                float[] x = taps[t];
                int c = j + shift[t];
                int w = base + index[t] * OUTPUTS;
                FloatVector x0 = FloatVector.fromArray(S, x, c);
                FloatVector x1 = FloatVector.fromArray(S, x, c + LANES);
                FloatVector w0 = FloatVector.broadcast(S, packed[w + 0]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                FloatVector w1 = FloatVector.broadcast(S, packed[w + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                FloatVector w2 = FloatVector.broadcast(S, packed[w + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                FloatVector w3 = FloatVector.broadcast(S, packed[w + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                FloatVector w4 = FloatVector.broadcast(S, packed[w + 4]);
                a40 = x0.fma(w4, a40);
                a41 = x1.fma(w4, a41);
                FloatVector w5 = FloatVector.broadcast(S, packed[w + 5]);
                a50 = x0.fma(w5, a50);
                a51 = x1.fma(w5, a51);
                FloatVector w6 = FloatVector.broadcast(S, packed[w + 6]);
                a60 = x0.fma(w6, a60);
                a61 = x1.fma(w6, a61);
                FloatVector w7 = FloatVector.broadcast(S, packed[w + 7]);
                a70 = x0.fma(w7, a70);
                a71 = x1.fma(w7, a71);
            }
            a00.intoArray(d0, j);
            a01.intoArray(d0, j + LANES);
            a10.intoArray(d1, j);
            a11.intoArray(d1, j + LANES);
            a20.intoArray(d2, j);
            a21.intoArray(d2, j + LANES);
            a30.intoArray(d3, j);
            a31.intoArray(d3, j + LANES);
            a40.intoArray(d4, j);
            a41.intoArray(d4, j + LANES);
            a50.intoArray(d5, j);
            a51.intoArray(d5, j + LANES);
            a60.intoArray(d6, j);
            a61.intoArray(d6, j + LANES);
            a70.intoArray(d7, j);
            a71.intoArray(d7, j + LANES);
        }
    }

    /** Columns one wide forward block holds: three vectors. */
    static final int WIDE = 3 * LANES;

    /**
     * {@link #forward} with three vectors of columns per block (24 accumulators: three loads and eight broadcasts
     * per 24 fused multiply-adds instead of two and eight per 16), for rows of at least {@link #WIDE} columns. Each
     * output gets the same chain of fused multiply-adds as in {@link #forward}, so the floats are the same.
     */
    static void forwardWide(float[][] taps, int[] shift, int[] index, int n, float[] packed, int base, float[] bias,
            int biasOffset, float[][] dst, int o0, int from, int to) {
        float b0 = bias == null ? 0f : bias[biasOffset + o0 + 0];
        float b1 = bias == null ? 0f : bias[biasOffset + o0 + 1];
        float b2 = bias == null ? 0f : bias[biasOffset + o0 + 2];
        float b3 = bias == null ? 0f : bias[biasOffset + o0 + 3];
        float b4 = bias == null ? 0f : bias[biasOffset + o0 + 4];
        float b5 = bias == null ? 0f : bias[biasOffset + o0 + 5];
        float b6 = bias == null ? 0f : bias[biasOffset + o0 + 6];
        float b7 = bias == null ? 0f : bias[biasOffset + o0 + 7];
        float[] d0 = dst[o0 + 0];
        float[] d1 = dst[o0 + 1];
        float[] d2 = dst[o0 + 2];
        float[] d3 = dst[o0 + 3];
        float[] d4 = dst[o0 + 4];
        float[] d5 = dst[o0 + 5];
        float[] d6 = dst[o0 + 6];
        float[] d7 = dst[o0 + 7];
        for (int j0 = from; j0 < to; j0 += WIDE) {
            int j = Math.min(j0, to - WIDE);
            FloatVector a00 = FloatVector.broadcast(S, b0), a01 = a00, a02 = a00;
            FloatVector a10 = FloatVector.broadcast(S, b1), a11 = a10, a12 = a10;
            FloatVector a20 = FloatVector.broadcast(S, b2), a21 = a20, a22 = a20;
            FloatVector a30 = FloatVector.broadcast(S, b3), a31 = a30, a32 = a30;
            FloatVector a40 = FloatVector.broadcast(S, b4), a41 = a40, a42 = a40;
            FloatVector a50 = FloatVector.broadcast(S, b5), a51 = a50, a52 = a50;
            FloatVector a60 = FloatVector.broadcast(S, b6), a61 = a60, a62 = a60;
            FloatVector a70 = FloatVector.broadcast(S, b7), a71 = a70, a72 = a70;
            for (int t = 0; t < n; t++) {
                float[] x = taps[t];
                int c = j + shift[t];
                int w = base + index[t] * OUTPUTS;
                FloatVector x0 = FloatVector.fromArray(S, x, c);
                FloatVector x1 = FloatVector.fromArray(S, x, c + LANES);
                FloatVector x2 = FloatVector.fromArray(S, x, c + 2 * LANES);
                FloatVector w0 = FloatVector.broadcast(S, packed[w + 0]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                a02 = x2.fma(w0, a02);
                FloatVector w1 = FloatVector.broadcast(S, packed[w + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                a12 = x2.fma(w1, a12);
                FloatVector w2 = FloatVector.broadcast(S, packed[w + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                a22 = x2.fma(w2, a22);
                FloatVector w3 = FloatVector.broadcast(S, packed[w + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                a32 = x2.fma(w3, a32);
                FloatVector w4 = FloatVector.broadcast(S, packed[w + 4]);
                a40 = x0.fma(w4, a40);
                a41 = x1.fma(w4, a41);
                a42 = x2.fma(w4, a42);
                FloatVector w5 = FloatVector.broadcast(S, packed[w + 5]);
                a50 = x0.fma(w5, a50);
                a51 = x1.fma(w5, a51);
                a52 = x2.fma(w5, a52);
                FloatVector w6 = FloatVector.broadcast(S, packed[w + 6]);
                a60 = x0.fma(w6, a60);
                a61 = x1.fma(w6, a61);
                a62 = x2.fma(w6, a62);
                FloatVector w7 = FloatVector.broadcast(S, packed[w + 7]);
                a70 = x0.fma(w7, a70);
                a71 = x1.fma(w7, a71);
                a72 = x2.fma(w7, a72);
            }
            a00.intoArray(d0, j);
            a01.intoArray(d0, j + LANES);
            a02.intoArray(d0, j + 2 * LANES);
            a10.intoArray(d1, j);
            a11.intoArray(d1, j + LANES);
            a12.intoArray(d1, j + 2 * LANES);
            a20.intoArray(d2, j);
            a21.intoArray(d2, j + LANES);
            a22.intoArray(d2, j + 2 * LANES);
            a30.intoArray(d3, j);
            a31.intoArray(d3, j + LANES);
            a32.intoArray(d3, j + 2 * LANES);
            a40.intoArray(d4, j);
            a41.intoArray(d4, j + LANES);
            a42.intoArray(d4, j + 2 * LANES);
            a50.intoArray(d5, j);
            a51.intoArray(d5, j + LANES);
            a52.intoArray(d5, j + 2 * LANES);
            a60.intoArray(d6, j);
            a61.intoArray(d6, j + LANES);
            a62.intoArray(d6, j + 2 * LANES);
            a70.intoArray(d7, j);
            a71.intoArray(d7, j + LANES);
            a72.intoArray(d7, j + 2 * LANES);
        }
    }

    /**
     * Weight gradients as dot products with pixels in the lanes: {@code sums[4a + b] += sum over j in [from, end)
     * of e_a[j] * x_b[j + d_b]} ({@code end - from} a multiple of {@link #LANES}). Each of the 16 sums is kept as
     * one vector of partial sums (lane l adds the columns j = from + l (mod LANES) in order) and its lanes are then
     * added in lane order, so the result is fixed but not the sequential sum of the scalar {@link Kernels#dot4x4}.
     * {@code lanes} holds 16 * LANES floats of scratch.
     */
    static void dot4x4(float[] e0, float[] e1, float[] e2, float[] e3, float[] x0, int d0, float[] x1, int d1,
            float[] x2, int d2, float[] x3, int d3, float[] sums, float[] lanes, int from, int end) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int j = from; j < end; j += LANES) {
            FloatVector y0 = FloatVector.fromArray(S, x0, j + d0);
            FloatVector y1 = FloatVector.fromArray(S, x1, j + d1);
            FloatVector y2 = FloatVector.fromArray(S, x2, j + d2);
            FloatVector y3 = FloatVector.fromArray(S, x3, j + d3);
            FloatVector g0 = FloatVector.fromArray(S, e0, j);
            a00 = g0.fma(y0, a00);
            a01 = g0.fma(y1, a01);
            a02 = g0.fma(y2, a02);
            a03 = g0.fma(y3, a03);
            FloatVector g1 = FloatVector.fromArray(S, e1, j);
            a10 = g1.fma(y0, a10);
            a11 = g1.fma(y1, a11);
            a12 = g1.fma(y2, a12);
            a13 = g1.fma(y3, a13);
            FloatVector g2 = FloatVector.fromArray(S, e2, j);
            a20 = g2.fma(y0, a20);
            a21 = g2.fma(y1, a21);
            a22 = g2.fma(y2, a22);
            a23 = g2.fma(y3, a23);
            FloatVector g3 = FloatVector.fromArray(S, e3, j);
            a30 = g3.fma(y0, a30);
            a31 = g3.fma(y1, a31);
            a32 = g3.fma(y2, a32);
            a33 = g3.fma(y3, a33);
        }
        a00.intoArray(lanes, 0 * LANES);
        a01.intoArray(lanes, 1 * LANES);
        a02.intoArray(lanes, 2 * LANES);
        a03.intoArray(lanes, 3 * LANES);
        a10.intoArray(lanes, 4 * LANES);
        a11.intoArray(lanes, 5 * LANES);
        a12.intoArray(lanes, 6 * LANES);
        a13.intoArray(lanes, 7 * LANES);
        a20.intoArray(lanes, 8 * LANES);
        a21.intoArray(lanes, 9 * LANES);
        a22.intoArray(lanes, 10 * LANES);
        a23.intoArray(lanes, 11 * LANES);
        a30.intoArray(lanes, 12 * LANES);
        a31.intoArray(lanes, 13 * LANES);
        a32.intoArray(lanes, 14 * LANES);
        a33.intoArray(lanes, 15 * LANES);
        addLanes(sums, lanes, 16);
    }

    /**
     * {@link #dot4x4} for one gradient row against eight taps: {@code sums[b] += sum over j in [from, end) of
     * e[j] * x_b[j + d_b]}.
     */
    static void dot1x8(float[] e, float[] x0, int d0, float[] x1, int d1, float[] x2, int d2, float[] x3, int d3,
            float[] x4, int d4, float[] x5, int d5, float[] x6, int d6, float[] x7, int d7, float[] sums, float[] lanes,
            int from, int end) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int j = from; j < end; j += LANES) {
            FloatVector g = FloatVector.fromArray(S, e, j);
            a0 = g.fma(FloatVector.fromArray(S, x0, j + d0), a0);
            a1 = g.fma(FloatVector.fromArray(S, x1, j + d1), a1);
            a2 = g.fma(FloatVector.fromArray(S, x2, j + d2), a2);
            a3 = g.fma(FloatVector.fromArray(S, x3, j + d3), a3);
            a4 = g.fma(FloatVector.fromArray(S, x4, j + d4), a4);
            a5 = g.fma(FloatVector.fromArray(S, x5, j + d5), a5);
            a6 = g.fma(FloatVector.fromArray(S, x6, j + d6), a6);
            a7 = g.fma(FloatVector.fromArray(S, x7, j + d7), a7);
        }
        a0.intoArray(lanes, 0 * LANES);
        a1.intoArray(lanes, 1 * LANES);
        a2.intoArray(lanes, 2 * LANES);
        a3.intoArray(lanes, 3 * LANES);
        a4.intoArray(lanes, 4 * LANES);
        a5.intoArray(lanes, 5 * LANES);
        a6.intoArray(lanes, 6 * LANES);
        a7.intoArray(lanes, 7 * LANES);
        addLanes(sums, lanes, 8);
    }

    /** Output channels of one {@link #gradient} block: two vectors. */
    static final int GRADIENT_OUTPUTS = 2 * LANES;
    /** Taps of one {@link #gradient} call. */
    static final int GRADIENT_TAPS = 10;

    /**
     * Weight gradients with output channels in the lanes, for {@value #GRADIENT_TAPS} taps and the
     * {@link #GRADIENT_OUTPUTS} output channels of one block: for each column j in [from, to) in order,
     * {@code sums[sumBase + t * sumStride + q] = fma(e[eBase + (j - from) * eStride + q], x_t[j + s_t], ...)} where
     * {@code e} holds the output gradient transposed (pixel-major). Every sum is the sequential chain of fused
     * multiply-adds over the columns in order, continued from what {@code sums} holds: the same floats as a scalar
     * loop over the columns. The taps are broadcast from their rows (no unaligned vector loads), and the
     * {@code 2 * GRADIENT_TAPS} accumulators are carried by this one loop only.
     */
    static void gradient(float[] e, int eBase, int eStride, float[] x0, int s0, float[] x1, int s1, float[] x2, int s2,
            float[] x3, int s3, float[] x4, int s4, float[] x5, int s5, float[] x6, int s6, float[] x7, int s7,
            float[] x8, int s8, float[] x9, int s9, float[] sums, int sumBase, int sumStride, int from, int to) {
        FloatVector a00 = FloatVector.fromArray(S, sums, sumBase + 0 * sumStride);
        FloatVector a01 = FloatVector.fromArray(S, sums, sumBase + 0 * sumStride + LANES);
        FloatVector a10 = FloatVector.fromArray(S, sums, sumBase + 1 * sumStride);
        FloatVector a11 = FloatVector.fromArray(S, sums, sumBase + 1 * sumStride + LANES);
        FloatVector a20 = FloatVector.fromArray(S, sums, sumBase + 2 * sumStride);
        FloatVector a21 = FloatVector.fromArray(S, sums, sumBase + 2 * sumStride + LANES);
        FloatVector a30 = FloatVector.fromArray(S, sums, sumBase + 3 * sumStride);
        FloatVector a31 = FloatVector.fromArray(S, sums, sumBase + 3 * sumStride + LANES);
        FloatVector a40 = FloatVector.fromArray(S, sums, sumBase + 4 * sumStride);
        FloatVector a41 = FloatVector.fromArray(S, sums, sumBase + 4 * sumStride + LANES);
        FloatVector a50 = FloatVector.fromArray(S, sums, sumBase + 5 * sumStride);
        FloatVector a51 = FloatVector.fromArray(S, sums, sumBase + 5 * sumStride + LANES);
        FloatVector a60 = FloatVector.fromArray(S, sums, sumBase + 6 * sumStride);
        FloatVector a61 = FloatVector.fromArray(S, sums, sumBase + 6 * sumStride + LANES);
        FloatVector a70 = FloatVector.fromArray(S, sums, sumBase + 7 * sumStride);
        FloatVector a71 = FloatVector.fromArray(S, sums, sumBase + 7 * sumStride + LANES);
        FloatVector a80 = FloatVector.fromArray(S, sums, sumBase + 8 * sumStride);
        FloatVector a81 = FloatVector.fromArray(S, sums, sumBase + 8 * sumStride + LANES);
        FloatVector a90 = FloatVector.fromArray(S, sums, sumBase + 9 * sumStride);
        FloatVector a91 = FloatVector.fromArray(S, sums, sumBase + 9 * sumStride + LANES);
        for (int j = from, p = eBase; j < to; j++, p += eStride) {
            FloatVector g0 = FloatVector.fromArray(S, e, p);
            FloatVector g1 = FloatVector.fromArray(S, e, p + LANES);
            FloatVector w0 = FloatVector.broadcast(S, x0[j + s0]);
            a00 = g0.fma(w0, a00);
            a01 = g1.fma(w0, a01);
            FloatVector w1 = FloatVector.broadcast(S, x1[j + s1]);
            a10 = g0.fma(w1, a10);
            a11 = g1.fma(w1, a11);
            FloatVector w2 = FloatVector.broadcast(S, x2[j + s2]);
            a20 = g0.fma(w2, a20);
            a21 = g1.fma(w2, a21);
            FloatVector w3 = FloatVector.broadcast(S, x3[j + s3]);
            a30 = g0.fma(w3, a30);
            a31 = g1.fma(w3, a31);
            FloatVector w4 = FloatVector.broadcast(S, x4[j + s4]);
            a40 = g0.fma(w4, a40);
            a41 = g1.fma(w4, a41);
            FloatVector w5 = FloatVector.broadcast(S, x5[j + s5]);
            a50 = g0.fma(w5, a50);
            a51 = g1.fma(w5, a51);
            FloatVector w6 = FloatVector.broadcast(S, x6[j + s6]);
            a60 = g0.fma(w6, a60);
            a61 = g1.fma(w6, a61);
            FloatVector w7 = FloatVector.broadcast(S, x7[j + s7]);
            a70 = g0.fma(w7, a70);
            a71 = g1.fma(w7, a71);
            FloatVector w8 = FloatVector.broadcast(S, x8[j + s8]);
            a80 = g0.fma(w8, a80);
            a81 = g1.fma(w8, a81);
            FloatVector w9 = FloatVector.broadcast(S, x9[j + s9]);
            a90 = g0.fma(w9, a90);
            a91 = g1.fma(w9, a91);
        }
        a00.intoArray(sums, sumBase + 0 * sumStride);
        a01.intoArray(sums, sumBase + 0 * sumStride + LANES);
        a10.intoArray(sums, sumBase + 1 * sumStride);
        a11.intoArray(sums, sumBase + 1 * sumStride + LANES);
        a20.intoArray(sums, sumBase + 2 * sumStride);
        a21.intoArray(sums, sumBase + 2 * sumStride + LANES);
        a30.intoArray(sums, sumBase + 3 * sumStride);
        a31.intoArray(sums, sumBase + 3 * sumStride + LANES);
        a40.intoArray(sums, sumBase + 4 * sumStride);
        a41.intoArray(sums, sumBase + 4 * sumStride + LANES);
        a50.intoArray(sums, sumBase + 5 * sumStride);
        a51.intoArray(sums, sumBase + 5 * sumStride + LANES);
        a60.intoArray(sums, sumBase + 6 * sumStride);
        a61.intoArray(sums, sumBase + 6 * sumStride + LANES);
        a70.intoArray(sums, sumBase + 7 * sumStride);
        a71.intoArray(sums, sumBase + 7 * sumStride + LANES);
        a80.intoArray(sums, sumBase + 8 * sumStride);
        a81.intoArray(sums, sumBase + 8 * sumStride + LANES);
        a90.intoArray(sums, sumBase + 9 * sumStride);
        a91.intoArray(sums, sumBase + 9 * sumStride + LANES);
    }

    /** sums[k] += the LANES floats of lanes[k * LANES ...], added in lane order, for k in [0, count). */
    private static void addLanes(float[] sums, float[] lanes, int count) {
        for (int k = 0; k < count; k++) {
            float s = 0f;
            for (int l = 0; l < LANES; l++) s += lanes[k * LANES + l];
            sums[k] += s;
        }
    }
}
