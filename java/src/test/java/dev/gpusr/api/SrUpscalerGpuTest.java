package dev.gpusr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.Jobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch on every GPU (--device all: one worker per card, two workers per card here) gives the CPU's files within
 * one level per sample, for 8- and 16-bit, gray, RGB and RGBA inputs.
 */
@Tag("gpu")
class SrUpscalerGpuTest {
    @TempDir
    Path dir;

    @Test
    void batchOnAllGpusMatchesTheCpuWithinOneLevel() throws Exception {
        Assumptions.assumeTrue(GpuAvailability.usable(), () -> "no usable CUDA device: "
                + GpuAvailability.unavailableReason().orElse(""));
        Path in = Files.createDirectories(dir.resolve("in"));
        List<Path> files = new ArrayList<>();
        int[][] shapes = {{300, 200, 3, 8}, {257, 131, 4, 16}, {1500, 1100, 1, 8}, {640, 480, 3, 16}};
        Random r = new Random(3);
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            Pixels p = Pixels.allocate(s[0], s[1], s[2], s[3], null);
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[0]; x++) {
                    for (int c = 0; c < s[2]; c++) {
                        double v = 0.5 + 0.45 * Math.sin(x * 0.05 + c) * Math.cos(y * 0.07) + 0.03 * r.nextGaussian();
                        p.setSample(x, y, c, (int) Math.round(Math.max(0, Math.min(1, v)) * p.maxValue()));
                    }
                }
            }
            Path f = in.resolve("img" + i + ".png");
            ImageWriter.write(p, f, ImageFormat.PNG, WriteOptions.defaults());
            files.add(f);
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        BatchResult cpu;
        try (SrUpscaler up = SrUpscaler.open(Options.builder().model("x2").device("cpu").notices(quiet).build())) {
            cpu = up.batch(files, dir.resolve("cpu"), BatchListener.NONE);
        }
        BatchResult gpu;
        try (SrUpscaler up = SrUpscaler.open(Options.builder().model("x2").device("all").jobs(new Jobs(2, 2, 2))
                .notices(quiet).build())) {
            assertTrue(up.describe().contains("cuda"), up.describe());
            gpu = up.batch(files, dir.resolve("gpu"), BatchListener.NONE);
        }
        assertTrue(cpu.allSucceeded(), cpu.toString());
        assertTrue(gpu.allSucceeded(), gpu.toString());
        for (Path f : files) {
            Pixels a = ImageReader.readPixels(dir.resolve("cpu").resolve(f.getFileName()), 1 << 26);
            Pixels b = ImageReader.readPixels(dir.resolve("gpu").resolve(f.getFileName()), 1 << 26);
            assertEquals(a.toString(), b.toString());
            int worst = 0;
            for (int y = 0; y < a.height(); y++) {
                for (int x = 0; x < a.width(); x++) {
                    for (int c = 0; c < a.channels(); c++) {
                        worst = Math.max(worst, Math.abs(a.sample(x, y, c) - b.sample(x, y, c)));
                    }
                }
            }
            int oneLevel = a.bitDepth() == 16 ? 257 : 1;
            assertTrue(worst <= oneLevel, f + ": GPU differs from the CPU by " + worst + " (one 8-bit level is "
                    + oneLevel + ")");
        }
    }
}
