package dev.gpusr.cpu;

/**
 * The inner loops. HotSpot C2 (JDK 17) turns a loop into SIMD code only when every array in it is indexed by the
 * same loop variable and a statement has at most four product terms, so the {@code axpy} kernels take one array
 * per operand (shifted copies instead of offsets). Float dot products are never vectorised (strict order), so the
 * weight-gradient kernels are scalar and keep 4x4 independent accumulators in registers instead.
 * {@link Math#fma} keeps PyTorch's fused rounding and is an intrinsic on every x86-64-v3 / ARMv8 CPU.
 */
final class Kernels {
    private Kernels() {}

    static void axpy1(float[] y, float[] a0, float w0, int from, int to) {
        for (int j = from; j < to; j++) y[j] = Math.fma(w0, a0[j], y[j]);
    }

    static void axpy2(float[] y, float[] a0, float w0, float[] a1, float w1, int from, int to) {
        for (int j = from; j < to; j++) y[j] = Math.fma(w1, a1[j], Math.fma(w0, a0[j], y[j]));
    }

    static void axpy3(float[] y, float[] a0, float w0, float[] a1, float w1, float[] a2, float w2, int from, int to) {
        for (int j = from; j < to; j++) y[j] = Math.fma(w2, a2[j], Math.fma(w1, a1[j], Math.fma(w0, a0[j], y[j])));
    }

    static void axpy4(float[] y, float[] a0, float w0, float[] a1, float w1, float[] a2, float w2, float[] a3, float w3,
            int from, int to) {
        for (int j = from; j < to; j++) {
            y[j] = Math.fma(w3, a3[j], Math.fma(w2, a2[j], Math.fma(w1, a1[j], Math.fma(w0, a0[j], y[j]))));
        }
    }

    /**
     * {@link #axpy4} for the weight gradients' short rows (one tap per weight of a pixel: 25 to a few thousand). A
     * separate method so that its loop is profiled and unrolled for those rows and not for the long activation rows
     * of {@link #axpy4}: sharing one profile left the short rows mostly in the scalar tail.
     */
    static void axpy4Taps(float[] y, float[] a0, float w0, float[] a1, float w1, float[] a2, float w2, float[] a3,
            float w3, int from, int to) {
        for (int j = from; j < to; j++) {
            y[j] = Math.fma(w3, a3[j], Math.fma(w2, a2[j], Math.fma(w1, a1[j], Math.fma(w0, a0[j], y[j]))));
        }
    }

    /** y[j] = max(y[j], 0) (NaN stays NaN, as in PyTorch). */
    static void relu(float[] y, int from, int to) {
        for (int j = from; j < to; j++) y[j] = Math.max(y[j], 0f);
    }

    /**
     * mask[j] = mask[j] > 0 ? value[j] : 0 for activations mask[j] >= 0: the ReLU derivative applied in place of
     * the activation. Written without a branch or select so that it vectorises: for any positive float a,
     * min(min(a * 2^126, 1) * 2^23, 1) is exactly 1 (2^-149 * 2^126 * 2^23 = 1), and it is 0 for a = 0.
     */
    static void reluGradInPlace(float[] mask, float[] value, int from, int to) {
        for (int j = from; j < to; j++) mask[j] = reluGrad(mask[j], value[j]);
    }

    /** {@code value} where {@code mask > 0}, else 0, without a branch (mask >= 0: it is a ReLU's output). */
    static float reluGrad(float mask, float value) {
        return Math.min(Math.min(mask * 0x1p126f, 1f) * 0x1p23f, 1f) * value;
    }

    static float sum(float[] y, int from, int to) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from;
        for (; j + 4 <= to; j += 4) {
            s0 += y[j];
            s1 += y[j + 1];
            s2 += y[j + 2];
            s3 += y[j + 3];
        }
        for (; j < to; j++) s0 += y[j];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * sums[4a + b] += sum over j in [from, to) of e_a[j] * x_b[j + d_b]: four gradient rows against four taps.
     */
    static void dot4x4(float[] e0, float[] e1, float[] e2, float[] e3, float[] x0, int d0, float[] x1, int d1,
            float[] x2, int d2, float[] x3, int d3, float[] sums, int from, int to) {
        float a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
        float a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
        for (int j = from; j < to; j++) {
            float g0 = e0[j], g1 = e1[j], g2 = e2[j], g3 = e3[j];
            float y0 = x0[j + d0], y1 = x1[j + d1], y2 = x2[j + d2], y3 = x3[j + d3];
            a00 = Math.fma(g0, y0, a00);
            a01 = Math.fma(g0, y1, a01);
            a02 = Math.fma(g0, y2, a02);
            a03 = Math.fma(g0, y3, a03);
            a10 = Math.fma(g1, y0, a10);
            a11 = Math.fma(g1, y1, a11);
            a12 = Math.fma(g1, y2, a12);
            a13 = Math.fma(g1, y3, a13);
            a20 = Math.fma(g2, y0, a20);
            a21 = Math.fma(g2, y1, a21);
            a22 = Math.fma(g2, y2, a22);
            a23 = Math.fma(g2, y3, a23);
            a30 = Math.fma(g3, y0, a30);
            a31 = Math.fma(g3, y1, a31);
            a32 = Math.fma(g3, y2, a32);
            a33 = Math.fma(g3, y3, a33);
        }
        sums[0] += a00;
        sums[1] += a01;
        sums[2] += a02;
        sums[3] += a03;
        sums[4] += a10;
        sums[5] += a11;
        sums[6] += a12;
        sums[7] += a13;
        sums[8] += a20;
        sums[9] += a21;
        sums[10] += a22;
        sums[11] += a23;
        sums[12] += a30;
        sums[13] += a31;
        sums[14] += a32;
        sums[15] += a33;
    }

    /** sums[b] += sum over j in [from, to) of e[j] * x_b[j + d_b] for eight taps (one gradient row). */
    static void dot1x8(float[] e, float[] x0, int d0, float[] x1, int d1, float[] x2, int d2, float[] x3, int d3,
            float[] x4, int d4, float[] x5, int d5, float[] x6, int d6, float[] x7, int d7, float[] sums, int from,
            int to) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int j = from; j < to; j++) {
            float g = e[j];
            a0 = Math.fma(g, x0[j + d0], a0);
            a1 = Math.fma(g, x1[j + d1], a1);
            a2 = Math.fma(g, x2[j + d2], a2);
            a3 = Math.fma(g, x3[j + d3], a3);
            a4 = Math.fma(g, x4[j + d4], a4);
            a5 = Math.fma(g, x5[j + d5], a5);
            a6 = Math.fma(g, x6[j + d6], a6);
            a7 = Math.fma(g, x7[j + d7], a7);
        }
        sums[0] += a0;
        sums[1] += a1;
        sums[2] += a2;
        sums[3] += a3;
        sums[4] += a4;
        sums[5] += a5;
        sums[6] += a6;
        sums[7] += a7;
    }
}
