package dev.gpusr.pipeline;

import dev.gpusr.engine.EngineLostException;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.image.Pixels;
import java.util.ArrayDeque;

/**
 * One engine worker of a batch: takes decoded images, upscales them on its {@link PixelPath} and hands the results to
 * the encoders in the order it took them.
 *
 * <p>A path that can hold several images in flight ({@link PixelPath#depth()} > 1: the overlapped CUDA path) gets the
 * next image submitted while earlier ones are still on the device -- but only when one is already decoded: with
 * images in flight the worker never waits for a decoder (which may itself be waiting for the memory those images
 * hold); it completes the oldest instead. With depth 1 (the CPU engine, the default CUDA path) this is the plain
 * loop: submit does the work, await returns it.
 *
 * <p>Faults: an image whose submit or await fails fails alone. A lost device stops the worker from taking more; the
 * images it still holds are completed (written when they succeed, reported when they fail) before it ends. When the
 * run stops (an error, a queue consumer that threw), the images in flight are awaited and their memory given back,
 * so the device is idle when the worker ends; no wait is unbounded.
 */
final class EngineWorker {
    private final BatchRun run;
    private final PixelPath path;
    private final long maxHeap;
    private final ArrayDeque<Submitted> window = new ArrayDeque<>();
    private boolean lost;

    /** An image on the device and its pending result. */
    private record Submitted(BatchRun.Item item, PixelPath.Pending pending) {}

    EngineWorker(BatchRun run, PixelPath path, long maxHeap) {
        this.run = run;
        this.path = path;
        this.maxHeap = maxHeap;
    }

    void run() throws InterruptedException {
        RunControl control = run.control;
        try {
            while (true) {
                BatchRun.Item item = null;
                if (window.isEmpty()) {
                    if (lost) return;
                    item = run.take(run.decoded, run.loadersDone, () -> control.stopWorking);
                    if (item == null) return;
                } else if (!lost && window.size() < path.depth() && !control.stopWorking && !control.stopping) {
                    item = run.decoded.poll(); // never wait for a decoder while images are in flight
                }
                if (item != null) {
                    submit(item);
                } else if (!complete(window.removeFirst())) {
                    return;
                }
            }
        } finally {
            drain();
        }
    }

    private void submit(BatchRun.Item item) {
        Pixels lr = item.pixels();
        long t0 = System.nanoTime();
        try {
            window.add(new Submitted(item, path.submit(lr, BatchPipeline.outputDepth(lr, item.job()))));
        } catch (RuntimeException | OutOfMemoryError e) {
            run.memory.release(item.reserved());
            fail(item, e);
        } finally {
            run.deviceNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Awaits the oldest image and hands it on; false when the run stopped before it could be. */
    private boolean complete(Submitted s) throws InterruptedException {
        BatchRun.Item item = s.item();
        long t0 = System.nanoTime();
        Pixels sr;
        try {
            sr = s.pending().await();
        } catch (RuntimeException | OutOfMemoryError e) {
            run.memory.release(item.reserved());
            fail(item, e);
            return true;
        } finally {
            run.deviceNanos.addAndGet(System.nanoTime() - t0);
        }
        BatchRun.Item done = new BatchRun.Item(item.job(), sr, item.startNanos(), item.inW(), item.inH(),
                item.reserved());
        if (!run.put(run.upscaled, done, () -> false)) {
            run.memory.release(item.reserved());
            return false;
        }
        return true;
    }

    /** Reports a failed image; a lost device also retires this worker (once). */
    private void fail(BatchRun.Item item, Throwable e) {
        String reason = BatchPipeline.reason(e);
        if (e instanceof EngineLostException) {
            run.fail(item.job(), "device lost: " + reason, item.startNanos(), item.inW(), item.inH());
            if (!lost) {
                lost = true;
                if (run.liveWorkers.decrementAndGet() == 0) run.control.allDevicesLost(reason);
            }
            return;
        }
        String why = e instanceof OutOfMemoryError ? HeapCheck.outOfMemory("upscaling", maxHeap) : reason;
        run.fail(item.job(), why, item.startNanos(), item.inW(), item.inH());
    }

    /** The run stopped with images in flight: wait for each (results dropped) and give its memory back. */
    private void drain() {
        while (!window.isEmpty()) {
            Submitted s = window.removeFirst();
            try {
                s.pending().await();
            } catch (RuntimeException | Error ignored) {
                // the run is ending; this image is counted as not run
            } finally {
                run.memory.release(s.item().reserved());
            }
        }
    }
}
