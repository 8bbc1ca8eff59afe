package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up policy of the host timer: a count of runs and, where given, a minimum time before any run is timed. */
class HostTimerTest {
    @Test
    void warmsUpForTheMinimumTimeBeforeTiming() throws Exception {
        List<Long> starts = new ArrayList<>();
        long t0 = System.nanoTime();
        Timing timing = HostTimer.measure(run -> {
            starts.add(System.nanoTime());
            Thread.sleep(2);
        }, 1, 60, 0, 4, 4);
        assertEquals(4, timing.repeats());
        // the first timed run (the fourth from the end) starts after the 60 ms of warm-up, not after one 2 ms run
        long firstTimed = starts.get(starts.size() - 4);
        assertTrue((firstTimed - t0) / 1e6 >= 60, "timed from " + (firstTimed - t0) / 1e6 + " ms");
        assertTrue(starts.size() - 4 >= 2, starts.size() - 4 + " warm-up runs");
    }

    @Test
    void withoutAMinimumTimeTheCountOfWarmUpsIsKept() throws Exception {
        int[] runs = {0};
        HostTimer.measure(run -> runs[0]++, 3, 0, 0, 5, 5);
        assertEquals(3 + 5, runs[0]);
    }
}
