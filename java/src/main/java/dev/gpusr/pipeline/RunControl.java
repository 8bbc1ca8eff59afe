package dev.gpusr.pipeline;

import java.util.concurrent.atomic.AtomicReference;

/** How a batch is being stopped, read by every stage thread: cancel, lost devices, an unexpected error. */
final class RunControl {
    /** Abort: every stage stops now (an unexpected error). */
    volatile boolean stopping;
    /** No new files are decoded (cancel, or no device left). */
    volatile boolean stopLoading;
    /** Workers take no new images; what they hold is still encoded (cancel). */
    volatile boolean stopWorking;
    volatile boolean cancelled;
    final AtomicReference<String> deviceLost = new AtomicReference<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    void cancel() {
        cancelled = true;
        stopLoading = true;
        stopWorking = true;
    }

    /** No device is left: decode nothing more; what is already upscaled is still written. */
    void allDevicesLost(String reason) {
        deviceLost.compareAndSet(null, reason);
        stopLoading = true;
    }

    void fatal(Throwable e) {
        error.compareAndSet(null, e);
        stopping = true;
    }
}
