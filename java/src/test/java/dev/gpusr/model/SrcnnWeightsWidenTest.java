package dev.gpusr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.engine.ReferenceSrcnn;
import dev.gpusr.model.SrcnnConfig.Param;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Growing a model's filters: the grown model computes the same image (the reference in double), taps in place. */
class SrcnnWeightsWidenTest {
    private static final SrcnnConfig SMALL = new SrcnnConfig(1, 6, 4, 3, 1, 3, 2, SrcnnConfig.ColorSpace.Y);

    /** Random weights and non-zero biases, so a misplaced tap or a lost bias changes the output. */
    private static SrcnnWeights random(SrcnnConfig c) {
        SrcnnWeights w = SrcnnWeights.he(c, 5);
        Random rng = new Random(6);
        for (Param p : Param.values()) {
            if (p.isWeight) continue;
            int off = c.offset(p);
            for (int i = 0; i < c.size(p); i++) w.params()[off + i] = (float) (rng.nextGaussian() * 0.1);
        }
        return w;
    }

    @Test
    void aGrownModelComputesTheSameImageAtEveryPixelBordersIncluded() {
        SrcnnWeights small = random(SMALL);
        SrcnnConfig large = new SrcnnConfig(1, 6, 4, 5, 5, 7, 2, SrcnnConfig.ColorSpace.Y);
        SrcnnWeights grown = small.widened(large);
        assertEquals(large, grown.config());
        Tensor image = new Tensor(1, 1, 11, 13);
        Random rng = new Random(7);
        for (int i = 0; i < image.data.length; i++) image.data[i] = rng.nextFloat();
        double[] a = ReferenceSrcnn.of(SMALL, small.params()).forward(image);
        double[] b = ReferenceSrcnn.of(large, grown.params()).forward(image);
        assertArrayEquals(a, b, 1e-12);
        // the output is not trivial: the ReLUs are partly open
        assertTrue(java.util.Arrays.stream(a).distinct().count() > 100);
    }

    @Test
    void eachFilterSitsAtTheCentreWithZerosAround() {
        SrcnnWeights small = random(SMALL);
        SrcnnConfig large = new SrcnnConfig(1, 6, 4, 3, 5, 3, 2, SrcnnConfig.ColorSpace.Y);
        SrcnnWeights grown = small.widened(large);
        float[] w2 = small.tensor(Param.CONV2_WEIGHT); // 4 x 6 x 1 x 1
        float[] g2 = grown.tensor(Param.CONV2_WEIGHT); // 4 x 6 x 5 x 5
        for (int k = 0; k < 24; k++) {
            for (int t = 0; t < 25; t++) assertEquals(t == 12 ? w2[k] : 0f, g2[k * 25 + t], "kernel " + k + " tap " + t);
        }
        assertArrayEquals(small.tensor(Param.CONV1_WEIGHT), grown.tensor(Param.CONV1_WEIGHT));
        assertArrayEquals(small.tensor(Param.CONV2_BIAS), grown.tensor(Param.CONV2_BIAS));
        assertArrayEquals(small.tensor(Param.CONV3_BIAS), grown.tensor(Param.CONV3_BIAS));
    }

    @Test
    void onlyFiltersGrowAndNeverShrink() {
        SrcnnWeights small = random(SMALL);
        assertThrows(IllegalArgumentException.class,
                () -> small.widened(new SrcnnConfig(1, 6, 4, 1, 1, 3, 2, SrcnnConfig.ColorSpace.Y)));
        assertThrows(IllegalArgumentException.class,
                () -> small.widened(new SrcnnConfig(1, 8, 4, 3, 1, 3, 2, SrcnnConfig.ColorSpace.Y)));
    }
}
