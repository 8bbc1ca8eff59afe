package dev.gpusr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** --device lists: parsing, refusals, one engine per device and worker. */
class EnginesDeviceListTest {
    @Test
    void listsParse() {
        assertEquals(List.of("auto"), Engines.parseDevices(null));
        assertEquals(List.of("cpu"), Engines.parseDevices(" CPU "));
        assertEquals(List.of("0", "1"), Engines.parseDevices("0,1"));
        assertEquals(List.of("1", "3"), Engines.parseDevices("1, 3"));
        for (String bad : new String[] {"0,0", "0,x", "0,-1", "0,,1"}) {
            assertThrows(IllegalArgumentException.class, () -> Engines.parseDevices(bad), bad);
        }
    }

    @Test
    void allWithoutAGpuIsUnavailable() {
        Assumptions.assumeFalse(GpuAvailability.usable(), "a GPU is present");
        Engines.EngineUnavailableException e = assertThrows(Engines.EngineUnavailableException.class,
                () -> Engines.parseDevices("all"));
        assertTrue(e.getMessage().startsWith("--device all: no usable CUDA device"), e.getMessage());
    }

    @Test
    void workersPerDeviceOpenSeparateEngines() {
        SrcnnWeights w = SrcnnWeights.gaussian(SrcnnConfig.defaults(2), 0.01, 1);
        List<SrcnnEngine> engines = Engines.openAll("cpu", 2, w, new PrintStream(new ByteArrayOutputStream()),
                dev.gpusr.cuda.CudaOptions.defaults());
        try {
            assertEquals(2, engines.size());
            assertTrue(engines.get(0) != engines.get(1));
            assertEquals("cpu", engines.get(1).id());
        } finally {
            engines.forEach(SrcnnEngine::close);
        }
    }
}
