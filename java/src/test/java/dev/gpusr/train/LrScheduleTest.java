package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedules' factors against values worked out by hand. */
class LrScheduleTest {
    @Test
    void warmUpRampsLinearlyThenCosineFallsToNearlyZeroAtTheLastUpdate() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 4, null);
        long total = 14; // 4 warm-up updates, then a cosine over the other 10
        assertEquals(0.25, s.factor(0, total), 1e-15);
        assertEquals(0.50, s.factor(1, total), 1e-15);
        assertEquals(1.00, s.factor(3, total), 1e-15);
        assertEquals(1.00, s.factor(4, total), 1e-15); // cos(0)
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.3)), s.factor(7, total), 1e-15);
        assertEquals(0.5, s.factor(9, total), 1e-15); // half way: cos(pi/2) = 0
        assertEquals(0.024471741852423234, s.factor(13, total), 1e-15); // 0.5 * (1 + cos(0.9 pi))
    }

    @Test
    void stepDropsTenfoldAtHalfAndThreeQuartersOrWhereTold() {
        LrSchedule byFraction = new LrSchedule(LrSchedule.Kind.STEP, 0, null);
        assertEquals(1.0, byFraction.factor(49, 100), 1e-15);
        assertEquals(0.1, byFraction.factor(50, 100), 1e-15);
        assertEquals(0.1, byFraction.factor(74, 100), 1e-15);
        assertEquals(0.01, byFraction.factor(75, 100), 1e-15);
        LrSchedule told = new LrSchedule(LrSchedule.Kind.STEP, 2, LrSchedule.parseMilestones("10, 30"));
        assertEquals(0.5, told.factor(0, 100), 1e-15);
        assertEquals(1.0, told.factor(9, 100), 1e-15);
        assertEquals(0.1, told.factor(10, 100), 1e-15);
        assertEquals(0.01, told.factor(30, 100), 1e-15);
        assertEquals(0.01, told.factor(99, 100), 1e-15);
    }

    @Test
    void constantIsOneAndRatesScaleEachLayerInFloat() {
        LrSchedule c = LrSchedule.constant();
        assertEquals(1.0, c.factor(0, 10), 0);
        assertEquals(1.0, c.factor(9, 10), 0);
        LrSchedule cosine = new LrSchedule(LrSchedule.Kind.COSINE, 0, null);
        assertArrayEquals(new float[] {5e-4f, 5e-4f, 5e-5f}, cosine.rates(new float[] {1e-3f, 1e-3f, 1e-4f}, 5, 10));
    }

    @Test
    void optionsRoundTripAndBadInputIsRefused() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.STEP, 100, new long[] {1000, 2000});
        Map<String, String> options = new LinkedHashMap<>();
        s.putOptions(options);
        assertEquals(Map.of("lr_schedule", "step", "warmup", "100", "lr_steps", "1000,2000"), options);
        assertEquals(s, LrSchedule.fromOptions(options));
        assertEquals(LrSchedule.constant(), LrSchedule.fromOptions(Map.of())); // checkpoints from before schedules
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parseKind("linear"));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.STEP, 0, new long[] {5, 3}));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.COSINE, 0, new long[] {5}));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.COSINE, -1, null));
    }
}
