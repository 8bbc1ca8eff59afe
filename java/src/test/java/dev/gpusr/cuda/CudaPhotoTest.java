package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.engine.Engines;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.Pixels;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upscale command's pixel path on a real photo, through the CUDA engine's tile forward (what `gpu-sr upscale`
 * runs on a GPU): equal to the CPU result within one 8-bit level everywhere, whole-image tiles and small ones.
 */
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
        Pixels lr = ImageReader.readPixels(sample, 1 << 24);
        for (int k : BundledModels.SCALES) {
            SrcnnWeights w = BundledModels.load("x" + k, k);
            Pixels cpu;
            try (SrcnnEngine e = new CpuSrcnn(w, 0)) {
                cpu = new TiledPixelUpscaler(e, TiledPixelUpscaler.DEFAULT_TILE).upscale(lr);
            }
            try (SrcnnEngine e = Engines.open("0", w, new PrintStream(OutputStream.nullOutputStream()))) {
                assertTrue(e.id().startsWith("cuda"), e.name());
                for (int tile : new int[] {TiledPixelUpscaler.DEFAULT_TILE, 97}) {
                    PixelPath path = Engines.pixelPath(e, tile);
                    Pixels gpu = path.upscale(lr);
                    assertEquals(cpu.samples().length, gpu.samples().length);
                    int worst = 0;
                    for (int i = 0; i < cpu.samples().length; i++) {
                        worst = Math.max(worst, Math.abs((cpu.samples()[i] & 0xFF) - (gpu.samples()[i] & 0xFF)));
                    }
                    assertTrue(worst <= 1, "x" + k + " tile " + tile + ": GPU differs from the CPU by " + worst
                            + " levels");
                }
            }
        }
    }
}
