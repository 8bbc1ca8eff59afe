package dev.gpusr.pipeline;

import dev.gpusr.image.Pixels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** One run's state shared by the stage threads: queues, counters, the memory budget, listener calls. */
final class BatchRun {
    /** Share of the heap the images in flight may hold together (inputs, outputs, tiles). */
    static final double HEAP_SHARE_IN_FLIGHT = 0.6;

    /** How long a queue wait lasts before the stop flags are looked at again. */
    private static final long POLL_MILLIS = 20;

    /** An image on its way through the stages; {@code reserved} bytes of the memory budget are its until written. */
    record Item(BatchJob job, Pixels pixels, long startNanos, int inW, int inH, long reserved) {}

    final List<BatchJob> jobs;
    final BatchListener listener;
    final BlockingQueue<Item> decoded;
    final BlockingQueue<Item> upscaled;
    final AtomicInteger next = new AtomicInteger();
    final RunControl control;
    final CountDownLatch loadersDone;
    final CountDownLatch workersDone;
    final AtomicInteger liveWorkers;
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicLong outputPixels = new AtomicLong();
    final List<ImageResult> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong decodeNanos = new AtomicLong(), deviceNanos = new AtomicLong(), encodeNanos = new AtomicLong();
    final MemoryBudget memory;

    BatchRun(List<BatchJob> jobs, BatchListener listener, int loaders, int workers, int savers, long memoryBudget,
            RunControl control) {
        this.jobs = jobs;
        this.listener = listener;
        this.control = control;
        loadersDone = new CountDownLatch(loaders);
        workersDone = new CountDownLatch(workers);
        liveWorkers = new AtomicInteger(workers);
        memory = new MemoryBudget(memoryBudget);
        // one image ready per consumer plus one: enough to overlap, little enough to bound memory
        decoded = new ArrayBlockingQueue<>(workers + 1);
        upscaled = new ArrayBlockingQueue<>(savers + 1);
    }

    void fail(BatchJob job, String reason, long startNanos, int inW, int inH) {
        ImageResult r = new ImageResult(job.input(), job.output(), false, reason, BatchPipeline.millisSince(startNanos),
                inW, inH,
                0, 0);
        failures.add(r);
        tell(() -> listener.imageFinished(r));
    }

    void tell(Runnable event) {
        try {
            synchronized (listener) {
                event.run();
            }
        } catch (RuntimeException | Error e) {
            control.fatal(e);
        }
    }

    /** Puts into a queue unless the run stops first (or {@code giveUp} turns true); false when it stopped. */
    boolean put(BlockingQueue<Item> q, Item item, BooleanSupplier giveUp) throws InterruptedException {
        while (!control.stopping && !giveUp.getAsBoolean()) {
            if (q.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) return true;
        }
        return false;
    }

    /**
     * The next item, or null when the producers are done and the queue is empty, or the run stops (or
     * {@code giveUp} turns true).
     */
    Item take(BlockingQueue<Item> q, CountDownLatch producersDone, BooleanSupplier giveUp) throws InterruptedException {
        while (!control.stopping && !giveUp.getAsBoolean()) {
            Item item = q.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (item != null) return item;
            if (producersDone.getCount() == 0 && q.isEmpty()) return null;
        }
        return null;
    }
}
