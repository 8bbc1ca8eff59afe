package dev.gpusr.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.device.Engines.EngineUnavailableException;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Engine choice where no GPU is usable (the build machines): "auto" falls back with one notice, "0" refuses. */
class EnginesTest {
    private static final SrcnnWeights WEIGHTS = SrcnnWeights.gaussian(SrcnnConfig.defaults(3), 1e-3, 1);

    @Test
    void autoFallsBackToTheCpuWithOneNoticeLineSayingWhy() {
        Assumptions.assumeFalse(GpuAvailability.usable(), "a CUDA device is usable here; CudaSrcnnTest covers auto");
        String reason = GpuAvailability.unavailableReason().orElseThrow();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream notices = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        SrcnnEngine engine = Engines.open("auto", WEIGHTS, notices);
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(1, printed.lines().count(), "exactly one notice line, got: " + printed);
        assertTrue(printed.contains(reason), "the notice names the reason: " + printed);
        assertTrue(printed.contains("using the CPU engine"), printed);
        try (engine) {
            assertEquals("cpu", engine.id());
        }
    }

    @Test
    void anExplicitGpuThatIsNotUsableIsRefusedWithTheReason() {
        Assumptions.assumeFalse(GpuAvailability.usable(), "a CUDA device is usable here; CudaSrcnnTest covers GPU 0");
        String reason = GpuAvailability.unavailableReason().orElseThrow();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
                () -> Engines.open("0", WEIGHTS, new PrintStream(buffer, true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("GPU 0 requested, but "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertEquals(0, buffer.size(), "no notice for an explicit device");
    }

    @Test
    void deviceNamesOtherThanAutoCpuOrAnIndexAreBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Engines.open("gpu", WEIGHTS, System.err));
        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Engines.open("-1", WEIGHTS, System.err));
    }

    @Test
    void cpuIsTheCpuEngineWithoutNotice() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream notices = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (SrcnnEngine engine = Engines.open(" CPU ", WEIGHTS, notices)) {
            assertEquals("cpu", engine.id());
        }
        assertEquals(0, buffer.size());
    }
}
