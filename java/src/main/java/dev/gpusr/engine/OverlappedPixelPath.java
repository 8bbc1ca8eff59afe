package dev.gpusr.engine;

import dev.gpusr.image.Pixels;

/**
 * A pixel path that keeps up to {@link Device#slots()} images in flight on a device, so that the upload of image
 * i+1, the compute of image i and the download of image i-1 can overlap. This class is only the bookkeeping -- which
 * slot an image uses, when a slot may be reused, what happens on failure and on close -- so it can be tested without
 * a device; the copies, kernels and ordering events are the {@link Device}'s (CUDA: {@code dev.gpusr.cuda}
 * {@code CudaStreamedPixels}).
 *
 * <p>Design. Each slot owns the per-image staging (pinned host and device buffers for the input and the output
 * samples); the compute buffers are the device's and are used by its compute stream only, in submission order.
 * {@link #submit} takes a free slot and has the device queue the whole image (stage on the host, upload, compute,
 * download, each step ordered after the one before by device events) and returns at once; {@link Pending#await()}
 * waits for that slot's download, builds the result and frees the slot. So a slot is refilled only after its last
 * image was awaited (or abandoned): a staging buffer is never written while a copy may still read it.
 * <ul>
 * <li>A failure while queueing image i (bad input, device out of memory while growing a buffer) is thrown by
 * submit; the slot is abandoned (the device waits for anything it had queued) and freed; other images are untouched.
 * <li>A failure while waiting for image i is thrown by its await only; the slot is abandoned and freed likewise.
 * <li>{@link #close()} abandons every slot still in flight (waiting for its device work) and then closes the
 * device; an await after that throws IllegalStateException.
 * </ul>
 * The caller awaits in submission order (the batch's engine worker does; results are handed on in that order) and
 * never holds more than {@link #depth()} pending images: a submit with every slot busy is refused.
 *
 * <p>Not thread-safe: one per engine worker, as every pixel path.
 */
public final class OverlappedPixelPath implements PixelPath, AutoCloseable {
    /**
     * The device side: a fixed number of slots, each able to carry one image from staging to download. start and
     * finish are called for a slot alternately; abandon may follow either (after a failure, or at close).
     */
    public interface Device extends AutoCloseable {
        int slots();

        int scale();

        int minInputSide();

        /** As {@link PixelPath#workingBytes}, for all slots together. */
        long workingBytes(int width, int height, int channels, int bitDepth);

        /**
         * Checks the input, allocates the output (returned, not yet filled) and queues the whole image in
         * {@code slot}; returns without waiting for the device.
         */
        Pixels start(int slot, Pixels lowRes, int outputBitDepth);

        /** Waits until {@code slot}'s image is downloaded and fills {@code out} (start's result) with it. */
        void finish(int slot, Pixels out);

        /** Waits for whatever {@code slot} has queued, so its buffers may be reused or freed. */
        void abandon(int slot);

        /** Frees everything; called once every slot is idle. */
        @Override
        void close();
    }

    private final Device device;
    private final boolean[] busy;
    private boolean closed;

    public OverlappedPixelPath(Device device) {
        this.device = device;
        int n = device.slots();
        if (n < 1) throw new IllegalArgumentException("a device needs at least one slot, got " + n);
        this.busy = new boolean[n];
    }

    @Override
    public int scale() {
        return device.scale();
    }

    @Override
    public int minInputSide() {
        return device.minInputSide();
    }

    @Override
    public long workingBytes(int width, int height, int channels, int bitDepth) {
        return device.workingBytes(width, height, channels, bitDepth);
    }

    @Override
    public int depth() {
        return busy.length;
    }

    /** The slots holding an image now (submitted, not yet awaited). */
    public int inFlight() {
        int n = 0;
        for (boolean b : busy) if (b) n++;
        return n;
    }

    @Override
    public Pixels upscale(Pixels lowRes, int outputBitDepth) {
        return submit(lowRes, outputBitDepth).await();
    }

    @Override
    public Pending submit(Pixels lowRes, int outputBitDepth) {
        if (closed) throw new IllegalStateException("this pixel path is closed");
        int slot = freeSlot();
        busy[slot] = true;
        Pixels out;
        try {
            out = device.start(slot, lowRes, outputBitDepth);
        } catch (RuntimeException | Error e) {
            release(slot, e);
            throw e;
        }
        return new InFlight(slot, out);
    }

    private int freeSlot() {
        for (int i = 0; i < busy.length; i++) if (!busy[i]) return i;
        throw new IllegalStateException("all " + busy.length + " slots hold an image: await one before submitting");
    }

    /** Abandons a failed slot (its failure added to {@code cause}) and frees it. */
    private void release(int slot, Throwable cause) {
        try {
            device.abandon(slot);
        } catch (RuntimeException | Error e) {
            if (e != cause) cause.addSuppressed(e);
        } finally {
            busy[slot] = false;
        }
    }

    private final class InFlight implements Pending {
        private final int slot;
        private final Pixels out;
        private boolean done;

        InFlight(int slot, Pixels out) {
            this.slot = slot;
            this.out = out;
        }

        @Override
        public Pixels await() {
            if (done) throw new IllegalStateException("this image was already awaited");
            if (closed) throw new IllegalStateException("the pixel path was closed while this image was in flight");
            done = true;
            try {
                device.finish(slot, out);
            } catch (RuntimeException | Error e) {
                release(slot, e);
                throw e;
            }
            busy[slot] = false;
            return out;
        }
    }

    /** Waits for the images still in flight (their results are dropped), then frees the device. Safe to call again. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (int slot = 0; slot < busy.length; slot++) {
            if (!busy[slot]) continue;
            try {
                device.abandon(slot);
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            } finally {
                busy[slot] = false;
            }
        }
        try {
            device.close();
        } catch (RuntimeException e) {
            if (first == null) first = e;
            else first.addSuppressed(e);
        }
        if (first != null) throw first;
    }
}
