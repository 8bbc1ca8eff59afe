package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The host-side size check every DeviceKernels call makes before a launch (no GPU needed). */
class DeviceKernelsSizeCheckTest {
    @Test
    void anArrayTooSmallForTheCallIsRefusedNamingCallAndArray() {
        assertDoesNotThrow(() -> DeviceKernels.requireBytes(400, 100, 4, "biasActivation", "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceKernels.requireBytes(399, 100, 4, "biasActivation", "x"));
        assertTrue(e.getMessage().contains("biasActivation: x holds 399 bytes, the call touches 400"), e.getMessage());
        assertDoesNotThrow(() -> DeviceKernels.requireBytes(8, 1, 8, "sumSquaredError", "sse"));
        assertThrows(IllegalArgumentException.class, () -> DeviceKernels.requireBytes(7, 1, 8, "sumSquaredError", "sse"));
        assertThrows(IllegalArgumentException.class, () -> DeviceKernels.requireBytes(1L << 40, -1, 4, "x", "y"));
        assertThrows(ArithmeticException.class,
                () -> DeviceKernels.requireBytes(Long.MAX_VALUE, Long.MAX_VALUE / 2, 4, "x", "y"), "no overflow to a small need");
    }
}
