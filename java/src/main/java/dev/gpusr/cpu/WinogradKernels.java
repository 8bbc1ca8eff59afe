package dev.gpusr.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of {@link Winograd} (F(4x4, 5x5)); loaded only when {@link Simd#ENABLED}. Tiles sit in the lanes:
 * lane l of a vector at tile t belongs to tile t + l. As in {@link VectorKernels}, no loop carries a vector except
 * the innermost one (C2 in JDK 17 boxes vectors that a nest of loops carries).
 *
 * <p>The transforms are those of {@link Winograd#BT} (input) and {@link Winograd#AT} (output), written out with
 * their even and odd halves (the points come in pairs +a, -a), so that they cost adds and small multiples, not an
 * 8x8 product.
 */
final class WinogradKernels {
    private WinogradKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Tiles per vector. */
    static final int LANES = S.length();
    /** Output channels one product block holds in registers. */
    static final int OUTPUTS = 8;

    // Two-vector rearranges are not intrinsics in JDK 17 (4-7x slower here): each vector is permuted alone and the
    // results are blended. A tile is 4 columns wide, so a row splits into 4 phases (columns 4j + k) and the output
    // interleaves 4 of them; the lanes split into quarters, as vectors hold a multiple of 4 floats.
    private static final int QUARTER = LANES / 4;
    /** Phase k of four vectors: lane j from lane (4 j + k) mod LANES of vector j / QUARTER. */
    private static final VectorShuffle<Float> PHASE0 = VectorShuffle.fromOp(S, j -> 4 * j % LANES);
    private static final VectorShuffle<Float> PHASE1 = VectorShuffle.fromOp(S, j -> (4 * j + 1) % LANES);
    private static final VectorShuffle<Float> PHASE2 = VectorShuffle.fromOp(S, j -> (4 * j + 2) % LANES);
    private static final VectorShuffle<Float> PHASE3 = VectorShuffle.fromOp(S, j -> (4 * j + 3) % LANES);
    /** Lanes of quarter q (from vector q of four). */
    private static final VectorMask<Float> QUARTER1 = quarter(1);
    private static final VectorMask<Float> QUARTER2 = quarter(2);
    private static final VectorMask<Float> QUARTER3 = quarter(3);
    /** Interleaving 4 phases into output vector s: lane i from lane (s LANES + i) / 4 of phase i mod 4. */
    private static final VectorShuffle<Float> ZIP0 = VectorShuffle.fromOp(S, i -> i / 4);
    private static final VectorShuffle<Float> ZIP1 = VectorShuffle.fromOp(S, i -> (LANES + i) / 4);
    private static final VectorShuffle<Float> ZIP2 = VectorShuffle.fromOp(S, i -> (2 * LANES + i) / 4);
    private static final VectorShuffle<Float> ZIP3 = VectorShuffle.fromOp(S, i -> (3 * LANES + i) / 4);
    /** Lanes i with i mod 4 == k. */
    private static final VectorMask<Float> MOD1 = residue(1);
    private static final VectorMask<Float> MOD2 = residue(2);
    private static final VectorMask<Float> MOD3 = residue(3);

    private static VectorMask<Float> quarter(int q) {
        boolean[] bits = new boolean[LANES];
        for (int j = 0; j < LANES; j++) bits[j] = j / QUARTER == q;
        return VectorMask.fromArray(S, bits, 0);
    }

    private static VectorMask<Float> residue(int k) {
        boolean[] bits = new boolean[LANES];
        for (int i = 0; i < LANES; i++) bits[i] = i % 4 == k;
        return VectorMask.fromArray(S, bits, 0);
    }

    /**
     * {@code pk[j] = row[col + 4j + k]} for k in [0, 4) and j in [0, n), zero where {@code col + 4j + k >= limit}
     * (the row may be longer than the layout and hold anything past it): whole vectors while they lie before the
     * limit, then one by one.
     */
    static void split(float[] row, int col, int limit, float[] p0, float[] p1, float[] p2, float[] p3, int n) {
        int j = 0;
        for (; j + LANES <= n && col + 4 * (j + LANES) <= limit; j += LANES) {
            int at = col + 4 * j;
            FloatVector a = FloatVector.fromArray(S, row, at);
            FloatVector b = FloatVector.fromArray(S, row, at + LANES);
            FloatVector c = FloatVector.fromArray(S, row, at + 2 * LANES);
            FloatVector d = FloatVector.fromArray(S, row, at + 3 * LANES);
            a.rearrange(PHASE0).blend(b.rearrange(PHASE0), QUARTER1).blend(c.rearrange(PHASE0), QUARTER2)
                    .blend(d.rearrange(PHASE0), QUARTER3).intoArray(p0, j);
            a.rearrange(PHASE1).blend(b.rearrange(PHASE1), QUARTER1).blend(c.rearrange(PHASE1), QUARTER2)
                    .blend(d.rearrange(PHASE1), QUARTER3).intoArray(p1, j);
            a.rearrange(PHASE2).blend(b.rearrange(PHASE2), QUARTER1).blend(c.rearrange(PHASE2), QUARTER2)
                    .blend(d.rearrange(PHASE2), QUARTER3).intoArray(p2, j);
            a.rearrange(PHASE3).blend(b.rearrange(PHASE3), QUARTER1).blend(c.rearrange(PHASE3), QUARTER2)
                    .blend(d.rearrange(PHASE3), QUARTER3).intoArray(p3, j);
        }
        for (; j < n; j++) {
            int at = col + 4 * j;
            p0[j] = at < limit ? row[at] : 0f;
            p1[j] = at + 1 < limit ? row[at + 1] : 0f;
            p2[j] = at + 2 < limit ? row[at + 2] : 0f;
            p3[j] = at + 3 < limit ? row[at + 3] : 0f;
        }
    }

    /**
     * Output row dy of {@link #LANES} tiles from {@link #output}'s {@code y} into {@code row} at col (4 LANES
     * columns, inside the row): as they are ({@code mode} 0), through a ReLU (1), or where the activation the row
     * holds is positive and 0 elsewhere (2, as {@link Kernels#reluGrad}).
     */
    static void store(float[] y, int dy, float[] row, int col, int mode) {
        int at = 4 * dy * LANES;
        FloatVector y0 = FloatVector.fromArray(S, y, at);
        FloatVector y1 = FloatVector.fromArray(S, y, at + LANES);
        FloatVector y2 = FloatVector.fromArray(S, y, at + 2 * LANES);
        FloatVector y3 = FloatVector.fromArray(S, y, at + 3 * LANES);
        FloatVector s0 = y0.rearrange(ZIP0).blend(y1.rearrange(ZIP0), MOD1).blend(y2.rearrange(ZIP0), MOD2)
                .blend(y3.rearrange(ZIP0), MOD3);
        FloatVector s1 = y0.rearrange(ZIP1).blend(y1.rearrange(ZIP1), MOD1).blend(y2.rearrange(ZIP1), MOD2)
                .blend(y3.rearrange(ZIP1), MOD3);
        FloatVector s2 = y0.rearrange(ZIP2).blend(y1.rearrange(ZIP2), MOD1).blend(y2.rearrange(ZIP2), MOD2)
                .blend(y3.rearrange(ZIP2), MOD3);
        FloatVector s3 = y0.rearrange(ZIP3).blend(y1.rearrange(ZIP3), MOD1).blend(y2.rearrange(ZIP3), MOD2)
                .blend(y3.rearrange(ZIP3), MOD3);
        if (mode == 1) {
            s0 = s0.max(0f);
            s1 = s1.max(0f);
            s2 = s2.max(0f);
            s3 = s3.max(0f);
        } else if (mode == 2) { // 1 where the activation is positive, else 0 (no compare: masks cost more here)
            s0 = FloatVector.fromArray(S, row, col).mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(s0);
            s1 = FloatVector.fromArray(S, row, col + LANES).mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(s1);
            s2 = FloatVector.fromArray(S, row, col + 2 * LANES).mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(s2);
            s3 = FloatVector.fromArray(S, row, col + 3 * LANES).mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(s3);
        }
        s0.intoArray(row, col);
        s1.intoArray(row, col + LANES);
        s2.intoArray(row, col + 2 * LANES);
        s3.intoArray(row, col + 3 * LANES);
    }

    /**
     * The input transform's first half, B^T along one input row, for tiles [0, count) (a multiple of the lanes):
     * column 4t + i of tile t's patch is {@code pk[t + i / 4]} with k = i mod 4 ({@link #split}'s phases); x point
     * k of tile t goes to {@code x[k * count + t]}.
     */
    static void inputRow(float[] p0, float[] p1, float[] p2, float[] p3, int count, float[] x) {
        int n = count;
        for (int t = 0; t < count; t += LANES) {
            FloatVector d0 = FloatVector.fromArray(S, p0, t);
            FloatVector d1 = FloatVector.fromArray(S, p1, t);
            FloatVector d2 = FloatVector.fromArray(S, p2, t);
            FloatVector d3 = FloatVector.fromArray(S, p3, t);
            FloatVector d4 = FloatVector.fromArray(S, p0, t + 1);
            FloatVector d5 = FloatVector.fromArray(S, p1, t + 1);
            FloatVector d6 = FloatVector.fromArray(S, p2, t + 1);
            FloatVector d7 = FloatVector.fromArray(S, p3, t + 1);
            // rows of B^T: 4 0 -21 0 21 0 -4 0; 0 -+4 -4 +-17 17 -+4 -4 0; 0 +-2 1 -+10 -5 +-8 4 0;
            // 0 +-4 8 -+5 -10 +-1 2 0; 0 -4 0 21 0 -21 0 4 (even part + or - odd part for the pairs)
            FloatVector e1 = d4.mul(17f).sub(d2.add(d6).mul(4f));
            FloatVector o1 = d3.mul(17f).sub(d1.add(d5).mul(4f));
            FloatVector e2 = d2.sub(d4.mul(5f)).add(d6.mul(4f));
            FloatVector o2 = d1.mul(2f).sub(d3.mul(10f)).add(d5.mul(8f));
            FloatVector e3 = d2.mul(8f).sub(d4.mul(10f)).add(d6.mul(2f));
            FloatVector o3 = d1.mul(4f).sub(d3.mul(5f)).add(d5);
            d0.sub(d6).mul(4f).add(d4.sub(d2).mul(21f)).intoArray(x, t);
            e1.add(o1).intoArray(x, t + n);
            e1.sub(o1).intoArray(x, t + 2 * n);
            e2.add(o2).intoArray(x, t + 3 * n);
            e2.sub(o2).intoArray(x, t + 4 * n);
            e3.add(o3).intoArray(x, t + 5 * n);
            e3.sub(o3).intoArray(x, t + 6 * n);
            d7.sub(d1).mul(4f).add(d3.sub(d5).mul(21f)).intoArray(x, t + 7 * n);
        }
    }

    /**
     * The input transform's second half, B^T down column x of the points, for {@link #LANES} tiles at t:
     * {@code rows[j]} is input row j of the patches as {@link #inputRow} left it (x points {@code count} apart);
     * point (y, x) goes to {@code v[base + y * pointStride]}.
     */
    static void inputColumn(float[][] rows, int count, int t, int x, float[] v, int base, int pointStride) {
        int at = x * count + t;
        FloatVector d0 = FloatVector.fromArray(S, rows[0], at);
        FloatVector d1 = FloatVector.fromArray(S, rows[1], at);
        FloatVector d2 = FloatVector.fromArray(S, rows[2], at);
        FloatVector d3 = FloatVector.fromArray(S, rows[3], at);
        FloatVector d4 = FloatVector.fromArray(S, rows[4], at);
        FloatVector d5 = FloatVector.fromArray(S, rows[5], at);
        FloatVector d6 = FloatVector.fromArray(S, rows[6], at);
        FloatVector d7 = FloatVector.fromArray(S, rows[7], at);
        int s = pointStride;
        FloatVector e1 = d4.mul(17f).sub(d2.add(d6).mul(4f));
        FloatVector o1 = d3.mul(17f).sub(d1.add(d5).mul(4f));
        FloatVector e2 = d2.sub(d4.mul(5f)).add(d6.mul(4f));
        FloatVector o2 = d1.mul(2f).sub(d3.mul(10f)).add(d5.mul(8f));
        FloatVector e3 = d2.mul(8f).sub(d4.mul(10f)).add(d6.mul(2f));
        FloatVector o3 = d1.mul(4f).sub(d3.mul(5f)).add(d5);
        d0.sub(d6).mul(4f).add(d4.sub(d2).mul(21f)).intoArray(v, base);
        e1.add(o1).intoArray(v, base + s);
        e1.sub(o1).intoArray(v, base + 2 * s);
        e2.add(o2).intoArray(v, base + 3 * s);
        e2.sub(o2).intoArray(v, base + 4 * s);
        e3.add(o3).intoArray(v, base + 5 * s);
        e3.sub(o3).intoArray(v, base + 6 * s);
        d7.sub(d1).mul(4f).add(d3.sub(d5).mul(21f)).intoArray(v, base + 7 * s);
    }

    /**
     * The output transform A^T m A of {@link #LANES} tiles: point p at {@code m[base + p * pointStride]}, plus
     * {@code bias}; the 4x4 results go to {@code y[(dy * 4 + dx) * LANES]}. {@code tmp}: 32 vectors of scratch.
     */
    static void output(float[] m, int base, int pointStride, float bias, float[] tmp, float[] y) {
        int n = LANES;
        // rows of A^T: 1 1 1 1 1 1 1 0; 0 1 -1 2 -2 1/2 -1/2 0; 0 1 1 4 4 1/4 1/4 0; 0 1 -1 8 -8 1/8 -1/8 1
        for (int a = 0; a < 8; a++) { // along each row of points
            int at = base + a * 8 * pointStride;
            FloatVector m0 = FloatVector.fromArray(S, m, at);
            FloatVector m1 = FloatVector.fromArray(S, m, at + pointStride);
            FloatVector m2 = FloatVector.fromArray(S, m, at + 2 * pointStride);
            FloatVector m3 = FloatVector.fromArray(S, m, at + 3 * pointStride);
            FloatVector m4 = FloatVector.fromArray(S, m, at + 4 * pointStride);
            FloatVector m5 = FloatVector.fromArray(S, m, at + 5 * pointStride);
            FloatVector m6 = FloatVector.fromArray(S, m, at + 6 * pointStride);
            FloatVector m7 = FloatVector.fromArray(S, m, at + 7 * pointStride);
            FloatVector s1 = m1.add(m2), t1 = m1.sub(m2);
            FloatVector s2 = m3.add(m4), t2 = m3.sub(m4);
            FloatVector s3 = m5.add(m6), t3 = m5.sub(m6);
            m0.add(s1).add(s2).add(s3).intoArray(tmp, 4 * a * n);
            t2.mul(2f).add(t1).add(t3.mul(0.5f)).intoArray(tmp, (4 * a + 1) * n);
            s2.mul(4f).add(s1).add(s3.mul(0.25f)).intoArray(tmp, (4 * a + 2) * n);
            t2.mul(8f).add(t1).add(t3.mul(0.125f)).add(m7).intoArray(tmp, (4 * a + 3) * n);
        }
        for (int dx = 0; dx < 4; dx++) { // down the columns
            FloatVector r0 = FloatVector.fromArray(S, tmp, dx * n);
            FloatVector r1 = FloatVector.fromArray(S, tmp, (4 + dx) * n);
            FloatVector r2 = FloatVector.fromArray(S, tmp, (8 + dx) * n);
            FloatVector r3 = FloatVector.fromArray(S, tmp, (12 + dx) * n);
            FloatVector r4 = FloatVector.fromArray(S, tmp, (16 + dx) * n);
            FloatVector r5 = FloatVector.fromArray(S, tmp, (20 + dx) * n);
            FloatVector r6 = FloatVector.fromArray(S, tmp, (24 + dx) * n);
            FloatVector r7 = FloatVector.fromArray(S, tmp, (28 + dx) * n);
            FloatVector s1 = r1.add(r2), t1 = r1.sub(r2);
            FloatVector s2 = r3.add(r4), t2 = r3.sub(r4);
            FloatVector s3 = r5.add(r6), t3 = r5.sub(r6);
            r0.add(s1).add(s2).add(s3).add(bias).intoArray(y, dx * n);
            t2.mul(2f).add(t1).add(t3.mul(0.5f)).add(bias).intoArray(y, (4 + dx) * n);
            s2.mul(4f).add(s1).add(s3.mul(0.25f)).add(bias).intoArray(y, (8 + dx) * n);
            t2.mul(8f).add(t1).add(t3.mul(0.125f)).add(r7).add(bias).intoArray(y, (12 + dx) * n);
        }
    }

    /**
     * One point's product for {@link #OUTPUTS} output channels and three vectors of tiles:
     * {@code m[mBase + q * stride + k] = sum over c of u[uBase + c * OUTPUTS + q] * v[vBase + c * stride + k]} for
     * k in [0, 3 * LANES), the channels summed in order with fused multiply-adds.
     */
    static void product3(float[] v, int vBase, int stride, float[] u, int uBase, int cin, float[] m, int mBase) {
        int n = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a10 = z, a11 = z, a12 = z, a20 = z, a21 = z, a22 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a40 = z, a41 = z, a42 = z, a50 = z, a51 = z, a52 = z;
        FloatVector a60 = z, a61 = z, a62 = z, a70 = z, a71 = z, a72 = z;
        for (int c = 0; c < cin; c++) {
            int vi = vBase + c * stride;
            int ui = uBase + c * OUTPUTS;
            FloatVector x0 = FloatVector.fromArray(S, v, vi);
            FloatVector x1 = FloatVector.fromArray(S, v, vi + n);
            FloatVector x2 = FloatVector.fromArray(S, v, vi + 2 * n);
            FloatVector w = FloatVector.broadcast(S, u[ui]);
            a00 = x0.fma(w, a00);
            a01 = x1.fma(w, a01);
            a02 = x2.fma(w, a02);
            w = FloatVector.broadcast(S, u[ui + 1]);
            a10 = x0.fma(w, a10);
            a11 = x1.fma(w, a11);
            a12 = x2.fma(w, a12);
            w = FloatVector.broadcast(S, u[ui + 2]);
            a20 = x0.fma(w, a20);
            a21 = x1.fma(w, a21);
            a22 = x2.fma(w, a22);
            w = FloatVector.broadcast(S, u[ui + 3]);
            a30 = x0.fma(w, a30);
            a31 = x1.fma(w, a31);
            a32 = x2.fma(w, a32);
            w = FloatVector.broadcast(S, u[ui + 4]);
            a40 = x0.fma(w, a40);
            a41 = x1.fma(w, a41);
            a42 = x2.fma(w, a42);
            w = FloatVector.broadcast(S, u[ui + 5]);
            a50 = x0.fma(w, a50);
            a51 = x1.fma(w, a51);
            a52 = x2.fma(w, a52);
            w = FloatVector.broadcast(S, u[ui + 6]);
            a60 = x0.fma(w, a60);
            a61 = x1.fma(w, a61);
            a62 = x2.fma(w, a62);
            w = FloatVector.broadcast(S, u[ui + 7]);
            a70 = x0.fma(w, a70);
            a71 = x1.fma(w, a71);
            a72 = x2.fma(w, a72);
        }
        a00.intoArray(m, mBase);
        a01.intoArray(m, mBase + n);
        a02.intoArray(m, mBase + 2 * n);
        a10.intoArray(m, mBase + stride);
        a11.intoArray(m, mBase + stride + n);
        a12.intoArray(m, mBase + stride + 2 * n);
        a20.intoArray(m, mBase + 2 * stride);
        a21.intoArray(m, mBase + 2 * stride + n);
        a22.intoArray(m, mBase + 2 * stride + 2 * n);
        a30.intoArray(m, mBase + 3 * stride);
        a31.intoArray(m, mBase + 3 * stride + n);
        a32.intoArray(m, mBase + 3 * stride + 2 * n);
        a40.intoArray(m, mBase + 4 * stride);
        a41.intoArray(m, mBase + 4 * stride + n);
        a42.intoArray(m, mBase + 4 * stride + 2 * n);
        a50.intoArray(m, mBase + 5 * stride);
        a51.intoArray(m, mBase + 5 * stride + n);
        a52.intoArray(m, mBase + 5 * stride + 2 * n);
        a60.intoArray(m, mBase + 6 * stride);
        a61.intoArray(m, mBase + 6 * stride + n);
        a62.intoArray(m, mBase + 6 * stride + 2 * n);
        a70.intoArray(m, mBase + 7 * stride);
        a71.intoArray(m, mBase + 7 * stride + n);
        a72.intoArray(m, mBase + 7 * stride + 2 * n);
    }

    /** {@link #product3} for one vector of tiles (the rest of a chunk that is not a multiple of three vectors). */
    static void product1(float[] v, int vBase, int stride, float[] u, int uBase, int cin, float[] m, int mBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        for (int c = 0; c < cin; c++) {
            FloatVector x = FloatVector.fromArray(S, v, vBase + c * stride);
            int ui = uBase + c * OUTPUTS;
            a0 = x.fma(FloatVector.broadcast(S, u[ui]), a0);
            a1 = x.fma(FloatVector.broadcast(S, u[ui + 1]), a1);
            a2 = x.fma(FloatVector.broadcast(S, u[ui + 2]), a2);
            a3 = x.fma(FloatVector.broadcast(S, u[ui + 3]), a3);
            a4 = x.fma(FloatVector.broadcast(S, u[ui + 4]), a4);
            a5 = x.fma(FloatVector.broadcast(S, u[ui + 5]), a5);
            a6 = x.fma(FloatVector.broadcast(S, u[ui + 6]), a6);
            a7 = x.fma(FloatVector.broadcast(S, u[ui + 7]), a7);
        }
        a0.intoArray(m, mBase);
        a1.intoArray(m, mBase + stride);
        a2.intoArray(m, mBase + 2 * stride);
        a3.intoArray(m, mBase + 3 * stride);
        a4.intoArray(m, mBase + 4 * stride);
        a5.intoArray(m, mBase + 5 * stride);
        a6.intoArray(m, mBase + 6 * stride);
        a7.intoArray(m, mBase + 7 * stride);
    }

    /**
     * The weight gradient's transform of the output gradient, A dY A^T, for the 4x4 outputs of each of
     * {@code count} tiles with output channels in the lanes: {@code dy[(dy * 4 * count + 4 t + dx) * cout + o]}
     * (four rows of columns, pixel-major) to {@code m[p * pointStride + t * cout + o]}. {@code tmp}: 32 vectors.
     */
    static void gradOutput(float[] dy, int count, int cout, float[] m, int pointStride, float[] tmp) {
        int n = LANES;
        int row = 4 * count * cout;
        int r = 8 * pointStride;
        // the columns of A^T: d0; d0 + d1 + d2 + d3; d0 - d1 + d2 - d3; d0 + 2 d1 + 4 d2 + 8 d3; d0 - 2 d1 + 4 d2 - 8 d3;
        // d0 + d1 / 2 + d2 / 4 + d3 / 8; d0 - d1 / 2 + d2 / 4 - d3 / 8; d3
        for (int t = 0; t < count; t++) {
            for (int k = 0; k < cout; k += n) {
                for (int y = 0; y < 4; y++) { // along x, each of the four rows, to tmp[(8 y + x) * n]
                    int at = y * row + 4 * t * cout + k;
                    FloatVector d0 = FloatVector.fromArray(S, dy, at);
                    FloatVector d1 = FloatVector.fromArray(S, dy, at + cout);
                    FloatVector d2 = FloatVector.fromArray(S, dy, at + 2 * cout);
                    FloatVector d3 = FloatVector.fromArray(S, dy, at + 3 * cout);
                    FloatVector e1 = d0.add(d2), o1 = d1.add(d3);
                    FloatVector e2 = d2.mul(4f).add(d0), o2 = d3.mul(8f).add(d1.mul(2f));
                    FloatVector e3 = d2.mul(0.25f).add(d0), o3 = d3.mul(0.125f).add(d1.mul(0.5f));
                    int to = 8 * y * n;
                    d0.intoArray(tmp, to);
                    e1.add(o1).intoArray(tmp, to + n);
                    e1.sub(o1).intoArray(tmp, to + 2 * n);
                    e2.add(o2).intoArray(tmp, to + 3 * n);
                    e2.sub(o2).intoArray(tmp, to + 4 * n);
                    e3.add(o3).intoArray(tmp, to + 5 * n);
                    e3.sub(o3).intoArray(tmp, to + 6 * n);
                    d3.intoArray(tmp, to + 7 * n);
                }
                int o = t * cout + k;
                for (int x = 0; x < 8; x++) { // down y: point (y, x) at (8 y + x) * pointStride
                    FloatVector d0 = FloatVector.fromArray(S, tmp, x * n);
                    FloatVector d1 = FloatVector.fromArray(S, tmp, (8 + x) * n);
                    FloatVector d2 = FloatVector.fromArray(S, tmp, (16 + x) * n);
                    FloatVector d3 = FloatVector.fromArray(S, tmp, (24 + x) * n);
                    FloatVector e1 = d0.add(d2), o1 = d1.add(d3);
                    FloatVector e2 = d2.mul(4f).add(d0), o2 = d3.mul(8f).add(d1.mul(2f));
                    FloatVector e3 = d2.mul(0.25f).add(d0), o3 = d3.mul(0.125f).add(d1.mul(0.5f));
                    int to = o + x * pointStride;
                    d0.intoArray(m, to);
                    e1.add(o1).intoArray(m, to + r);
                    e1.sub(o1).intoArray(m, to + 2 * r);
                    e2.add(o2).intoArray(m, to + 3 * r);
                    e2.sub(o2).intoArray(m, to + 4 * r);
                    e3.add(o3).intoArray(m, to + 5 * r);
                    e3.sub(o3).intoArray(m, to + 6 * r);
                    d3.intoArray(m, to + 7 * r);
                }
            }
        }
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /**
     * {@code y[yi + j] += c * x[xi + j]} for j in [0, n). Written with vectors: C2 does not vectorize such a loop
     * over two arrays of one type by itself (they might overlap).
     */
    static void addScaled(double c, double[] x, int xi, double[] y, int yi, int n) {
        int j = 0;
        DoubleVector cv = DoubleVector.broadcast(D, c);
        for (; j + D.length() <= n; j += D.length()) {
            DoubleVector.fromArray(D, x, xi + j).fma(cv, DoubleVector.fromArray(D, y, yi + j)).intoArray(y, yi + j);
        }
        for (; j < n; j++) y[yi + j] = Math.fma(x[xi + j], c, y[yi + j]);
    }

    /** {@code y[yi + j] += x[xi + j]} for j in [0, n), as vectors (see {@link #addScaled}). */
    static void add(float[] x, int xi, float[] y, int yi, int n) {
        int j = 0;
        for (; j + LANES <= n; j += LANES) {
            FloatVector.fromArray(S, y, yi + j).add(FloatVector.fromArray(S, x, xi + j)).intoArray(y, yi + j);
        }
        for (; j < n; j++) y[yi + j] += x[xi + j];
    }

    /** Input channels one weight-gradient block holds: 12 times two vectors of output channels. */
    static final int GRADIENT_INPUTS = 12;

    /**
     * One point's weight-gradient sums for {@value #GRADIENT_INPUTS} input channels and two vectors of output
     * channels: {@code du[duBase + i * cout + k] += sum over tiles t < n of v[vBase + i * vStride + t] *
     * m[mBase + t * cout + k]} for k in [0, 2 LANES), the tiles in order with fused multiply-adds.
     */
    static void gradient12(float[] v, int vBase, int vStride, float[] m, int mBase, int cout, int n, float[] du,
            int duBase) {
        int l = LANES;
        FloatVector a00 = FloatVector.fromArray(S, du, duBase);
        FloatVector a01 = FloatVector.fromArray(S, du, duBase + l);
        FloatVector a10 = FloatVector.fromArray(S, du, duBase + cout);
        FloatVector a11 = FloatVector.fromArray(S, du, duBase + cout + l);
        FloatVector a20 = FloatVector.fromArray(S, du, duBase + 2 * cout);
        FloatVector a21 = FloatVector.fromArray(S, du, duBase + 2 * cout + l);
        FloatVector a30 = FloatVector.fromArray(S, du, duBase + 3 * cout);
        FloatVector a31 = FloatVector.fromArray(S, du, duBase + 3 * cout + l);
        FloatVector a40 = FloatVector.fromArray(S, du, duBase + 4 * cout);
        FloatVector a41 = FloatVector.fromArray(S, du, duBase + 4 * cout + l);
        FloatVector a50 = FloatVector.fromArray(S, du, duBase + 5 * cout);
        FloatVector a51 = FloatVector.fromArray(S, du, duBase + 5 * cout + l);
        FloatVector a60 = FloatVector.fromArray(S, du, duBase + 6 * cout);
        FloatVector a61 = FloatVector.fromArray(S, du, duBase + 6 * cout + l);
        FloatVector a70 = FloatVector.fromArray(S, du, duBase + 7 * cout);
        FloatVector a71 = FloatVector.fromArray(S, du, duBase + 7 * cout + l);
        FloatVector a80 = FloatVector.fromArray(S, du, duBase + 8 * cout);
        FloatVector a81 = FloatVector.fromArray(S, du, duBase + 8 * cout + l);
        FloatVector a90 = FloatVector.fromArray(S, du, duBase + 9 * cout);
        FloatVector a91 = FloatVector.fromArray(S, du, duBase + 9 * cout + l);
        FloatVector aA0 = FloatVector.fromArray(S, du, duBase + 10 * cout);
        FloatVector aA1 = FloatVector.fromArray(S, du, duBase + 10 * cout + l);
        FloatVector aB0 = FloatVector.fromArray(S, du, duBase + 11 * cout);
        FloatVector aB1 = FloatVector.fromArray(S, du, duBase + 11 * cout + l);
        for (int t = 0; t < n; t++) {
            int mi = mBase + t * cout;
            FloatVector m0 = FloatVector.fromArray(S, m, mi);
            FloatVector m1 = FloatVector.fromArray(S, m, mi + l);
            int vi = vBase + t;
            FloatVector w = FloatVector.broadcast(S, v[vi]);
            a00 = m0.fma(w, a00);
            a01 = m1.fma(w, a01);
            w = FloatVector.broadcast(S, v[vi + vStride]);
            a10 = m0.fma(w, a10);
            a11 = m1.fma(w, a11);
            w = FloatVector.broadcast(S, v[vi + 2 * vStride]);
            a20 = m0.fma(w, a20);
            a21 = m1.fma(w, a21);
            w = FloatVector.broadcast(S, v[vi + 3 * vStride]);
            a30 = m0.fma(w, a30);
            a31 = m1.fma(w, a31);
            w = FloatVector.broadcast(S, v[vi + 4 * vStride]);
            a40 = m0.fma(w, a40);
            a41 = m1.fma(w, a41);
            w = FloatVector.broadcast(S, v[vi + 5 * vStride]);
            a50 = m0.fma(w, a50);
            a51 = m1.fma(w, a51);
            w = FloatVector.broadcast(S, v[vi + 6 * vStride]);
            a60 = m0.fma(w, a60);
            a61 = m1.fma(w, a61);
            w = FloatVector.broadcast(S, v[vi + 7 * vStride]);
            a70 = m0.fma(w, a70);
            a71 = m1.fma(w, a71);
            w = FloatVector.broadcast(S, v[vi + 8 * vStride]);
            a80 = m0.fma(w, a80);
            a81 = m1.fma(w, a81);
            w = FloatVector.broadcast(S, v[vi + 9 * vStride]);
            a90 = m0.fma(w, a90);
            a91 = m1.fma(w, a91);
            w = FloatVector.broadcast(S, v[vi + 10 * vStride]);
            aA0 = m0.fma(w, aA0);
            aA1 = m1.fma(w, aA1);
            w = FloatVector.broadcast(S, v[vi + 11 * vStride]);
            aB0 = m0.fma(w, aB0);
            aB1 = m1.fma(w, aB1);
        }
        a00.intoArray(du, duBase);
        a01.intoArray(du, duBase + l);
        a10.intoArray(du, duBase + cout);
        a11.intoArray(du, duBase + cout + l);
        a20.intoArray(du, duBase + 2 * cout);
        a21.intoArray(du, duBase + 2 * cout + l);
        a30.intoArray(du, duBase + 3 * cout);
        a31.intoArray(du, duBase + 3 * cout + l);
        a40.intoArray(du, duBase + 4 * cout);
        a41.intoArray(du, duBase + 4 * cout + l);
        a50.intoArray(du, duBase + 5 * cout);
        a51.intoArray(du, duBase + 5 * cout + l);
        a60.intoArray(du, duBase + 6 * cout);
        a61.intoArray(du, duBase + 6 * cout + l);
        a70.intoArray(du, duBase + 7 * cout);
        a71.intoArray(du, duBase + 7 * cout + l);
        a80.intoArray(du, duBase + 8 * cout);
        a81.intoArray(du, duBase + 8 * cout + l);
        a90.intoArray(du, duBase + 9 * cout);
        a91.intoArray(du, duBase + 9 * cout + l);
        aA0.intoArray(du, duBase + 10 * cout);
        aA1.intoArray(du, duBase + 10 * cout + l);
        aB0.intoArray(du, duBase + 11 * cout);
        aB1.intoArray(du, duBase + 11 * cout + l);
    }

    /** {@link #gradient12} for four input channels (the whole groups of four past the last block of twelve). */
    static void gradient4(float[] v, int vBase, int vStride, float[] m, int mBase, int cout, int n, float[] du,
            int duBase) {
        int l = LANES;
        FloatVector a00 = FloatVector.fromArray(S, du, duBase);
        FloatVector a01 = FloatVector.fromArray(S, du, duBase + l);
        FloatVector a10 = FloatVector.fromArray(S, du, duBase + cout);
        FloatVector a11 = FloatVector.fromArray(S, du, duBase + cout + l);
        FloatVector a20 = FloatVector.fromArray(S, du, duBase + 2 * cout);
        FloatVector a21 = FloatVector.fromArray(S, du, duBase + 2 * cout + l);
        FloatVector a30 = FloatVector.fromArray(S, du, duBase + 3 * cout);
        FloatVector a31 = FloatVector.fromArray(S, du, duBase + 3 * cout + l);
        for (int t = 0; t < n; t++) {
            int mi = mBase + t * cout;
            FloatVector m0 = FloatVector.fromArray(S, m, mi);
            FloatVector m1 = FloatVector.fromArray(S, m, mi + l);
            int vi = vBase + t;
            FloatVector w = FloatVector.broadcast(S, v[vi]);
            a00 = m0.fma(w, a00);
            a01 = m1.fma(w, a01);
            w = FloatVector.broadcast(S, v[vi + vStride]);
            a10 = m0.fma(w, a10);
            a11 = m1.fma(w, a11);
            w = FloatVector.broadcast(S, v[vi + 2 * vStride]);
            a20 = m0.fma(w, a20);
            a21 = m1.fma(w, a21);
            w = FloatVector.broadcast(S, v[vi + 3 * vStride]);
            a30 = m0.fma(w, a30);
            a31 = m1.fma(w, a31);
        }
        a00.intoArray(du, duBase);
        a01.intoArray(du, duBase + l);
        a10.intoArray(du, duBase + cout);
        a11.intoArray(du, duBase + cout + l);
        a20.intoArray(du, duBase + 2 * cout);
        a21.intoArray(du, duBase + 2 * cout + l);
        a30.intoArray(du, duBase + 3 * cout);
        a31.intoArray(du, duBase + 3 * cout + l);
    }

    /** {@link #gradient12} for one input channel (the channels past the last whole group of four). */
    static void gradient1(float[] v, int vBase, float[] m, int mBase, int cout, int n, float[] du, int duBase) {
        int l = LANES;
        FloatVector a0 = FloatVector.fromArray(S, du, duBase);
        FloatVector a1 = FloatVector.fromArray(S, du, duBase + l);
        for (int t = 0; t < n; t++) {
            FloatVector w = FloatVector.broadcast(S, v[vBase + t]);
            a0 = FloatVector.fromArray(S, m, mBase + t * cout).fma(w, a0);
            a1 = FloatVector.fromArray(S, m, mBase + t * cout + l).fma(w, a1);
        }
        a0.intoArray(du, duBase);
        a1.intoArray(du, duBase + l);
    }
}
