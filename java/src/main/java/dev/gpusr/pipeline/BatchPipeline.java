package dev.gpusr.pipeline;

import dev.gpusr.engine.PixelPath;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A batch as three overlapped stages: decoder threads -> one engine worker per {@link PixelPath} (one per device,
 * or several) -> encoder threads, joined by small bounded queues, so memory stays bounded however large the folder.
 *
 * <p>Faults: a file that cannot be read, decoded, upscaled or written fails alone with one line (an OutOfMemoryError
 * too) and the rest goes on. An {@link dev.gpusr.engine.EngineLostException} retires its worker; when no worker is left no more files
 * are decoded, images already upscaled are still written, the rest are not run. {@link #cancel()} stops taking new
 * work: images being upscaled or encoded finish, decoded ones waiting for a worker are dropped. An unexpected error
 * in any stage or in the listener ends the run with that error; no
 * stage can wait forever on another (queue waits are bounded and re-check the stop flag).
 */
public final class BatchPipeline {
    /** Reads a file into samples, calling the gate with the header's dimensions before decoding. */
    @FunctionalInterface
    public interface Decoder {
        Pixels decode(Path file, ImageReader.HeaderGate gate) throws IOException;
    }

    /** Writes samples to a file (atomically). */
    @FunctionalInterface
    public interface Encoder {
        void encode(Pixels pixels, Path target, ImageFormat format) throws IOException;
    }

    private final List<PixelPath> workers;
    private final int loaders;
    private final int savers;
    private final Decoder decoder;
    private final Encoder encoder;
    private final OutputGuard guard;
    private final long maxHeap;

    private final RunControl control = new RunControl();

    /**
     * @param guard   decides whether each output may be written (null: always)
     * @param maxHeap the heap an image's upscale may plan on (Runtime.maxMemory() in the product)
     */
    public BatchPipeline(List<PixelPath> workers, int loaders, int savers, Decoder decoder, Encoder encoder,
            OutputGuard guard, long maxHeap) {
        if (workers.isEmpty()) throw new IllegalArgumentException("a batch needs at least one engine worker");
        if (loaders < 1 || savers < 1) throw new IllegalArgumentException("at least one decoder and one encoder");
        this.workers = List.copyOf(workers);
        this.loaders = loaders;
        this.savers = savers;
        this.decoder = decoder;
        this.encoder = encoder;
        this.guard = guard;
        this.maxHeap = maxHeap;
    }

    /** The product's stages: {@link ImageReader#readPixels} and {@link ImageWriter#write(Pixels, Path, ImageFormat,
     * dev.gpusr.image.WriteOptions)}. */
    public static BatchPipeline standard(List<PixelPath> workers, Jobs jobs, long maxPixels,
            dev.gpusr.image.WriteOptions writeOptions, OutputGuard guard) {
        return new BatchPipeline(workers, jobs.load(), jobs.save(),
                (f, gate) -> ImageReader.readPixels(f, maxPixels, gate),
                (p, target, format) -> ImageWriter.write(p, target, format, writeOptions), guard,
                Runtime.getRuntime().maxMemory());
    }

    /**
     * Stops the run: no new images are decoded or started; images being upscaled or encoded finish and are written;
     * decoded ones waiting for a worker are dropped.
     */
    public void cancel() {
        control.cancel();
    }

    /** Runs the batch to its end and returns what happened; the listener hears every image and the end. */
    public BatchResult run(List<BatchJob> jobs, BatchListener listener) {
        // each worker's tiles are held once, whatever the image: set aside from the budget; images reserve samples
        long tiles = 0;
        for (PixelPath w : workers) tiles += tileBytes(w);
        BatchRun run = new BatchRun(List.copyOf(jobs), listener == null ? BatchListener.NONE : listener, loaders,
                workers.size(), savers, (long) (maxHeap * BatchRun.HEAP_SHARE_IN_FLIGHT) - tiles, control);
        long start = System.nanoTime();
        run.tell(() -> run.listener.started(jobs.size()));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loaders; i++) threads.add(thread("gpu-sr decode " + i, () -> load(run), run.loadersDone));
        for (int i = 0; i < workers.size(); i++) {
            PixelPath path = workers.get(i);
            threads.add(thread("gpu-sr device worker " + i, () -> new EngineWorker(run, path, maxHeap).run(), run.workersDone));
        }
        for (int i = 0; i < savers; i++) threads.add(thread("gpu-sr encode " + i, () -> save(run), null));
        for (Thread t : threads) t.start();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancel();
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        double seconds = (System.nanoTime() - start) / 1e9;
        int finished = run.succeeded.get() + run.failures.size();
        BatchResult result = new BatchResult(jobs.size(), run.succeeded.get(), run.failures,
                jobs.size() - finished, seconds, run.outputPixels.get(),
                stage("decode", loaders, run.decodeNanos.get(), seconds),
                stage("device", workers.size(), run.deviceNanos.get(), seconds),
                stage("encode", savers, run.encodeNanos.get(), seconds), control.cancelled, control.deviceLost.get(),
                control.error.get());
        run.tell(() -> run.listener.finished(result));
        return result;
    }

    private static BatchResult.Stage stage(String name, int threads, long busyNanos, double wall) {
        double busy = busyNanos / 1e9;
        return new BatchResult.Stage(name, threads, busy, Math.min(1, busy / Math.max(wall * threads, 1e-9)));
    }

    /** A stage thread; anything it lets escape ends the run. */
    private Thread thread(String name, StageBody body, CountDownLatch done) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                cancel();
            } catch (Throwable e) {
                control.fatal(e);
            } finally {
                if (done != null) done.countDown();
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    @FunctionalInterface
    private interface StageBody {
        void run() throws Exception;
    }

    /** The run stopped while a decoder waited for memory. */
    private static final class Stopped extends IOException {
        Stopped() {
            super("stopped");
        }
    }

    private void load(BatchRun run) throws InterruptedException {
        PixelPath any = workers.get(0);
        while (!control.stopping && !control.stopLoading) {
            int i = run.next.getAndIncrement();
            if (i >= run.jobs.size()) return;
            BatchJob job = run.jobs.get(i);
            long t0 = System.nanoTime();
            long[] held = {0};
            Pixels lr;
            try {
                if (guard != null) guard.claim(job.output(), job.input());
                // wait for memory from the header (as 8-bit RGB) before decoding; corrected once the samples are known
                lr = decoder.decode(job.input(), d -> {
                    long estimate = sampleBytes(Pixels.byteCount(d.width(), d.height(), 3, 8), d.width(), d.height(), 3,
                            8, any);
                    long waitStart = System.nanoTime();
                    try {
                        if (!run.memory.acquire(estimate, 0, () -> control.stopLoading || control.stopping)) {
                            throw new Stopped();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new Stopped();
                    } finally {
                        run.decodeNanos.addAndGet(-(System.nanoTime() - waitStart)); // waiting is not decoding
                    }
                    held[0] = estimate;
                });
            } catch (Stopped e) {
                run.decodeNanos.addAndGet(System.nanoTime() - t0);
                return;
            } catch (IOException | RuntimeException e) {
                run.decodeNanos.addAndGet(System.nanoTime() - t0);
                run.memory.release(held[0]);
                run.fail(job, reason(e), t0, 0, 0);
                continue;
            } catch (OutOfMemoryError e) {
                run.decodeNanos.addAndGet(System.nanoTime() - t0);
                run.memory.release(held[0]);
                run.fail(job, HeapCheck.outOfMemory("decoding", maxHeap), t0, 0, 0);
                continue;
            }
            run.decodeNanos.addAndGet(System.nanoTime() - t0);
            String refusal = lr.width() < any.minInputSide() || lr.height() < any.minInputSide()
                    ? "image is " + lr.width() + "x" + lr.height() + "; SRCNN x" + any.scale() + " needs at least "
                            + any.minInputSide() + "x" + any.minInputSide()
                            + " (the network's receptive field); use --method bicubic for tiny images"
                    : HeapCheck.refusal(lr, any, outputDepth(lr, job), maxHeap);
            if (refusal != null) {
                run.memory.release(held[0]);
                run.fail(job, refusal, t0, lr.width(), lr.height());
                continue;
            }
            long bytes = sampleBytes(lr.samples().length, lr.width(), lr.height(), lr.channels(), outputDepth(lr, job),
                    any);
            if (bytes > held[0]) {
                if (!run.memory.acquire(bytes - held[0], held[0], () -> control.stopLoading || control.stopping)) {
                    run.memory.release(held[0]);
                    return;
                }
            } else {
                run.memory.release(held[0] - bytes);
            }
            BatchRun.Item item = new BatchRun.Item(job, lr, t0, lr.width(), lr.height(), bytes);
            if (!run.put(run.decoded, item, () -> control.stopLoading)) {
                run.memory.release(bytes);
                return;
            }
        }
    }

    /** Input and output samples of one image: what it holds while in flight. */
    private static long sampleBytes(long inputBytes, int w, int h, int channels, int outputDepth, PixelPath path) {
        return inputBytes + Pixels.byteCount((long) w * path.scale(), (long) h * path.scale(), channels, outputDepth);
    }

    /** A worker's working set beyond the output samples (its tiles), for the widest input. */
    private static long tileBytes(PixelPath path) {
        return Math.max(0, path.workingBytes(1, 1, 4, 16) - Pixels.byteCount(path.scale(), path.scale(), 4, 16));
    }

    static int outputDepth(Pixels lr, BatchJob job) {
        return ImageWriter.holdsDeepSamples(job.format()) ? lr.bitDepth() : 8;
    }

    private void save(BatchRun run) throws InterruptedException {
        while (true) {
            BatchRun.Item item = run.take(run.upscaled, run.workersDone, () -> false);
            if (item == null) return;
            BatchJob job = item.job();
            Pixels sr = item.pixels();
            long t0 = System.nanoTime();
            try {
                if (sr.hasAlpha() && !ImageWriter.holdsDeepSamples(job.format())) {
                    run.tell(() -> run.listener.notice(job.input() + " has transparency, which " + job.format().name()
                            + " cannot hold; it is dropped"));
                }
                encoder.encode(sr, job.output(), job.format());
            } catch (IOException | RuntimeException e) {
                run.encodeNanos.addAndGet(System.nanoTime() - t0);
                run.memory.release(item.reserved());
                run.fail(job, reason(e), item.startNanos(), item.inW(), item.inH());
                continue;
            } catch (OutOfMemoryError e) {
                run.encodeNanos.addAndGet(System.nanoTime() - t0);
                run.memory.release(item.reserved());
                run.fail(job, HeapCheck.outOfMemory("encoding", maxHeap), item.startNanos(), item.inW(), item.inH());
                continue;
            } catch (Error e) {
                run.memory.release(item.reserved());
                throw e;
            }
            run.encodeNanos.addAndGet(System.nanoTime() - t0);
            run.memory.release(item.reserved());
            run.succeeded.incrementAndGet();
            run.outputPixels.addAndGet(sr.pixels());
            ImageResult r = new ImageResult(job.input(), job.output(), true, null, millisSince(item.startNanos()),
                    item.inW(), item.inH(), sr.width(), sr.height());
            run.tell(() -> run.listener.imageFinished(r));
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** One line: the message (first line) or the exception's name. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
