package dev.gpusr.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.device.Engines;
import dev.gpusr.image.ImageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputPlanTest {
    @Test
    void groupsHaveAboutEqualByteTotals() {
        Random rnd = new Random(3);
        List<WorkItem> items = new ArrayList<>();
        long largest = 0;
        for (int i = 0; i < 500; i++) {
            long b = 1 + (long) Math.exp(rnd.nextGaussian() * 0.8 + 13); // log-normal sizes, like a photo archive
            largest = Math.max(largest, b);
            items.add(new WorkItem("f" + i, b, "o" + i, null));
        }
        List<List<WorkItem>> groups = InputPlan.balance(items, 8);
        long min = Long.MAX_VALUE, max = 0;
        int count = 0;
        for (List<WorkItem> g : groups) {
            long t = g.stream().mapToLong(WorkItem::bytes).sum();
            min = Math.min(min, t);
            max = Math.max(max, t);
            count += g.size();
        }
        assertEquals(500, count);
        assertTrue(max - min <= largest, "spread " + (max - min) + " > largest file " + largest);
        // by count alone (8 slices of 62-63 files in listing order) the spread is several times larger
        long sliceMin = Long.MAX_VALUE, sliceMax = 0;
        for (int g = 0; g < 8; g++) {
            long t = items.subList(g * 500 / 8, (g + 1) * 500 / 8).stream().mapToLong(WorkItem::bytes).sum();
            sliceMin = Math.min(sliceMin, t);
            sliceMax = Math.max(sliceMax, t);
        }
        assertTrue(3 * (max - min) < sliceMax - sliceMin, "spread " + (max - min) + " vs by count " + (sliceMax - sliceMin));
    }

    @Test
    void outputNamesFollowTheCli() {
        assertEquals("a.png", ImageTask.outputName("a.png", null));
        assertEquals("a.JPG", ImageTask.outputName("a.JPG", null));
        assertEquals("a.png", ImageTask.outputName("a.gif", null));
        assertEquals("a.jpg", ImageTask.outputName("a.png", ImageFormat.JPG));
        assertEquals("a.b.tiff", ImageTask.outputName("a.b.tif", ImageFormat.TIFF));
    }

    @Test
    void deviceChoiceWithoutSparkGpus() {
        assertEquals("auto", UpscalePartition.engineDevice("auto", null));
        assertEquals("cpu", UpscalePartition.engineDevice("CPU", null));
        assertEquals("1", UpscalePartition.engineDevice("1", null));
        Engines.EngineUnavailableException e = assertThrows(Engines.EngineUnavailableException.class,
                () -> UpscalePartition.engineDevice("gpu", null));
        assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"), e.getMessage());
    }

    @Test
    void globRoots() {
        assertTrue(InputPlan.hasGlob("/data/*/x"));
        assertTrue(InputPlan.isUnder(new org.apache.hadoop.fs.Path("file:/a/b/c"), new org.apache.hadoop.fs.Path("file:/a/b")));
        assertTrue(!InputPlan.isUnder(new org.apache.hadoop.fs.Path("file:/a/bc"), new org.apache.hadoop.fs.Path("file:/a/b")));
    }
}
