package dev.gpusr.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of workers that run index-parallel loops: the calling thread is worker 0 and {@code threads - 1}
 * daemon threads help, so an engine that is never closed cannot keep the JVM alive.
 */
final class WorkerPool implements AutoCloseable {
    /** One loop body: {@code worker} (0 .. threads-1) selects per-worker scratch, {@code index} the work item. */
    interface IndexTask {
        void run(int worker, int index);
    }

    private static final AtomicInteger POOL_COUNT = new AtomicInteger();

    private final int threads;
    private final ExecutorService helpers;

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        if (threads == 1) {
            helpers = null;
        } else {
            int pool = POOL_COUNT.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            helpers = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "gpusr-cpu-" + pool + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task} for every index in [0, count) and returns when all are done; rethrows the first failure. */
    void parallelFor(int count, IndexTask task) {
        if (count <= 0) return;
        int workers = Math.min(threads, count);
        if (workers == 1) {
            for (int i = 0; i < count; i++) task.run(0, i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Future<?>[] futures = new Future<?>[workers - 1];
        for (int h = 0; h < futures.length; h++) {
            int worker = h + 1;
            futures[h] = helpers.submit(() -> drain(worker, count, next, task));
        }
        Throwable failure = null;
        try {
            drain(0, count, next, task);
        } catch (Throwable t) {
            failure = t;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    // the helpers still use this call's buffers: wait for them, then restore the flag
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException("CPU engine worker failed", failure);
    }

    private static void drain(int worker, int count, AtomicInteger next, IndexTask task) {
        try {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) task.run(worker, i);
        } catch (Throwable t) {
            next.set(count); // the others stop taking new work
            throw t;
        }
    }

    @Override
    public void close() {
        if (helpers != null) helpers.shutdownNow();
    }
}
