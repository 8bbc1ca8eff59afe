package dev.gpusr.pipeline;

import java.util.function.BooleanSupplier;

/**
 * Bytes of image data the batch may hold at once (inputs, outputs, tiles of the images in flight). A decoder
 * reserves an image's bytes before handing it on and the bytes are released when the image is written or dropped,
 * so a folder of huge photos waits for memory instead of running out of it. One image is always let through when
 * nothing else is held, so a run never stalls on an image larger than the budget (the heap check refuses what can
 * never fit).
 */
final class MemoryBudget {
    private final long limit;
    private long used;

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    /**
     * Waits until {@code bytes} more fit, or nothing is held besides the caller's own {@code held} bytes; false when
     * {@code giveUp} turned true first.
     */
    synchronized boolean acquire(long bytes, long held, BooleanSupplier giveUp) throws InterruptedException {
        while (used > held && used + bytes > limit) {
            if (giveUp.getAsBoolean()) return false;
            wait(20);
        }
        used += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }
}
