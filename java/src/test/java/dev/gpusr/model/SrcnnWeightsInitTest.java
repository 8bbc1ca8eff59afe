package dev.gpusr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.model.SrcnnConfig.Param;
import org.junit.jupiter.api.Test;

/** The two fresh initialisations: each tensor's sample statistics against the std its formula gives. */
class SrcnnWeightsInitTest {
    private static double[] meanStd(float[] v) {
        double sum = 0, sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        return new double[] {mean, Math.sqrt(sq / v.length - mean * mean)};
    }

    /** 9-5-5 x3 on Y: fan-ins 81, 1600, 800; He stds sqrt(2/81) = 0.1571, sqrt(2/1600) = 0.03536, sqrt(1/800) = 0.03536. */
    @Test
    void heScalesEachLayerByItsFanIn() {
        SrcnnConfig c = new SrcnnConfig(1, 64, 32, 9, 5, 5, 3, SrcnnConfig.ColorSpace.Y);
        SrcnnWeights w = SrcnnWeights.he(c, 7);
        double[][] expected = {{Param.CONV1_WEIGHT.ordinal(), 0.15713}, {Param.CONV2_WEIGHT.ordinal(), 0.035355},
            {Param.CONV3_WEIGHT.ordinal(), 0.035355}};
        for (double[] e : expected) {
            Param p = Param.values()[(int) e[0]];
            float[] t = w.tensor(p);
            double[] ms = meanStd(t);
            // the sample std of n normal draws has a relative standard error of 1/sqrt(2n); allow five of them
            double tolerance = 5 / Math.sqrt(2.0 * t.length);
            assertEquals(e[1], ms[1], e[1] * tolerance, p + " std");
            assertEquals(0, ms[0], 5 * e[1] / Math.sqrt(t.length), p + " mean");
        }
        for (int layer = 0; layer < 3; layer++) {
            for (float b : w.tensor(Param.bias(layer))) assertEquals(0f, b, "bias of layer " + layer);
        }
        assertArrayEquals(w.params(), SrcnnWeights.he(c, 7).params(), "same seed, same weights");
        assertTrue(meanStd(SrcnnWeights.gaussian(c, 0.001, 7).tensor(Param.CONV1_WEIGHT))[1] < 0.0012);
    }
}
