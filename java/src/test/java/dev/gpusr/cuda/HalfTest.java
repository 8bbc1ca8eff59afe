package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {
    private static int bits(float f) {
        return Half.fromFloat(f) & 0xffff;
    }

    @Test
    void knownEncodings() {
        assertEquals(0x3c00, bits(1f));
        assertEquals(0xc000, bits(-2f));
        assertEquals(0x7bff, bits(65504f));
        assertEquals(0x7c00, bits(65520f), "rounds up to infinity");
        assertEquals(0x2e66, bits(0.1f));
        assertEquals(0x0001, bits(0x1p-24f), "smallest subnormal");
        assertEquals(0x0000, bits(0x1p-26f), "below half the smallest subnormal");
        assertEquals(0x0400, bits(0x1p-14f), "smallest normal");
        // ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10
        assertEquals(0x3c00, bits(1f + 0x1p-11f));
        assertEquals(0x3c02, bits(1f + 3 * 0x1p-11f));
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(((h >> 10) & 0x1f) == 0x1f && (h & 0x3ff) != 0);
                continue;
            }
            assertEquals(h, Half.fromFloat(f) & 0xffff, "half 0x" + Integer.toHexString(h));
        }
    }
}
