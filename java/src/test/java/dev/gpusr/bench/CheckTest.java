package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CheckTest {
    @Test
    void comparesRelativeToTheReferencesScale() {
        double[] e = {1e-4, -2e-4, 4e-4};
        assertEquals(Check.Outcome.PASSED, Check.compare("g", e, new float[] {1e-4f, -2e-4f, 4.0001e-4f}, 1e-3).outcome());
        // 10% off on tiny gradients must fail even though the absolute error is 4e-5
        assertEquals(Check.Outcome.FAILED, Check.compare("g", e, new float[] {1e-4f, -2e-4f, 4.4e-4f}, 1e-3).outcome());
    }

    @Test
    void nanAndLengthMismatchFail() {
        assertEquals(Check.Outcome.FAILED, Check.compare("x", new double[] {1, 2}, new float[] {1, Float.NaN}, 0.5).outcome());
        assertEquals(Check.Outcome.FAILED, Check.compare("x", new double[] {1, 2}, new float[] {1}, 0.5).outcome());
        assertEquals(Check.Outcome.PASSED, Check.compare("x", new double[] {0, 0}, new float[] {0, 0}, 0).outcome());
    }

    @Test
    void combiningKeepsTheWorstOutcome() {
        Check ok = Check.passed("a");
        Check bad = Check.failed("b");
        Check unknown = Check.unchecked("c");
        assertEquals(bad, ok.and(bad));
        assertEquals(bad, unknown.and(bad));
        assertEquals(unknown, ok.and(unknown));
        assertEquals(Check.Outcome.PASSED, ok.and(Check.passed("d")).outcome());
    }
}
