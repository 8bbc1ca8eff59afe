package dev.gpusr.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.engine.EngineLostException;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch pipeline's results and its faults, each with a bound on time so a deadlock fails instead of hanging. */
class BatchPipelineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Pixels random(int w, int h, int channels, long seed) {
        byte[] s = new byte[w * h * channels];
        new Random(seed).nextBytes(s);
        return new Pixels(w, h, channels, 8, s);
    }

    /** n PNG inputs in dir/in; returns jobs writing to dir/out. */
    List<BatchJob> inputs(int n) throws Exception {
        return inputs(dir, n);
    }

    /** n PNG inputs of mixed sizes and layouts (img00.png is 20 wide, img01.png 21, ...) in dir/in; jobs to dir/out. */
    static List<BatchJob> inputs(Path dir, int n) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<BatchJob> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = in.resolve(String.format("img%02d.png", i));
            ImageWriter.write(random(20 + i, 17 + (i % 3), 1 + i % 4, i), f, ImageFormat.PNG, WriteOptions.defaults());
            jobs.add(new BatchJob(f, out.resolve(f.getFileName()), ImageFormat.PNG));
        }
        return jobs;
    }

    static BatchPipeline pipeline(List<PixelPath> workers, int load, int save, OutputGuard guard) {
        return BatchPipeline.standard(workers, new Jobs(load, 1, save), ImageReader.DEFAULT_MAX_PIXELS,
                WriteOptions.defaults(), guard);
    }

    /** Records every event; checks they never overlap. */
    static final class Recorder implements BatchListener {
        final List<ImageResult> results = Collections.synchronizedList(new ArrayList<>());
        final List<String> notices = new ArrayList<>();
        int started = -1;
        BatchResult finished;
        private final AtomicInteger inside = new AtomicInteger();

        @Override
        public void started(int images) {
            started = images;
        }

        @Override
        public void imageFinished(ImageResult r) {
            assertEquals(1, inside.incrementAndGet(), "listener calls overlap");
            results.add(r);
            inside.decrementAndGet();
        }

        @Override
        public void notice(String line) {
            notices.add(line);
        }

        @Override
        public void finished(BatchResult r) {
            finished = r;
        }
    }

    /** A pixel path that delegates to bicubic and misbehaves on chosen images. */
    static class Faulty implements PixelPath {
        final TiledPixelUpscaler inner = TiledPixelUpscaler.bicubic(2);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int scale() {
            return 2;
        }

        @Override
        public int minInputSide() {
            return 1;
        }

        @Override
        public long workingBytes(int width, int height, int channels, int bitDepth) {
            return inner.workingBytes(width, height, channels, bitDepth);
        }

        @Override
        public Pixels upscale(Pixels lr, int depth) {
            before(calls.getAndIncrement(), lr);
            return inner.upscale(lr, depth);
        }

        void before(int call, Pixels lr) {}
    }

    private void assertOutputsComplete(List<ImageResult> results) throws Exception {
        assertOutputsComplete(dir, results);
    }

    /** Every successful output is the complete bicubic result of its input; no temporary file is left in dir/out. */
    static void assertOutputsComplete(Path dir, List<ImageResult> results) throws Exception {
        for (ImageResult r : results) {
            if (!r.ok()) continue;
            Pixels written = ImageReader.readPixels(r.output(), ImageReader.DEFAULT_MAX_PIXELS);
            Pixels expected = TiledPixelUpscaler.bicubic(2).upscale(ImageReader.readPixels(r.input(), 1 << 30));
            assertArrayEquals(expected.samples(), written.samples(), r.output() + " is not the complete result");
        }
        try (Stream<Path> s = Files.list(dir.resolve("out"))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    @Test
    void everyImageWrittenAndTheSameBytesWhateverTheThreads() throws Exception {
        List<BatchJob> jobs = inputs(9);
        Recorder one = new Recorder();
        BatchResult r1 = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(TiledPixelUpscaler.bicubic(2)), 1, 1,
                null).run(jobs, one));
        assertTrue(r1.allSucceeded(), r1.toString());
        assertEquals(9, one.started);
        assertEquals(r1, one.finished);
        List<byte[]> first = new ArrayList<>();
        for (BatchJob j : jobs) first.add(Files.readAllBytes(j.output()));
        long pixels = 0;
        for (ImageResult r : one.results) pixels += r.outputPixels();
        assertEquals(pixels, r1.outputPixels());
        assertOutputsComplete(one.results);

        BatchResult r2 = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(TiledPixelUpscaler.bicubic(2),
                TiledPixelUpscaler.bicubic(2)), 3, 3, null).run(jobs, null));
        assertTrue(r2.allSucceeded(), r2.toString());
        for (int i = 0; i < jobs.size(); i++) assertArrayEquals(first.get(i), Files.readAllBytes(jobs.get(i).output()));
        assertTrue(r2.decode().share() > 0 && r2.device().share() > 0 && r2.encode().share() > 0, r2.summaryLine());
        assertEquals(2, r2.device().threads());
    }

    @Test
    void aBadFileFailsAloneWithOneLine() throws Exception {
        List<BatchJob> jobs = new ArrayList<>(inputs(5));
        Path bad = dir.resolve("in/broken.png");
        Files.writeString(bad, "not an image");
        jobs.add(2, new BatchJob(bad, dir.resolve("out/broken.png"), ImageFormat.PNG));
        Recorder rec = new Recorder();
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(TiledPixelUpscaler.bicubic(2)), 2, 2,
                new OutputGuard(List.of(), false)).run(jobs, rec));
        assertEquals(5, r.succeeded());
        assertEquals(1, r.failed());
        assertEquals(bad, r.failures().get(0).input());
        assertTrue(r.failures().get(0).reason().contains("not a PNG"), r.failures().get(0).reason());
        assertFalse(Files.exists(dir.resolve("out/broken.png")));
        assertOutputsComplete(rec.results);
    }

    @Test
    void outOfMemoryInOneImageFailsThatImageOnly() throws Exception {
        List<BatchJob> jobs = inputs(6);
        Faulty oom = new Faulty() {
            @Override
            void before(int call, Pixels lr) {
                if (call == 2) throw new OutOfMemoryError("Java heap space");
            }
        };
        Recorder rec = new Recorder();
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(oom), 1, 2, null).run(jobs, rec));
        assertEquals(5, r.succeeded());
        assertEquals(1, r.failed());
        String reason = r.failures().get(0).reason();
        assertTrue(reason.startsWith("out of memory") && reason.contains("GPUSR_JAVA_OPTS"), reason);
        assertNull(r.error());
        assertOutputsComplete(rec.results);
    }

    @Test
    void aLostDeviceStopsTheRunAndKeepsFinishedOutputsWhole() throws Exception {
        List<BatchJob> jobs = inputs(12);
        Faulty lost = new Faulty() {
            @Override
            void before(int call, Pixels lr) {
                if (call == 3) throw new EngineLostException("cudaErrorIllegalAddress: the CUDA context is lost", null);
            }
        };
        Recorder rec = new Recorder();
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(lost), 1, 1, null).run(jobs, rec));
        assertNotNull(r.deviceLost());
        assertTrue(r.deviceLost().contains("context is lost"), r.deviceLost());
        assertEquals(3, r.succeeded(), "the three images upscaled before the fault are written");
        assertEquals(1, r.failed());
        assertTrue(r.failures().get(0).reason().startsWith("device lost"));
        assertEquals(8, r.notRun());
        assertEquals(4, lost.calls.get(), "no image is handed to a lost device");
        assertOutputsComplete(rec.results);
    }

    @Test
    void anotherWorkerCarriesOnWhenOneDeviceIsLost() throws Exception {
        List<BatchJob> jobs = inputs(8);
        Faulty lost = new Faulty() {
            @Override
            void before(int call, Pixels lr) {
                throw new EngineLostException("GPU 1 fell off the bus", null);
            }
        };
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(lost, new Faulty()), 1, 1, null)
                .run(jobs, null));
        assertNull(r.deviceLost());
        assertEquals(1, r.failed());
        assertEquals(7, r.succeeded());
        assertEquals(0, r.notRun());
    }

    @Test
    void cancelFinishesImagesInFlightAndRunsNoMore() throws Exception {
        List<BatchJob> jobs = inputs(12);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Faulty slow = new Faulty() {
            @Override
            void before(int call, Pixels lr) {
                if (call == 1) {
                    secondStarted.countDown();
                    try {
                        cancelled.await(20, TimeUnit.SECONDS); // image 2 is being upscaled when the cancel comes
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        BatchPipeline p = pipeline(List.of(slow), 1, 1, null);
        Recorder rec = new Recorder();
        Thread canceller = new Thread(() -> {
            try {
                secondStarted.await();
                p.cancel();
                cancelled.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        canceller.start();
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> p.run(jobs, rec));
        assertTrue(r.cancelled());
        assertEquals(2, r.succeeded(), "the image upscaled when cancelled is still written");
        assertEquals(0, r.failed());
        assertEquals(10, r.notRun());
        assertEquals(2, slow.calls.get());
        assertOutputsComplete(rec.results);
    }

    @Test
    void anErrorInAStageEndsTheRunWithoutDeadlock() throws Exception {
        List<BatchJob> jobs = inputs(10);
        BatchPipeline p = new BatchPipeline(List.of(TiledPixelUpscaler.bicubic(2)), 2, 1,
                (f, gate) -> ImageReader.readPixels(f, 1 << 30, gate), (px, target, format) -> {
                    throw new AssertionError("encoder bug");
                }, null, Runtime.getRuntime().maxMemory());
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> p.run(jobs, null));
        assertNotNull(r.error());
        assertEquals("encoder bug", r.error().getMessage());
        assertEquals(0, r.succeeded());
        assertTrue(r.notRun() > 0);
    }

    @Test
    void aListenerThatThrowsEndsTheRunWithoutDeadlock() throws Exception {
        List<BatchJob> jobs = inputs(10);
        BatchListener broken = result -> {
            throw new IllegalStateException("listener bug");
        };
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> pipeline(List.of(TiledPixelUpscaler.bicubic(2)), 1, 1,
                null).run(jobs, broken));
        assertNotNull(r.error());
        assertEquals("listener bug", r.error().getMessage());
        assertTrue(r.succeeded() < 10);
    }

    @Test
    void whatCannotFitIsRefusedBeforeWorkWithTheMemoryItNeeds() throws Exception {
        List<BatchJob> jobs = inputs(3);
        Faulty counting = new Faulty();
        BatchPipeline tinyHeap = new BatchPipeline(List.of(counting), 1, 1, (f, gate) -> ImageReader.readPixels(f, 1 << 30, gate),
                (px, target, format) -> ImageWriter.write(px, target, format, WriteOptions.defaults()), null, 1000);
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> tinyHeap.run(jobs, null));
        assertEquals(3, r.failed());
        assertEquals(0, counting.calls.get(), "refused before the upscale");
        String reason = r.failures().get(0).reason();
        assertTrue(reason.contains("GB of Java heap") && reason.contains("GPUSR_JAVA_OPTS=-Xmx"), reason);

        PixelPath huge = new Faulty() {
            @Override
            public int scale() {
                return 5000;
            }
        };
        String refusal = HeapCheck.refusal(random(20, 20, 4, 1), huge, 8, Long.MAX_VALUE);
        assertNotNull(refusal);
        assertTrue(refusal.contains("more than one image may hold"), refusal);
        assertNull(HeapCheck.refusal(random(20, 20, 4, 1), new Faulty(), 8, Runtime.getRuntime().maxMemory()));
    }

    /** Images in flight (decoded, not yet written) under a memory budget that holds one image, and one that holds many. */
    private int mostInFlight(List<BatchJob> jobs, long maxHeap) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Faulty fixedCost = new Faulty() {
            @Override
            public long workingBytes(int width, int height, int channels, int bitDepth) {
                return 1000;
            }
        };
        BatchPipeline p = new BatchPipeline(List.of(fixedCost), 3, 1, (f, gate) -> {
            Pixels px = ImageReader.readPixels(f, 1 << 30, gate);
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return px;
        }, (px, target, format) -> {
            try {
                Thread.sleep(30); // a slow encoder: everything upstream fills up
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            ImageWriter.write(px, target, format, WriteOptions.defaults());
            inFlight.decrementAndGet();
        }, null, maxHeap);
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> p.run(jobs, null));
        assertTrue(r.allSucceeded(), r.toString());
        return most.get();
    }

    @Test
    void theMemoryBudgetBoundsImagesInFlight() throws Exception {
        List<BatchJob> jobs = inputs(8);
        // inputs are at most 27x19x4 bytes + 1000 working: a 4000-byte heap gives a 2400-byte budget, one image
        assertEquals(1, mostInFlight(jobs, 4000), "one image at a time under a one-image budget");
        for (BatchJob j : jobs) Files.delete(j.output());
        assertTrue(mostInFlight(jobs, 1L << 30) > 2, "without a tight budget the queues fill");
    }

    /** Without --overwrite, a file another run writes to the target while this one encodes is left as it is. */
    @Test
    void anOutputThatAppearsWhileEncodingIsNotReplaced() throws Exception {
        List<BatchJob> jobs = inputs(2);
        BatchPipeline p = new BatchPipeline(List.of(TiledPixelUpscaler.bicubic(2)), 1, 1,
                (f, gate) -> ImageReader.readPixels(f, 1 << 30, gate), (px, target, format) -> {
                    if (target.getFileName().toString().equals("img01.png")) Files.writeString(target, "other run");
                    ImageWriter.write(px, target, format, WriteOptions.defaults().withReplaceExisting(false));
                }, new OutputGuard(List.of(), false), Runtime.getRuntime().maxMemory());
        BatchResult r = assertTimeoutPreemptively(LIMIT, () -> p.run(jobs, null));
        assertEquals(1, r.succeeded());
        assertEquals(1, r.failed());
        assertTrue(r.failures().get(0).reason().contains("appeared meanwhile"), r.failures().get(0).reason());
        assertEquals("other run", Files.readString(jobs.get(1).output()));
    }

    @Test
    void transparencyDroppedForJpegIsANotice() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.createDirectories(dir.resolve("out"));
        Path f = in.resolve("a.png");
        ImageWriter.write(random(12, 12, 4, 3), f, ImageFormat.PNG, WriteOptions.defaults());
        Recorder rec = new Recorder();
        BatchResult r = pipeline(List.of(TiledPixelUpscaler.bicubic(2)), 1, 1, null)
                .run(List.of(new BatchJob(f, dir.resolve("out/a.jpg"), ImageFormat.JPG)), rec);
        assertTrue(r.allSucceeded());
        assertEquals(1, rec.notices.size());
        assertTrue(rec.notices.get(0).contains("transparency"), rec.notices.get(0));
        assertEquals(3, ImageReader.readPixels(dir.resolve("out/a.jpg"), 1000).channels());
    }

    @Test
    void jobsParseAndDefaults() {
        assertEquals(new Jobs(1, 1, 2), Jobs.defaults(2));
        assertEquals(new Jobs(4, 1, 12), Jobs.defaults(16));
        assertEquals(new Jobs(1, 1, 2), Jobs.defaults(1));
        assertEquals(new Jobs(2, 1, 5), Jobs.parse("2:1:5", Jobs.defaults(2)));
        assertEquals(new Jobs(1, 1, 7), Jobs.parse("::7", Jobs.defaults(2)));
        for (String bad : new String[] {"1:1", "0:1:1", "a:1:1", "1:1:1:1"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Jobs.parse(bad, Jobs.defaults(2)));
            assertTrue(e.getMessage().contains("-j"), e.getMessage());
        }
    }
}
