package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.ReferenceUpscaler;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageReader;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole upscale path on a real photo: the GPU result equals the CPU result within one 8-bit level everywhere. */
@Tag("gpu")
class CudaPhotoTest {
    @TempDir
    Path dir;

    @Test
    void bundledModelOnTheSamplePhotoMatchesTheCpuWithinOneLevel() throws Exception {
        Assumptions.assumeTrue(GpuAvailability.usable(), () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse(""));
        Path sample = dir.resolve("butterfly.jpg");
        try (InputStream in = CudaPhotoTest.class.getResourceAsStream("/dev/gpusr/samples/butterfly.jpg")) {
            Files.copy(in, sample, StandardCopyOption.REPLACE_EXISTING);
        }
        Image lr = ImageReader.read(sample, 1 << 24);
        for (int k : BundledModels.SCALES) {
            SrcnnWeights w = BundledModels.load("x" + k, k);
            Image cpu;
            Image gpu;
            try (SrcnnEngine e = new CpuSrcnn(w, 0)) {
                cpu = new ReferenceUpscaler(e, ReferenceUpscaler.DEFAULT_TILE).upscale(lr);
            }
            try (SrcnnEngine e = Engines.open("0", w, new PrintStream(OutputStream.nullOutputStream()))) {
                assertTrue(e.id().startsWith("cuda"), e.name());
                gpu = new ReferenceUpscaler(e, ReferenceUpscaler.DEFAULT_TILE).upscale(lr);
            }
            int worst = 0;
            for (int c = 0; c < cpu.planes().length; c++) {
                float[] a = cpu.planes()[c];
                float[] b = gpu.planes()[c];
                assertEquals(a.length, b.length);
                for (int i = 0; i < a.length; i++) {
                    int la = Math.round(Math.min(1f, Math.max(0f, a[i])) * 255f);
                    int lb = Math.round(Math.min(1f, Math.max(0f, b[i])) * 255f);
                    worst = Math.max(worst, Math.abs(la - lb));
                }
            }
            assertTrue(worst <= 1, "x" + k + ": GPU differs from the CPU by " + worst + " levels");
        }
    }
}
