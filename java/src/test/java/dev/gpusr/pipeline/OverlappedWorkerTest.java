package dev.gpusr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.engine.EngineLostException;
import dev.gpusr.engine.FakeOverlappedDevice;
import dev.gpusr.engine.OverlappedPixelPath;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.WriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine worker with a path that holds two images in flight (the overlapped CUDA path's bookkeeping on a fake
 * device): the same outputs, in the order taken, a failure in one image fails only it, a lost device or a run that
 * stops leaves no image on the device and never deadlocks.
 */
class OverlappedWorkerTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    List<BatchJob> inputs(int n) throws Exception {
        return BatchPipelineTest.inputs(dir, n);
    }

    static BatchPipeline pipeline(OverlappedPixelPath path, int load, int save) {
        return BatchPipeline.standard(List.of(path), new Jobs(load, 1, save), ImageReader.DEFAULT_MAX_PIXELS,
                WriteOptions.defaults(), null);
    }

    void assertOutputsComplete(List<ImageResult> results) throws Exception {
        BatchPipelineTest.assertOutputsComplete(dir, results);
    }

    @Test
    void everyImageIsWrittenInTheOrderTakenWithTwoOnTheDevice() throws Exception {
        List<BatchJob> jobs = inputs(8);
        FakeOverlappedDevice device = new FakeOverlappedDevice(2, 40);
        BatchPipelineTest.Recorder rec = new BatchPipelineTest.Recorder();
        try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
            BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(path, 1, 1).run(jobs, rec));
            assertEquals(8, r.succeeded());
            assertEquals(0, r.failed());
            assertNull(r.error());
            assertEquals(0, path.inFlight());
        }
        // one decoder, one worker, one encoder: results reach the listener in the order the images were taken
        List<Path> order = rec.results.stream().map(ImageResult::input).toList();
        assertEquals(jobs.stream().map(BatchJob::input).toList(), order);
        assertEquals(2, device.maxBusy, "the next image was submitted while one was on the device");
        assertOutputsComplete(rec.results);
    }

    @Test
    void aFailedImageFailsAloneWhetherItFailsQueuedOrAwaited() throws Exception {
        List<BatchJob> jobs = inputs(9);
        FakeOverlappedDevice device = new FakeOverlappedDevice(2, 5);
        device.failStart = p -> p.width() == 22;
        device.failFinish = p -> p.width() == 2 * 25;
        BatchPipelineTest.Recorder rec = new BatchPipelineTest.Recorder();
        try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
            BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(path, 2, 2).run(jobs, rec));
            assertEquals(7, r.succeeded());
            assertEquals(2, r.failed());
            assertEquals(0, r.notRun());
            List<String> failed = r.failures().stream().map(f -> f.input().getFileName() + ": " + f.reason()).sorted()
                    .toList();
            assertTrue(failed.get(0).startsWith("img02.png: launch failed"), failed.toString());
            assertTrue(failed.get(1).startsWith("img05.png: download failed"), failed.toString());
            assertEquals(0, device.busy());
        }
        assertOutputsComplete(rec.results);
    }

    @Test
    void aLostDeviceCompletesTheImagesInFlightAndStopsTheRun() throws Exception {
        List<BatchJob> jobs = inputs(10);
        FakeOverlappedDevice device = new FakeOverlappedDevice(2, 20);
        device.failFinish = p -> {
            if (p.width() == 2 * 23) throw new EngineLostException("the CUDA context is lost", null);
            return false;
        };
        BatchPipelineTest.Recorder rec = new BatchPipelineTest.Recorder();
        try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
            BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(path, 1, 1).run(jobs, rec));
            assertNotNull(r.deviceLost());
            assertEquals(1, r.failed());
            assertEquals("img03.png", r.failures().get(0).input().getFileName().toString());
            assertTrue(r.failures().get(0).reason().startsWith("device lost"), r.failures().get(0).reason());
            // the three before it are written, and the one on the device beside it if there was one
            assertTrue(r.succeeded() == 3 || r.succeeded() == 4, "succeeded " + r.succeeded());
            assertEquals(10, r.succeeded() + r.failed() + r.notRun());
            assertEquals(0, device.busy(), "no image is left on the device");
        }
        assertOutputsComplete(rec.results);
    }

    @Test
    void aConsumerThatThrowsEndsTheRunWithNothingLeftOnTheDevice() throws Exception {
        List<BatchJob> jobs = inputs(10);
        BatchListener brokenListener = result -> {
            throw new IllegalStateException("listener bug");
        };
        BatchPipeline.Encoder brokenEncoder = (px, target, format) -> {
            throw new AssertionError("encoder bug");
        };
        for (boolean listener : new boolean[] {true, false}) {
            FakeOverlappedDevice device = new FakeOverlappedDevice(2, 10);
            try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
                BatchPipeline p = listener ? pipeline(path, 1, 1) : new BatchPipeline(List.of(path), 2, 1,
                        (f, gate) -> ImageReader.readPixels(f, 1 << 30, gate), brokenEncoder, null,
                        Runtime.getRuntime().maxMemory());
                BatchResult r = assertTimeoutPreemptively(LIMIT, () -> p.run(jobs, listener ? brokenListener : null));
                assertNotNull(r.error());
                assertEquals(listener ? "listener bug" : "encoder bug", r.error().getMessage());
                assertTrue(r.succeeded() < (listener ? 10 : 1));
                assertEquals(0, path.inFlight(), "the worker awaited what it had in flight");
                assertEquals(0, device.busy());
            }
            assertTrue(device.closed);
        }
    }
}
