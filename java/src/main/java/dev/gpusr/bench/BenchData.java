package dev.gpusr.bench;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import java.util.Random;

/** Deterministic inputs and weights for the benchmarks and their checks. */
public final class BenchData {
    private BenchData() {}

    /**
     * Weights whose activations stay of order one through the layers (He-style std per layer, small non-zero
     * biases), so the checks compare values that matter and fp16 neither overflows nor flushes to zero.
     */
    public static SrcnnWeights weights(SrcnnConfig cfg, long seed) {
        float[] p = new float[cfg.paramCount()];
        Random rng = new Random(seed);
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
            Param wp = Param.weight(l);
            double std = Math.sqrt(2.0 / (cfg.inChannels(l) * cfg.filter(l) * cfg.filter(l)));
            int off = cfg.offset(wp);
            for (int i = 0; i < cfg.size(wp); i++) p[off + i] = (float) (rng.nextGaussian() * std);
            Param bp = Param.bias(l);
            int boff = cfg.offset(bp);
            for (int i = 0; i < cfg.size(bp); i++) p[boff + i] = (float) (0.05 * (rng.nextDouble() - 0.5));
        }
        return new SrcnnWeights(cfg, p);
    }

    public static float[] uniform(int count, long seed, float lo, float hi) {
        float[] a = new float[count];
        Random rng = new Random(seed);
        for (int i = 0; i < count; i++) a[i] = lo + (hi - lo) * rng.nextFloat();
        return a;
    }

    public static Tensor image(int n, int c, int h, int w, long seed) {
        return new Tensor(n, c, h, w, uniform(n * c * h * w, seed, 0f, 1f));
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
