package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesThePublishedSequenceAndSplittableRandom() {
        // Vigna's reference splitmix64.c from state 0
        SplitMix64 rng = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
        // java.util.SplittableRandom(seed) runs the same generator
        SplitMix64 ours = new SplitMix64(-123456789L);
        SplittableRandom theirs = new SplittableRandom(-123456789L);
        for (int i = 0; i < 1000; i++) assertEquals(theirs.nextLong(), ours.nextLong());
    }

    @Test
    void theStateContinuesTheSequenceExactly() {
        SplitMix64 a = new SplitMix64(42);
        for (int i = 0; i < 17; i++) a.nextGaussian();
        SplitMix64 b = new SplitMix64(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
            assertEquals(a.nextInt(1000), b.nextInt(1000));
            assertEquals(a.nextGaussian(), b.nextGaussian());
        }
    }

    @Test
    void nextIntIsInRangeAndUniform() {
        SplitMix64 rng = new SplitMix64(7);
        int bound = 10;
        int draws = 100_000;
        int[] counts = new int[bound];
        for (int i = 0; i < draws; i++) counts[rng.nextInt(bound)]++;
        double expected = (double) draws / bound;
        double chi2 = 0;
        for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
        // 9 degrees of freedom: P(chi2 > 27.9) = 0.001
        assertTrue(chi2 < 27.9, "chi-square " + chi2 + " counts " + Arrays.toString(counts));
        assertEquals(0, new SplitMix64(1).nextInt(1));
        int big = Integer.MAX_VALUE;
        for (int i = 0; i < 1000; i++) {
            int v = rng.nextInt(big);
            assertTrue(v >= 0 && v < big);
        }
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
    }

    @Test
    void gaussianHasUnitMomentsAndDoubleIsInUnitInterval() {
        SplitMix64 rng = new SplitMix64(3);
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            sum += g;
            sq += g * g;
            double u = rng.nextDouble();
            assertTrue(u >= 0 && u < 1);
        }
        // standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032
        assertEquals(0, sum / n, 0.011);
        assertEquals(1, sq / n, 0.016);
    }

    @Test
    void shuffleIsASeededPermutation() {
        int[] a = new int[1000];
        for (int i = 0; i < a.length; i++) a[i] = i;
        int[] b = a.clone();
        int[] c = a.clone();
        new SplitMix64(5).shuffle(a);
        new SplitMix64(5).shuffle(b);
        new SplitMix64(6).shuffle(c);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        int fixed = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == i) fixed++;
        assertTrue(fixed < 10, fixed + " fixed points: not shuffled"); // expected about 1
    }
}
