package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The check oracle itself: a hand-worked convolution, and backward passes that are the forward's adjoints. */
class CpuReferenceTest {
    @Test
    void forwardByHand() {
        // 1 channel 2x2 input, 3x3 kernel of ones plus bias 0.5, zero padding: each output sums all four inputs
        float[] x = {1, 2, 3, 4};
        float[] w = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        double[] y = CpuReference.convForward(x, 1, 1, 2, 2, w, new float[] {0.5f}, 1, 3);
        assertArrayEquals(new double[] {10.5, 10.5, 10.5, 10.5}, y, 0);
        // cross-correlation, not convolution: a kernel with a single 1 at the right of the centre reads x[y][x+1]
        float[] shift = {0, 0, 0, 0, 0, 1, 0, 0, 0};
        assertArrayEquals(new double[] {2, 0, 4, 0}, CpuReference.convForward(x, 1, 1, 2, 2, shift, null, 1, 3), 0);
    }

    @Test
    void backwardPassesAreAdjointsOfTheForward() {
        int n = 2, cin = 3, cout = 4, h = 6, w = 5, f = 3;
        float[] x = BenchData.uniform(n * cin * h * w, 1, -1, 1);
        float[] wt = BenchData.uniform(cout * cin * f * f, 2, -1, 1);
        float[] dy = BenchData.uniform(n * cout * h * w, 3, -1, 1);
        double[] y = CpuReference.convForward(x, n, cin, h, w, wt, null, cout, f);
        double dyDotY = dot(dy, y);
        // <dy, conv(x, w)> = <bwdData(dy, w), x> = <bwdFilter(x, dy), w>
        assertEquals(dyDotY, dot(x, CpuReference.convBackwardData(dy, n, cin, h, w, wt, cout, f)), 1e-9);
        assertEquals(dyDotY, dot(wt, CpuReference.convBackwardFilter(x, dy, n, cin, h, w, cout, f)), 1e-9);
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void smallOpsByHand() {
        double[] y = CpuReference.biasActivation(new float[] {-1, 0.5f, 2, -3}, new float[] {0.25f, 1}, 1, 2, 2, true);
        assertArrayEquals(new double[] {0, 0.75, 3, 0}, y, 0);
        CpuReference.BiasActivationGrad g = CpuReference.biasActivationBackward(new float[] {1, 2, 3, 4},
                new float[] {0, 1, -1, 2}, 1, 2, 2, true);
        assertArrayEquals(new double[] {0, 2, 0, 4}, g.dx(), 0);
        assertArrayEquals(new double[] {2, 4}, g.dbias(), 0);
        CpuReference.MseResult m = CpuReference.mse(new float[] {1, 2}, new float[] {0, 4});
        assertEquals(2.5, m.loss(), 0);
        assertArrayEquals(new double[] {1, -2}, m.grad(), 0);
        // q(1.2) = 255, q(0.5) = round(127.5) = 128 (half up), q(-0.1) = 0
        assertEquals(255 * 255 + 128 * 128, CpuReference.sumSquaredError(new float[] {1.2f, 0.5f}, new float[] {-0.1f, 0f},
                1, 1, 2, 0), 0);
        // as the losses.cu kernel: the product in single precision (128.4999999 exactly, 128.5f in float -> 129)
        assertEquals(129 * 129, CpuReference.sumSquaredError(new float[] {0.50392157f}, new float[] {0f}, 1, 1, 1, 0), 0);
        double[][] sgd = CpuReference.sgdMomentum(new float[] {1, 1}, new float[] {1, 1}, new float[] {2, 2},
                new int[] {1, 2}, new float[] {0.1f, 0.5f}, 0.5f);
        assertArrayEquals(new double[] {2, 2}, sgd[1], 0);
        assertArrayEquals(new double[] {1 - 0.1f * 2.0, 1 - 0.5 * 2}, sgd[0], 1e-7);
    }
}
