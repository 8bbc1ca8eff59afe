package dev.gpusr.bench;

import dev.gpusr.metrics.Metrics;

/**
 * Plain double-precision loops that define what each benchmarked GPU operation must compute, for the one-time
 * check before timing. Deliberately simple (no tiling, no threads): they run on small shapes only. Convolutions are
 * cross-correlations with zero 'same' padding, NCHW, weights [out, in, f, f] (PyTorch's nn.Conv2d), as in
 * {@link dev.gpusr.model.SrcnnConfig}. The double overloads are also the tests' SRCNN oracle (ReferenceSrcnn).
 */
public final class CpuReference {
    private CpuReference() {}

    /** y = conv(x, w) + bias (bias may be null). */
    public static double[] convForward(float[] x, int n, int cin, int h, int w, float[] weight, float[] bias, int cout,
            int f) {
        return convForward(widen(x), n, cin, h, w, widen(weight), bias == null ? null : widen(bias), cout, f);
    }

    /** As {@link #convForward(float[], int, int, int, int, float[], float[], int, int)}, all in double. */
    public static double[] convForward(double[] x, int n, int cin, int h, int w, double[] weight, double[] bias,
            int cout, int f) {
        double[] y = new double[n * cout * h * w];
        if (bias != null) {
            for (int i = 0; i < y.length; i++) y[i] = bias[i / (h * w) % cout];
        }
        eachTap(n, cin, h, w, cout, f, (yi, xi, wi) -> y[yi] += weight[wi] * x[xi]);
        return y;
    }

    /** dx = gradient of sum(dy * conv(x, w)) with respect to x. */
    public static double[] convBackwardData(float[] dy, int n, int cin, int h, int w, float[] weight, int cout, int f) {
        return convBackwardData(widen(dy), n, cin, h, w, widen(weight), cout, f);
    }

    /** As {@link #convBackwardData(float[], int, int, int, int, float[], int, int)}, all in double. */
    public static double[] convBackwardData(double[] dy, int n, int cin, int h, int w, double[] weight, int cout,
            int f) {
        double[] dx = new double[n * cin * h * w];
        eachTap(n, cin, h, w, cout, f, (yi, xi, wi) -> dx[xi] += dy[yi] * weight[wi]);
        return dx;
    }

    /** dw = gradient of sum(dy * conv(x, w)) with respect to w. */
    public static double[] convBackwardFilter(float[] x, float[] dy, int n, int cin, int h, int w, int cout, int f) {
        return convBackwardFilter(widen(x), widen(dy), n, cin, h, w, cout, f);
    }

    /** As {@link #convBackwardFilter(float[], float[], int, int, int, int, int, int)}, all in double. */
    public static double[] convBackwardFilter(double[] x, double[] dy, int n, int cin, int h, int w, int cout, int f) {
        double[] dw = new double[cout * cin * f * f];
        eachTap(n, cin, h, w, cout, f, (yi, xi, wi) -> dw[wi] += dy[yi] * x[xi]);
        return dw;
    }

    /** One product of a convolution: output element yi takes input element xi times weight wi. */
    private interface Tap {
        void at(int yi, int xi, int wi);
    }

    /**
     * The definition of a 'same' cross-correlation, NCHW, weights [out, in, f, f], zero padding: every (output, input,
     * weight) triple that meets, in the order b, out channel, y, x, in channel, ky, kx (so an output's sum is taken
     * in that order). Forward and both gradients are this one loop with a different update.
     */
    private static void eachTap(int n, int cin, int h, int w, int cout, int f, Tap tap) {
        int p = f / 2;
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < cout; co++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < w; xx++) {
                        int yi = ((b * cout + co) * h + yy) * w + xx;
                        for (int ci = 0; ci < cin; ci++) {
                            for (int ky = 0; ky < f; ky++) {
                                int sy = yy + ky - p;
                                if (sy < 0 || sy >= h) continue;
                                for (int kx = 0; kx < f; kx++) {
                                    int sx = xx + kx - p;
                                    if (sx < 0 || sx >= w) continue;
                                    tap.at(yi, ((b * cin + ci) * h + sy) * w + sx, ((co * cin + ci) * f + ky) * f + kx);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Sum of dy over every position of each channel: the bias gradient of a convolution. */
    public static double[] channelSums(double[] dy, int n, int c, int hw) {
        double[] s = new double[c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < hw; i++) s[ch] += dy[(b * c + ch) * hw + i];
            }
        }
        return s;
    }

    /** The values as doubles (exact). */
    public static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    /** x[n, c, :] + bias[c], then max(0, .) when relu. */
    public static double[] biasActivation(float[] x, float[] bias, int n, int c, int hw, boolean relu) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < hw; i++) {
                    int k = (b * c + ch) * hw + i;
                    double v = (double) x[k] + bias[ch];
                    y[k] = relu ? Math.max(0, v) : v;
                }
            }
        }
        return y;
    }

    /** The masked gradient (dy where y > 0 when relu) followed by the per-channel bias gradient. */
    public record BiasActivationGrad(double[] dx, double[] dbias) {}

    public static BiasActivationGrad biasActivationBackward(float[] dy, float[] y, int n, int c, int hw, boolean relu) {
        double[] dx = new double[dy.length];
        double[] db = new double[c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < hw; i++) {
                    int k = (b * c + ch) * hw + i;
                    double g = relu && y[k] <= 0 ? 0 : dy[k];
                    dx[k] = g;
                    db[ch] += g;
                }
            }
        }
        return new BiasActivationGrad(dx, db);
    }

    /** Mean squared error and its gradient 2 (out - target) / count. */
    public record MseResult(double loss, double[] grad) {}

    public static MseResult mse(float[] out, float[] target) {
        double sum = 0;
        double[] g = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            double d = (double) out[i] - target[i];
            sum += d * d;
            g[i] = 2 * d / out.length;
        }
        return new MseResult(sum / out.length, g);
    }

    /** Sum over the planes' inner region (shave dropped at each border) of (q(a) - q(b))^2, q = Metrics.uint8Level. */
    public static double sumSquaredError(float[] a, float[] b, int planes, int h, int w, int shave) {
        double s = 0;
        for (int p = 0; p < planes; p++) {
            for (int y = shave; y < h - shave; y++) {
                for (int x = shave; x < w - shave; x++) {
                    int k = (p * h + y) * w + x;
                    double d = Metrics.uint8Level(a[k]) - Metrics.uint8Level(b[k]);
                    s += d * d;
                }
            }
        }
        return s;
    }

    /** One SGD-with-momentum update in PyTorch's form: m = momentum m + g; p -= lr[layer] m. Returns {p, m}. */
    public static double[][] sgdMomentum(float[] params, float[] grads, float[] m, int[] layerEnds, float[] lr,
            float momentum) {
        double[] p = new double[params.length];
        double[] mm = new double[params.length];
        int layer = 0;
        for (int i = 0; i < params.length; i++) {
            while (i >= layerEnds[layer]) layer++;
            mm[i] = (double) momentum * m[i] + grads[i];
            p[i] = params[i] - (double) lr[layer] * mm[i];
        }
        return new double[][] {p, mm};
    }
}
