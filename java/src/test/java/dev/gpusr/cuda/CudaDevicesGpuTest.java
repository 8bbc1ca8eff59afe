package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.device.Engines;
import dev.gpusr.device.Engines.EngineUnavailableException;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Device listing and engine choice where a GPU is usable. */
@Tag("gpu")
class CudaDevicesGpuTest {
    @BeforeEach
    void gpu() {
        GpuTestData.assumeGpu();
    }

    @Test
    void everyGpuIsListedWithItsVersions() {
        CudaDevices.Listing listing = CudaDevices.list();
        assertEquals(Optional.empty(), listing.unavailableReason());
        assertFalse(listing.devices().isEmpty());
        for (CudaDevices.Device d : listing.devices()) {
            System.out.println("[gpu-sr] " + d.describe());
            assertFalse(d.name().isBlank(), d.describe());
            assertTrue(d.totalMemoryBytes() > 1L << 30, d.describe());
            assertTrue(d.computeMajor() >= 7, d.describe());
            assertTrue(d.driverVersion().matches("\\d+\\.\\d+"), d.describe());
            assertTrue(d.runtimeVersion().matches("\\d+\\.\\d+"), d.describe());
            assertTrue(d.cudnnVersion().matches("9\\.\\d+\\.\\d+"), "cuDNN 9 loads: " + d.describe());
        }
    }

    @Test
    void autoAndAnIndexOpenTheGpuWithoutNotice() {
        SrcnnWeights w = GpuTestData.weights(GpuTestData.Y_915, 1);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream notices = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (SrcnnEngine auto = Engines.open("auto", w, notices)) {
            assertEquals("cuda:0", auto.id());
            assertTrue(auto.name().startsWith("cuda:0 "), auto.name());
        }
        try (SrcnnEngine zero = Engines.open("0", w, notices,
                CudaOptions.defaults().withDeterministic(true))) {
            assertEquals("cuda:0", zero.id());
            assertTrue(((CudaSrcnn) zero).options().deterministic());
        }
        assertEquals("", buffer.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aGpuIndexBeyondTheLastIsRefusedWithTheCount() {
        int count = CudaDevices.list().devices().size();
        SrcnnWeights w = GpuTestData.weights(GpuTestData.Y_915, 2);
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
                () -> Engines.open(Integer.toString(count), w, System.err));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(count + " CUDA device"),
                e.getMessage());
    }
}
