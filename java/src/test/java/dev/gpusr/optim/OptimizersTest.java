package dev.gpusr.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.SrcnnConfig;
import org.junit.jupiter.api.Test;

/**
 * The host optimizers against values worked out by hand. The model is 1-1-1 with one channel everywhere, so each of
 * the six parameter tensors holds one number and layer l owns flat indices 2l (weight) and 2l + 1 (bias); the
 * three layers get three different learning rates.
 */
class OptimizersTest {
    private static final SrcnnConfig MODEL = new SrcnnConfig(1, 1, 1, 1, 1, 1, 2, SrcnnConfig.ColorSpace.Y);
    private static final float[] LR = {0.1f, 0.01f, 0.001f};
    private static final float[] START = {1f, -1f, 0.5f, 2f, -0.25f, 0f};
    private static final float[] GRAD1 = {0.5f, -2f, 1f, 0.25f, 4f, -1f};
    private static final float[] GRAD2 = {-1f, 1f, 0f, 0.5f, -2f, 3f};

    @Test
    void layerRangesAreOneWeightAndOneBiasEach() {
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
            assertEquals(2 * l, MODEL.layerStart(l));
            assertEquals(2 * l + 2, MODEL.layerEnd(l));
        }
    }

    @Test
    void sgdWithMomentumTwoSteps() {
        OptimizerConfig cfg = new OptimizerConfig(OptimizerConfig.Kind.SGD, LR, 0.9f, 0.9f, 0.999f, 1e-8f);
        float[] p = START.clone();
        OptimizerState s = OptimizerState.zeros(cfg, 6);
        assertEquals(0, s.v().length, "SGD keeps no second moment");

        s = Optimizers.apply(cfg, s, MODEL, p, GRAD1);
        // m = g; p -= lr * m: 1 - 0.1*0.5, -1 + 0.1*2, 0.5 - 0.01*1, 2 - 0.01*0.25, -0.25 - 0.001*4, 0 + 0.001*1
        assertValues(new double[] {0.95, -0.8, 0.49, 1.9975, -0.254, 0.001}, p);
        assertValues(new double[] {0.5, -2, 1, 0.25, 4, -1}, s.m());
        assertEquals(1, s.step());

        s = Optimizers.apply(cfg, s, MODEL, p, GRAD2);
        // m = 0.9 m + g: -0.55, -0.8, 0.9, 0.725, 1.6, 2.1; p -= lr * m
        assertValues(new double[] {-0.55, -0.8, 0.9, 0.725, 1.6, 2.1}, s.m());
        assertValues(new double[] {1.005, -0.72, 0.481, 1.99025, -0.2556, -0.0011}, p);
        assertEquals(2, s.step());
    }

    @Test
    void sgdWithoutMomentumIsPlainGradientDescent() {
        OptimizerConfig cfg = new OptimizerConfig(OptimizerConfig.Kind.SGD, LR, 0f, 0.9f, 0.999f, 1e-8f);
        float[] p = START.clone();
        OptimizerState s = Optimizers.apply(cfg, OptimizerState.zeros(cfg, 6), MODEL, p, GRAD1);
        Optimizers.apply(cfg, s, MODEL, p, GRAD2);
        // p -= lr * (g1 + g2)
        assertValues(new double[] {1.05, -0.9, 0.49, 1.9925, -0.252, -0.002}, p);
    }

    @Test
    void adamTwoStepsWithBiasCorrection() {
        OptimizerConfig cfg = OptimizerConfig.adam(LR);
        float[] p = START.clone();
        OptimizerState s = OptimizerState.zeros(cfg, 6);

        s = Optimizers.apply(cfg, s, MODEL, p, GRAD1);
        // t = 1: m = 0.1 g, v = 0.001 g^2, so m/(1-0.9) = g and v/(1-0.999) = g^2: each parameter moves by lr
        // against the sign of its gradient (eps = 1e-8 is below float resolution here)
        assertValues(new double[] {0.9, -0.9, 0.49, 1.99, -0.251, 0.001}, p);
        assertValues(new double[] {0.05, -0.2, 0.1, 0.025, 0.4, -0.1}, s.m());
        assertValues(new double[] {0.00025, 0.004, 0.001, 0.0000625, 0.016, 0.001}, s.v());

        s = Optimizers.apply(cfg, s, MODEL, p, GRAD2);
        // t = 2: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, p -= lr * (m / 0.19) / (sqrt(v / 0.001999) + 1e-8);
        // e.g. index 2 has g = 0 yet still moves: 0.49 - 0.01 * (0.09 / 0.19) / sqrt(0.000999 / 0.001999)
        assertValues(new double[] {-0.055, -0.08, 0.09, 0.0725, 0.16, 0.21}, s.m());
        assertValues(new double[] {0.00124975, 0.004996, 0.000999, 0.0003124375, 0.019984, 0.009999}, s.v());
        assertValues(new double[] {0.9366103542, -0.8733662967, 0.4832994177, 1.9803481804, -0.2512663370,
            0.0005058102}, p);
        assertEquals(2, s.step());
    }

    @Test
    void stateArraysAreUpdatedInPlace() {
        OptimizerConfig cfg = OptimizerConfig.adam(LR);
        OptimizerState s = OptimizerState.zeros(cfg, 6);
        OptimizerState next = Optimizers.apply(cfg, s, MODEL, START.clone(), GRAD1);
        assertSame(s.m(), next.m());
        assertSame(s.v(), next.v());
    }

    @Test
    void mismatchedLengthsAreRefusedWithAReason() {
        OptimizerConfig adam = OptimizerConfig.adam(LR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.apply(adam, OptimizerState.zeros(adam, 6), MODEL, new float[5], new float[6]));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        OptimizerState sgdState = OptimizerState.zeros(OptimizerConfig.paperSgd(), 6);
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.apply(adam, sgdState, MODEL, START.clone(), GRAD1));
        assertTrue(e.getMessage().contains("Adam state v"), e.getMessage());
    }

    private static void assertValues(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "index " + i);
        }
    }
}
