package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.engine.OverlappedPixelPath;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.pipeline.BatchJob;
import dev.gpusr.pipeline.BatchPipeline;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.Jobs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlapped device pixel path ({@code GPUSR_CUDA_PIXELS=device}: upload, compute and download of different
 * images on three streams) on real photos and mixed sizes: exactly the bytes of the one-image-at-a-time device path
 * ({@link CudaPixelPath}), and within one 8-bit level of the CPU engine; buffers grow and are reused across sizes; a
 * bad image fails alone; close with images in flight waits for them.
 */
@Tag("gpu")
class CudaStreamedPixelsGpuTest {
    @TempDir
    Path dir;

    private Path resource(String name, String target) throws Exception {
        Path f = dir.resolve(target);
        try (InputStream in = CudaStreamedPixelsGpuTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name);
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    /** Real photos of several sizes, a crop of one, and synthetic layouts (alpha, gray, 16-bit); small and large mixed. */
    private List<Pixels> mixedImages() throws Exception {
        Pixels butterfly = ImageReader.readPixels(resource("/dev/gpusr/samples/butterfly.jpg", "butterfly.jpg"), 1 << 24);
        Pixels eval = ImageReader.readPixels(resource("/golden/eval_input.png", "eval.png"), 1 << 24);
        Pixels plain = ImageReader.readPixels(resource("/dev/gpusr/image/fixtures/plain.jpg", "plain.jpg"), 1 << 24);
        Pixels upright = ImageReader.readPixels(resource("/dev/gpusr/image/fixtures/upright-60x120.png", "up.png"),
                1 << 24);
        Pixels crop = crop(butterfly, 37, 21, 301, 177);
        return List.of(eval, butterfly, plain, CudaPixelPathGpuTest.photo(57, 43, 4, 8, 1), crop, upright,
                CudaPixelPathGpuTest.photo(33, 35, 2, 16, 2), butterfly, eval);
    }

    static Pixels crop(Pixels p, int x0, int y0, int w, int h) {
        Pixels out = Pixels.allocate(w, h, p.channels(), p.bitDepth(), p.iccProfile());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < p.channels(); c++) out.setSample(x, y, c, p.sample(x0 + x, y0 + y, c));
            }
        }
        return out;
    }

    /** Two in flight, the oldest awaited when full: as the batch's engine worker submits. */
    static List<Pixels> windowed(PixelPath path, List<Pixels> inputs) {
        List<Pixels> out = new ArrayList<>();
        Deque<PixelPath.Pending> window = new ArrayDeque<>();
        for (Pixels lr : inputs) {
            if (window.size() == path.depth()) out.add(window.removeFirst().await());
            window.add(path.submit(lr, lr.bitDepth()));
        }
        while (!window.isEmpty()) out.add(window.removeFirst().await());
        return out;
    }

    @Test
    void overlappedGivesTheSerialDevicePathsBytesAndTheCpuWithinOneLevel() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        List<Pixels> in = mixedImages();
        for (int tile : new int[] {TiledPixelUpscaler.DEFAULT_TILE, 97}) {
            List<Pixels> serial = new ArrayList<>();
            List<Pixels> overlapped;
            // one engine for both, so both run the same cuDNN algorithms (chosen once per shape)
            try (CudaSrcnn engine = new CudaSrcnn(0, w)) {
                try (CudaPixelPath path = new CudaPixelPath(engine, tile)) {
                    for (Pixels lr : in) serial.add(path.upscale(lr, lr.bitDepth()));
                }
                try (OverlappedPixelPath path = CudaStreamedPixels.open(engine, tile)) {
                    assertEquals(CudaStreamedPixels.SLOTS, path.depth());
                    overlapped = windowed(path, in);
                    assertEquals(0, path.inFlight());
                }
            }
            for (int i = 0; i < in.size(); i++) {
                Pixels lr = in.get(i);
                assertArrayEquals(serial.get(i).samples(), overlapped.get(i).samples(),
                        "image " + i + " " + lr + ", tile " + tile + ": overlapped differs from serial");
                // the CPU reference once per input is enough (the list repeats two, to reuse grown buffers)
                if (tile != 97 || in.subList(0, i).contains(lr)) continue;
                int levels = CudaPixelPathGpuTest.worstLevels(CudaPixelPathGpuTest.cpuReference(w, lr, lr.bitDepth()),
                        overlapped.get(i));
                assertTrue(levels <= (lr.bitDepth() == 16 ? 257 : 1), "image " + i + " " + lr + ": " + levels
                        + " levels off the CPU");
            }
        }
    }

    @Test
    void aBadImageFailsAloneAndCloseWaitsForImagesInFlight() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        Pixels good = CudaPixelPathGpuTest.photo(41, 29, 3, 8, 3), other = CudaPixelPathGpuTest.photo(64, 48, 1, 8, 4);
        try (CudaSrcnn engine = new CudaSrcnn(0, w)) {
            Pixels want, wantOther;
            try (CudaPixelPath serial = new CudaPixelPath(engine, 512)) {
                want = serial.upscale(good);
                wantOther = serial.upscale(other);
            }
            OverlappedPixelPath path = CudaStreamedPixels.open(engine, 512);
            PixelPath.Pending a = path.submit(good, 8);
            int min = path.minInputSide();
            assertThrows(IllegalArgumentException.class, () -> path.submit(CudaPixelPathGpuTest.photo(min - 1, 20, 3,
                    8, 5), 8));
            PixelPath.Pending b = path.submit(other, 8);
            assertArrayEquals(want.samples(), a.await().samples());
            assertArrayEquals(wantOther.samples(), b.await().samples());
            // close with two images on the device: it waits for them and frees everything
            path.submit(good, 8);
            path.submit(other, 8);
            path.close();
            assertEquals(0, path.inFlight());
            // the engine is still usable, with a new overlapped path
            try (OverlappedPixelPath again = CudaStreamedPixels.open(engine, 512)) {
                assertArrayEquals(want.samples(), again.upscale(good, 8).samples());
            }
        }
    }

    @Test
    void aBatchThroughTheOverlappedPathWritesTheSerialPathsImages() throws Exception {
        GpuTestData.assumeGpu();
        SrcnnWeights w = BundledModels.load("x2", 2);
        Path out = Files.createDirectories(dir.resolve("out"));
        List<BatchJob> jobs = new ArrayList<>();
        String[][] files = {{"/dev/gpusr/samples/butterfly.jpg", "b.jpg"}, {"/golden/eval_input.png", "e.png"},
            {"/dev/gpusr/image/fixtures/upright-60x120.png", "u.png"}, {"/dev/gpusr/image/fixtures/plain.jpg", "p.jpg"}};
        for (String[] f : files) {
            Path in = resource(f[0], f[1]);
            jobs.add(new BatchJob(in, out.resolve(f[1] + ".png"), ImageFormat.PNG));
        }
        try (CudaSrcnn engine = new CudaSrcnn(0, w); OverlappedPixelPath path = CudaStreamedPixels.open(engine, 256);
                CudaPixelPath serial = new CudaPixelPath(engine, 256)) {
            BatchResult r = BatchPipeline.standard(List.of(path), new Jobs(2, 1, 2), ImageReader.DEFAULT_MAX_PIXELS,
                    WriteOptions.defaults(), null).run(jobs, null);
            assertEquals(jobs.size(), r.succeeded(), String.valueOf(r.failures()));
            for (BatchJob j : jobs) {
                Pixels lr = ImageReader.readPixels(j.input(), 1 << 24);
                Pixels written = ImageReader.readPixels(j.output(), 1 << 26);
                assertArrayEquals(serial.upscale(lr, 8).samples(), written.samples(), j.output().toString());
            }
        }
    }
}
