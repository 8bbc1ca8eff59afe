package dev.gpusr.engine;

import dev.gpusr.image.Pixels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * A device for {@link OverlappedPixelPath} without a GPU: start hands the image to a background thread (the "device",
 * which runs plain bicubic after {@code delayMillis}); finish waits for it and copies the result into the output, as a
 * download would. It checks the bookkeeping's promises: a slot is started only when idle, finished or abandoned only
 * when started, closed only when every slot is idle. Images can be made to fail while queued or while awaited.
 */
public final class FakeOverlappedDevice implements OverlappedPixelPath.Device {
    private final int slots;
    private final long delayMillis;
    private final PixelPath reference = TiledPixelUpscaler.bicubic(2);
    private final ExecutorService device = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake device");
        t.setDaemon(true);
        return t;
    });
    @SuppressWarnings("unchecked")
    private final Future<Pixels>[] queued;
    /** Images whose start fails (after the device got them, as a failed launch would) / whose finish fails. */
    public volatile Predicate<Pixels> failStart = p -> false, failFinish = p -> false;
    /** What the device was told, in order: "start 0", "finish 0", "abandon 1", "close". */
    public final List<String> log = Collections.synchronizedList(new ArrayList<>());
    public volatile int maxBusy;
    public volatile boolean closed;

    public FakeOverlappedDevice(int slots, long delayMillis) {
        this.slots = slots;
        this.delayMillis = delayMillis;
        @SuppressWarnings("unchecked")
        Future<Pixels>[] q = new Future[slots];
        this.queued = q;
    }

    /** The bicubic result this device gives for {@code lr}. */
    public Pixels expected(Pixels lr, int outputBitDepth) {
        return reference.upscale(lr, outputBitDepth);
    }

    @Override
    public int slots() {
        return slots;
    }

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
        return reference.workingBytes(width, height, channels, bitDepth);
    }

    @Override
    public synchronized Pixels start(int slot, Pixels lowRes, int outputBitDepth) {
        if (closed) throw new AssertionError("start after close");
        if (queued[slot] != null) throw new AssertionError("slot " + slot + " started while busy");
        log.add("start " + slot);
        Pixels out = Pixels.allocate(2 * lowRes.width(), 2 * lowRes.height(), lowRes.channels(), outputBitDepth,
                lowRes.iccProfile());
        queued[slot] = device.submit(() -> {
            Thread.sleep(delayMillis);
            return reference.upscale(lowRes, outputBitDepth);
        });
        int busy = 0;
        for (Future<Pixels> f : queued) if (f != null) busy++;
        maxBusy = Math.max(maxBusy, busy);
        if (failStart.test(lowRes)) throw new IllegalStateException("launch failed for " + lowRes);
        return out;
    }

    @Override
    public void finish(int slot, Pixels out) {
        Future<Pixels> f;
        synchronized (this) {
            f = queued[slot];
            if (f == null) throw new AssertionError("slot " + slot + " finished but never started");
            log.add("finish " + slot);
        }
        Pixels result;
        try {
            result = f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (failFinish.test(out)) throw new IllegalStateException("download failed for " + out);
        System.arraycopy(result.samples(), 0, out.samples(), 0, out.samples().length);
        synchronized (this) {
            queued[slot] = null;
        }
    }

    @Override
    public void abandon(int slot) {
        Future<Pixels> f;
        synchronized (this) {
            f = queued[slot];
            if (f == null) throw new AssertionError("slot " + slot + " abandoned but never started");
            log.add("abandon " + slot);
        }
        try {
            f.get();
        } catch (Exception ignored) {
            // the device is idle: that is all abandon promises
        }
        synchronized (this) {
            queued[slot] = null;
        }
    }

    /** Slots with work queued and not yet finished or abandoned. */
    public synchronized int busy() {
        int n = 0;
        for (Future<Pixels> f : queued) if (f != null) n++;
        return n;
    }

    @Override
    public synchronized void close() {
        if (busy() != 0) throw new AssertionError("closed with " + busy() + " slots busy");
        if (closed) return;
        closed = true;
        log.add("close");
        device.shutdownNow();
    }
}
