package dev.gpusr.engine;

import dev.gpusr.bench.CpuReference;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.Tensor;
import java.util.Arrays;

/**
 * SRCNN written the plainest way, in double: the plain convolutions of {@link CpuReference} (zero 'same' padding,
 * cross-correlation), ReLU after conv1 and conv2, MSE = mean of squared errors, and backprop by the chain rule.
 * The oracle for odd shapes; its own gradients are checked against finite differences of its loss.
 */
public final class ReferenceSrcnn {
    private final SrcnnConfig cfg;
    private final double[] params;

    public ReferenceSrcnn(SrcnnConfig cfg, double[] params) {
        if (params.length != cfg.paramCount()) throw new IllegalArgumentException("parameter count");
        this.cfg = cfg;
        this.params = params;
    }

    public static ReferenceSrcnn of(SrcnnConfig cfg, float[] params) {
        double[] p = new double[params.length];
        for (int i = 0; i < p.length; i++) p[i] = params[i];
        return new ReferenceSrcnn(cfg, p);
    }

    /** Activations of one forward pass: z = pre-activation per layer, a = ReLU(z) for layers 1-2, out = z3. */
    private final class Pass {
        final int n, h, w;
        final double[] x;
        final double[][] z = new double[SrcnnConfig.LAYERS][];
        final double[][] a = new double[SrcnnConfig.LAYERS][];

        Pass(Tensor input) {
            n = input.n;
            h = input.h;
            w = input.w;
            x = new double[input.size()];
            for (int i = 0; i < x.length; i++) x[i] = input.data[i];
            double[] in = x;
            for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                z[l] = conv(l, in);
                if (l < SrcnnConfig.LAYERS - 1) {
                    a[l] = new double[z[l].length];
                    for (int i = 0; i < z[l].length; i++) a[l][i] = Math.max(0, z[l][i]);
                } else {
                    a[l] = z[l];
                }
                in = a[l];
            }
        }

        double[] layerInput(int l) {
            return l == 0 ? x : a[l - 1];
        }

        double[] conv(int l, double[] in) {
            return CpuReference.convForward(in, n, cfg.inChannels(l), h, w, layer(Param.weight(l)),
                    layer(Param.bias(l)), cfg.outChannels(l), cfg.filter(l));
        }
    }

    private double[] layer(Param p) {
        int off = cfg.offset(p);
        return Arrays.copyOfRange(params, off, off + cfg.size(p));
    }

    public double[] forward(Tensor input) {
        return new Pass(input).z[SrcnnConfig.LAYERS - 1];
    }

    /**
     * Mean squared error over the target; a target smaller than the input by m on every side is compared with the
     * output's centre (the paper's labels), written out index by index.
     */
    public double loss(Tensor input, Tensor target) {
        double[] out = forward(input);
        int[] at = targetIndex(input, target);
        double s = 0;
        for (int i = 0; i < out.length; i++) {
            if (at[i] < 0) continue;
            double d = out[i] - target.data[at[i]];
            s += d * d;
        }
        return s / target.size();
    }

    /** For each output element its target element, or -1 outside a centre target. */
    private static int[] targetIndex(Tensor input, Tensor target) {
        int m = (input.h - target.h) / 2;
        int[] at = new int[input.size()];
        int i = 0;
        for (int n = 0; n < input.n; n++) {
            for (int c = 0; c < input.c; c++) {
                for (int y = 0; y < input.h; y++) {
                    for (int x = 0; x < input.w; x++) {
                        boolean inside = y >= m && y < input.h - m && x >= m && x < input.w - m;
                        at[i++] = inside ? target.index(n, c, y - m, x - m) : -1;
                    }
                }
            }
        }
        return at;
    }

    /** Gradients of {@link #loss} in flat parameter order. */
    public double[] gradients(Tensor input, Tensor target) {
        Pass pass = new Pass(input);
        int n = pass.n, h = pass.h, w = pass.w;
        double[] grad = new double[params.length];
        double[] out = pass.z[SrcnnConfig.LAYERS - 1];
        int[] at = targetIndex(input, target);
        double[] dz = new double[out.length];
        for (int i = 0; i < out.length; i++) dz[i] = at[i] < 0 ? 0 : 2 * (out[i] - target.data[at[i]]) / target.size();
        for (int l = SrcnnConfig.LAYERS - 1; l >= 0; l--) {
            int cin = cfg.inChannels(l), cout = cfg.outChannels(l), f = cfg.filter(l);
            double[] in = pass.layerInput(l);
            double[] dw = CpuReference.convBackwardFilter(in, dz, n, cin, h, w, cout, f);
            System.arraycopy(dw, 0, grad, cfg.offset(Param.weight(l)), dw.length);
            double[] db = CpuReference.channelSums(dz, n, cout, h * w);
            System.arraycopy(db, 0, grad, cfg.offset(Param.bias(l)), db.length);
            double[] din = CpuReference.convBackwardData(dz, n, cin, h, w, layer(Param.weight(l)), cout, f);
            if (l > 0) {
                double[] zPrev = pass.z[l - 1];
                for (int i = 0; i < din.length; i++) din[i] = zPrev[i] > 0 ? din[i] : 0;
            }
            dz = din;
        }
        return grad;
    }

    /** The same network with parameter {@code index} moved by {@code delta}. */
    public ReferenceSrcnn nudged(int index, double delta) {
        double[] p = params.clone();
        p[index] += delta;
        return new ReferenceSrcnn(cfg, p);
    }
}
