package dev.gpusr.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of {@link Winograd} (F(2x2, 5x5)); loaded only when {@link Simd#ENABLED}. Tiles sit in the lanes:
 * lane l of a vector at tile t belongs to tile t + l. As in {@link VectorKernels}, no loop carries a vector except
 * the innermost one (C2 in JDK 17 boxes vectors that a nest of loops carries).
 *
 * <p>The transforms are those of {@link Winograd#BT} (input) and {@link Winograd#AT} (output), written out so that
 * they cost adds and small multiples, not a 6x6 product.
 */
final class WinogradKernels {
    private WinogradKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Tiles per vector. */
    static final int LANES = S.length();
    /** Output channels one product block holds in registers. */
    static final int OUTPUTS = 8;

    // Two-vector rearranges are not intrinsics in JDK 17 (4-7x slower here): each vector is permuted alone and the
    // two are blended.
    /** Interleaving even lanes e and odd lanes o: lane k of the first half from lane k / 2, of the second half from
     * lane (LANES + k) / 2; o's where k is odd. */
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.fromOp(S, k -> k / 2);
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.fromOp(S, k -> (LANES + k) / 2);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL & ((1L << LANES) - 1));
    /** Splitting two vectors a, b: lane 2k (or 2k + 1) of a for k < LANES / 2, of b for the upper half. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, k -> 2 * k % LANES);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, k -> (2 * k + 1) % LANES);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, ((1L << LANES) - 1) & -(1L << (LANES / 2)));

    /**
     * {@code e[j] = row[col + 2j]}, {@code o[j] = row[col + 2j + 1]} for j in [0, n): whole vectors, then the
     * rest one by one.
     */
    static void split(float[] row, int col, float[] e, float[] o, int n) {
        int j = 0;
        for (; j + LANES <= n; j += LANES, col += 2 * LANES) {
            FloatVector a = FloatVector.fromArray(S, row, col);
            FloatVector b = FloatVector.fromArray(S, row, col + LANES);
            a.rearrange(EVEN).blend(b.rearrange(EVEN), UPPER_HALF).intoArray(e, j);
            a.rearrange(ODD).blend(b.rearrange(ODD), UPPER_HALF).intoArray(o, j);
        }
        for (; j < n; j++, col += 2) {
            e[j] = row[col];
            o[j] = row[col + 1];
        }
    }

    /**
     * Output row dy of {@link #LANES} tiles from {@link #output}'s {@code y} into {@code row} at col (2 LANES
     * columns, inside the row): as they are ({@code mode} 0), through a ReLU (1), or where the activation the row
     * holds is positive and 0 elsewhere (2, as {@link Kernels#reluGrad}).
     */
    static void store(float[] y, int dy, float[] row, int col, int mode) {
        FloatVector even = FloatVector.fromArray(S, y, 2 * dy * LANES);
        FloatVector odd = FloatVector.fromArray(S, y, (2 * dy + 1) * LANES);
        FloatVector lo = even.rearrange(ZIP_LOW).blend(odd.rearrange(ZIP_LOW), ODD_LANES);
        FloatVector hi = even.rearrange(ZIP_HIGH).blend(odd.rearrange(ZIP_HIGH), ODD_LANES);
        if (mode == 1) {
            lo = lo.max(0f);
            hi = hi.max(0f);
        } else if (mode == 2) {
            FloatVector m0 = FloatVector.fromArray(S, row, col);
            FloatVector m1 = FloatVector.fromArray(S, row, col + LANES);
            lo = m0.mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(lo);
            hi = m1.mul(0x1p126f).min(1f).mul(0x1p23f).min(1f).mul(hi);
        }
        lo.intoArray(row, col);
        hi.intoArray(row, col + LANES);
    }

    /**
     * The input transform's first half, B^T along one input row, for tiles [0, count) (a multiple of the lanes):
     * column 2t + i of tile t's patch is {@code e[t + i/2]} for even i, {@code o[t + i/2]} for odd i; x point k of
     * tile t goes to {@code x[k * count + t]}.
     */
    static void inputRow(float[] e, float[] o, int count, float[] x) {
        int n = count;
        for (int t = 0; t < count; t += LANES) {
            FloatVector p0 = FloatVector.fromArray(S, e, t);
            FloatVector p1 = FloatVector.fromArray(S, o, t);
            FloatVector p2 = FloatVector.fromArray(S, e, t + 1);
            FloatVector p3 = FloatVector.fromArray(S, o, t + 1);
            FloatVector p4 = FloatVector.fromArray(S, e, t + 2);
            FloatVector p5 = FloatVector.fromArray(S, o, t + 2);
            FloatVector p42 = p4.sub(p2);
            p0.mul(4f).add(p4).sub(p2.mul(5f)).intoArray(x, t);                // 4 0 -5 0 1 0
            p1.add(p2).mul(4f).sub(p3.add(p4)).intoArray(x, t + n);            // 0 4 4 -1 -1 0
            p2.sub(p1).mul(4f).add(p3.sub(p4)).intoArray(x, t + 2 * n);        // 0 -4 4 1 -1 0
            p3.sub(p1).mul(2f).add(p42).intoArray(x, t + 3 * n);               // 0 -2 -1 2 1 0
            p1.sub(p3).mul(2f).add(p42).intoArray(x, t + 4 * n);               // 0 2 -1 -2 1 0
            p1.mul(4f).add(p5).sub(p3.mul(5f)).intoArray(x, t + 5 * n);        // 0 4 0 -5 0 1
        }
    }

    /**
     * The input transform's second half, B^T down the columns, for {@link #LANES} tiles at t: {@code rows[j]} is
     * input row j of the patches as {@link #inputRow} left it (x points {@code count} apart); point (y, x) goes to
     * {@code v[base + (6 y + x) * pointStride]}.
     */
    static void inputColumns(float[][] rows, int count, int t, float[] v, int base, int pointStride) {
        float[] r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        int s = 6 * pointStride;
        for (int x = 0; x < 6; x++) {
            int at = x * count + t;
            FloatVector q0 = FloatVector.fromArray(S, r0, at);
            FloatVector q1 = FloatVector.fromArray(S, r1, at);
            FloatVector q2 = FloatVector.fromArray(S, r2, at);
            FloatVector q3 = FloatVector.fromArray(S, r3, at);
            FloatVector q4 = FloatVector.fromArray(S, r4, at);
            FloatVector q5 = FloatVector.fromArray(S, r5, at);
            int to = base + x * pointStride;
            FloatVector q42 = q4.sub(q2);
            q0.mul(4f).add(q4).sub(q2.mul(5f)).intoArray(v, to);
            q1.add(q2).mul(4f).sub(q3.add(q4)).intoArray(v, to + s);
            q2.sub(q1).mul(4f).add(q3.sub(q4)).intoArray(v, to + 2 * s);
            q3.sub(q1).mul(2f).add(q42).intoArray(v, to + 3 * s);
            q1.sub(q3).mul(2f).add(q42).intoArray(v, to + 4 * s);
            q1.mul(4f).add(q5).sub(q3.mul(5f)).intoArray(v, to + 5 * s);
        }
    }

    /**
     * The output transform A^T m A of {@link #LANES} tiles: point p at {@code m[base + p * pointStride]}, plus
     * {@code bias}; the 2x2 results go to {@code y[(dy * 2 + dx) * LANES]}. {@code tmp}: 12 vectors of scratch.
     */
    static void output(float[] m, int base, int pointStride, float bias, float[] tmp, float[] y) {
        int n = LANES;
        for (int a = 0; a < 6; a++) { // along each row of points
            int at = base + a * 6 * pointStride;
            FloatVector m0 = FloatVector.fromArray(S, m, at);
            FloatVector m1 = FloatVector.fromArray(S, m, at + pointStride);
            FloatVector m2 = FloatVector.fromArray(S, m, at + 2 * pointStride);
            FloatVector m3 = FloatVector.fromArray(S, m, at + 3 * pointStride);
            FloatVector m4 = FloatVector.fromArray(S, m, at + 4 * pointStride);
            FloatVector m5 = FloatVector.fromArray(S, m, at + 5 * pointStride);
            m0.add(m1).add(m2).add(m3).add(m4).intoArray(tmp, 2 * a * n);                        // 1 1 1 1 1 0
            m1.sub(m2).add(m3.sub(m4).mul(2f)).add(m5).intoArray(tmp, (2 * a + 1) * n);          // 0 1 -1 2 -2 1
        }
        for (int dx = 0; dx < 2; dx++) { // down the columns
            FloatVector r0 = FloatVector.fromArray(S, tmp, dx * n);
            FloatVector r1 = FloatVector.fromArray(S, tmp, (2 + dx) * n);
            FloatVector r2 = FloatVector.fromArray(S, tmp, (4 + dx) * n);
            FloatVector r3 = FloatVector.fromArray(S, tmp, (6 + dx) * n);
            FloatVector r4 = FloatVector.fromArray(S, tmp, (8 + dx) * n);
            FloatVector r5 = FloatVector.fromArray(S, tmp, (10 + dx) * n);
            r0.add(r1).add(r2).add(r3).add(r4).add(bias).intoArray(y, dx * n);
            r1.sub(r2).add(r3.sub(r4).mul(2f)).add(r5).add(bias).intoArray(y, (2 + dx) * n);
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
     * The weight gradient's transform of the output gradient, A dY A^T, for the 2x2 outputs of each of
     * {@code count} tiles with output channels in the lanes: {@code dy[(dy * 2 * count + 2 t + dx) * cout + o]}
     * (two rows of columns, pixel-major) to {@code m[p * pointStride + t * cout + o]}.
     */
    static void gradOutput(float[] dy, int count, int cout, float[] m, int pointStride) {
        int n = LANES;
        int row = 2 * count * cout;
        for (int t = 0; t < count; t++) {
            for (int k = 0; k < cout; k += n) {
                int at = 2 * t * cout + k;
                FloatVector d00 = FloatVector.fromArray(S, dy, at);
                FloatVector d01 = FloatVector.fromArray(S, dy, at + cout);
                FloatVector d10 = FloatVector.fromArray(S, dy, at + row);
                FloatVector d11 = FloatVector.fromArray(S, dy, at + row + cout);
                // along x: (d0, d0 + d1, d0 - d1, d0 + 2 d1, d0 - 2 d1, d1), rows 0 and 1
                FloatVector a1 = d00.add(d01), a2 = d00.sub(d01);
                FloatVector a3 = d01.mul(2f).add(d00), a4 = d00.sub(d01.mul(2f));
                FloatVector b1 = d10.add(d11), b2 = d10.sub(d11);
                FloatVector b3 = d11.mul(2f).add(d10), b4 = d10.sub(d11.mul(2f));
                int o = t * cout + k;
                int s = pointStride;
                int r = 6 * pointStride;
                // down y, the same for each of the six columns (x, y): point (y, x) at (6 y + x) * stride
                d00.intoArray(m, o);
                d00.add(d10).intoArray(m, o + r);
                d00.sub(d10).intoArray(m, o + 2 * r);
                d10.mul(2f).add(d00).intoArray(m, o + 3 * r);
                d00.sub(d10.mul(2f)).intoArray(m, o + 4 * r);
                d10.intoArray(m, o + 5 * r);
                a1.intoArray(m, o + s);
                a1.add(b1).intoArray(m, o + s + r);
                a1.sub(b1).intoArray(m, o + s + 2 * r);
                b1.mul(2f).add(a1).intoArray(m, o + s + 3 * r);
                a1.sub(b1.mul(2f)).intoArray(m, o + s + 4 * r);
                b1.intoArray(m, o + s + 5 * r);
                a2.intoArray(m, o + 2 * s);
                a2.add(b2).intoArray(m, o + 2 * s + r);
                a2.sub(b2).intoArray(m, o + 2 * s + 2 * r);
                b2.mul(2f).add(a2).intoArray(m, o + 2 * s + 3 * r);
                a2.sub(b2.mul(2f)).intoArray(m, o + 2 * s + 4 * r);
                b2.intoArray(m, o + 2 * s + 5 * r);
                a3.intoArray(m, o + 3 * s);
                a3.add(b3).intoArray(m, o + 3 * s + r);
                a3.sub(b3).intoArray(m, o + 3 * s + 2 * r);
                b3.mul(2f).add(a3).intoArray(m, o + 3 * s + 3 * r);
                a3.sub(b3.mul(2f)).intoArray(m, o + 3 * s + 4 * r);
                b3.intoArray(m, o + 3 * s + 5 * r);
                a4.intoArray(m, o + 4 * s);
                a4.add(b4).intoArray(m, o + 4 * s + r);
                a4.sub(b4).intoArray(m, o + 4 * s + 2 * r);
                b4.mul(2f).add(a4).intoArray(m, o + 4 * s + 3 * r);
                a4.sub(b4.mul(2f)).intoArray(m, o + 4 * s + 4 * r);
                b4.intoArray(m, o + 4 * s + 5 * r);
                d01.intoArray(m, o + 5 * s);
                d01.add(d11).intoArray(m, o + 5 * s + r);
                d01.sub(d11).intoArray(m, o + 5 * s + 2 * r);
                d11.mul(2f).add(d01).intoArray(m, o + 5 * s + 3 * r);
                d01.sub(d11.mul(2f)).intoArray(m, o + 5 * s + 4 * r);
                d11.intoArray(m, o + 5 * s + 5 * r);
            }
        }
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
