package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentTTest {
    /** Printed t tables (two-sided 95% = one-sided 0.975), to their 3 decimals. */
    @Test
    void quantilesMatchPrintedTables() {
        assertEquals(12.706, StudentT.quantile(0.975, 1), 5e-4);
        assertEquals(4.303, StudentT.quantile(0.975, 2), 5e-4);
        assertEquals(2.776, StudentT.quantile(0.975, 4), 5e-4);
        assertEquals(2.228, StudentT.quantile(0.975, 10), 5e-4);
        assertEquals(2.093, StudentT.quantile(0.975, 19), 5e-4);
        assertEquals(2.045, StudentT.quantile(0.975, 29), 5e-4);
        assertEquals(3.169, StudentT.quantile(0.995, 10), 5e-4);
        assertEquals(2.015, StudentT.quantile(0.95, 5), 5e-4);
    }

    /** Values of scipy 1.17 stats.t.ppf, to 1e-9. */
    @Test
    void quantilesMatchScipyClosely() {
        assertEquals(12.706204736174694, StudentT.quantile(0.975, 1), 1e-9);
        assertEquals(2.7764451051977934, StudentT.quantile(0.975, 4), 1e-9);
        assertEquals(2.045229642132703, StudentT.quantile(0.975, 29), 1e-9);
        assertEquals(1.9623390808264083, StudentT.quantile(0.975, 1000), 1e-9);
        // the normal limit: 1.959964 for very many degrees of freedom
        assertEquals(1.959964, StudentT.quantile(0.975, 1e7), 1e-5);
    }

    @Test
    void symmetricAndInverseOfTheCdf() {
        assertEquals(-StudentT.quantile(0.975, 7), StudentT.quantile(0.025, 7), 1e-12);
        assertEquals(0, StudentT.quantile(0.5, 3), 0);
        // t(1) is Cauchy: F(t) = 1/2 + atan(t)/pi, in closed form
        for (double t : new double[] {-3, -0.5, 0.2, 1, 4}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-12);
        }
        // t(2): F(t) = 1/2 + t / (2 sqrt(2 + t^2))
        for (double t : new double[] {-2, 0.7, 3}) {
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-12);
        }
        assertEquals(0.9, StudentT.cdf(StudentT.quantile(0.9, 13), 13), 1e-12);
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(Double.NaN, 3));
    }
}
