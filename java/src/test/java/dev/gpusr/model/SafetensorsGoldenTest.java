package dev.gpusr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpusr.testing.Golden;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Files written by Python's official safetensors library load with the right config and values. */
class SafetensorsGoldenTest {
    static Path golden(String name) {
        return Golden.path(name);
    }

    @Test
    void loadsPythonWrittenWeights915() throws Exception {
        SrcnnWeights w = SrcnnWeights.load(golden("srcnn915_y.weights.safetensors"), 0);
        SrcnnConfig c = w.config();
        assertEquals(SrcnnConfig.ColorSpace.Y, c.color());
        assertEquals("9-1-5", c.filterName());
        assertEquals(64, c.n1());
        assertEquals(32, c.n2());
        assertEquals(8032 + 64 + 32 + 1, c.paramCount());
        // our writer's bytes read back to the same values
        SrcnnWeights back = SrcnnWeights.fromSafetensors(Safetensors.parse(w.toBytes()), c.scale());
        assertArrayEquals(w.params(), back.params());
        assertEquals(c, back.config());
    }
}
