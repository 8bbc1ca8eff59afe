package dev.gpusr.cuda;

import dev.gpusr.engine.OverlappedPixelPath;
import dev.gpusr.image.Pixels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * The device side of the overlapped pixel path (OPT-IN: {@code GPUSR_CUDA_PIXELS=device}; NOT verified on a GPU
 * yet): {@link CudaPixelPath}'s work split over three streams so that the upload of image i+1, the compute of image
 * i and the download of image i-1 run at the same time. {@link OverlappedPixelPath} does the slot bookkeeping.
 *
 * <p>Design.
 * <ul>
 * <li>Streams: an upload stream (host -> device copies only), the engine's own stream as the compute stream
 * (the tile walk -- window, unpack, bicubic, SRCNN, pack, core into the output: {@link CudaPixelPath#compute} --
 * with the engine's cuDNN handle, workspace and activations, which no other stream touches), and a download stream
 * (device -> host copies only). Uploads and
 * downloads get a stream each so that an upload never queues behind a download that waits for a compute.
 * <li>Slots ({@value #SLOTS}): each has pinned host staging for the input samples (with the image's tile tables,
 * see {@link CudaPixelPath#stage}) and the output samples, device buffers for the packed input and output samples,
 * and three events. Image in slot s: the host splits the samples into s's
 * pinned input; upload stream: copy, record {@code uploaded[s]}; compute stream: wait {@code uploaded[s]}, compute
 * into s's packed output, record {@code computed[s]}; download stream: wait {@code computed[s]}, copy into s's
 * pinned output, record {@code downloaded[s]}. finish waits for {@code downloaded[s]} (which implies the other two)
 * and interleaves the samples into the result.
 * <li>Reuse: the bookkeeping refills a slot only after finish (or abandon) returned, so its staging is never
 * overwritten while a copy may read it. The compute buffers are shared by all slots but used in stream order by the
 * compute stream only. The staging and plane buffers an image needs are grown before anything is queued for it
 * (the slot is idle, a growth frees only idle buffers); the network's activations and workspace grow inside the
 * compute step, on the compute stream, as on the serial path. A failure after something was queued is abandoned:
 * all three streams are waited for before the slot is freed.
 * <li>Failures: every call is checked with {@link CudaCheck}, so an out-of-memory or a lost context is a
 * {@link CudaException} as on the serial path, mapped the same way by the caller's wrappers. abandon waits for all
 * three streams.
 * <li>Results are byte for byte those of {@link CudaPixelPath#upscale} (same kernels, same tiles, same order on the
 * compute stream): only the copies moved.
 * </ul>
 * Memory: {@value #SLOTS} times the pinned and packed staging of the serial path (raw samples); the tile buffers
 * (floats, sized by the tile, not the image) once.
 */
public final class CudaStreamedPixels implements OverlappedPixelPath.Device {
    /** Images in flight per engine: one uploading or waiting while one computes and one downloads is 2 slots. */
    public static final int SLOTS = 2;

    private final CudaSrcnn engine;
    private final CudaPixelPath compute;
    private final Slot[] slots;
    private cudaStream_t upload;
    private cudaStream_t download;
    private boolean closed;

    /** One image's staging and ordering events. */
    private static final class Slot {
        final PinnedBuffer pinnedIn, pinnedOut;
        final DeviceBuffer packedIn, packedOut;
        cudaEvent_t uploaded, computed, downloaded;

        Slot(int k) {
            pinnedIn = new PinnedBuffer("low-res staging (slot " + k + ")");
            pinnedOut = new PinnedBuffer("output staging (slot " + k + ")");
            packedIn = new DeviceBuffer("low-res samples (slot " + k + ")", null);
            packedOut = new DeviceBuffer("output samples (slot " + k + ")", null);
        }
    }

    /** The overlapped pixel path for a CUDA engine running a Y model, tiles of {@code tile} output pixels a side. */
    public static OverlappedPixelPath open(CudaSrcnn engine, int tile) {
        return new OverlappedPixelPath(new CudaStreamedPixels(engine, tile, SLOTS));
    }

    CudaStreamedPixels(CudaSrcnn engine, int tile, int slotCount) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (slotCount < 1) throw new IllegalArgumentException("slots must be >= 1, got " + slotCount);
        this.compute = new CudaPixelPath(engine, tile); // checks the model and the tile; attached to the engine
        this.slots = new Slot[slotCount];
        for (int k = 0; k < slotCount; k++) slots[k] = new Slot(k);
        try {
            engine.beginDeviceWork();
            upload = newStream("upload");
            download = newStream("download");
            for (Slot s : slots) {
                s.uploaded = newEvent();
                s.computed = newEvent();
                s.downloaded = newEvent();
            }
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        engine.attach(this);
    }

    private static cudaStream_t newStream(String what) {
        cudaStream_t s = new cudaStream_t();
        CudaCheck.runtime(JCuda.cudaStreamCreateWithFlags(s, JCuda.cudaStreamNonBlocking),
                "cudaStreamCreateWithFlags (" + what + " stream)");
        return s;
    }

    private static cudaEvent_t newEvent() {
        cudaEvent_t e = new cudaEvent_t();
        CudaCheck.runtime(JCuda.cudaEventCreateWithFlags(e, JCuda.cudaEventDisableTiming), "cudaEventCreateWithFlags");
        return e;
    }

    @Override
    public int slots() {
        return slots.length;
    }

    @Override
    public int scale() {
        return compute.scale();
    }

    @Override
    public int minInputSide() {
        return compute.minInputSide();
    }

    /** The output samples on the heap, and every slot's pinned input (with the tile tables) and output staging. */
    @Override
    public long workingBytes(int width, int height, int channels, int bitDepth) {
        long k = scale();
        long out = Pixels.byteCount(k * width, k * height, channels, bitDepth);
        long in = Pixels.byteCount(width, height, channels, bitDepth) + compute.tableBytes(width, height);
        return out + slots.length * (out + in);
    }

    @Override
    public Pixels start(int slot, Pixels lr, int outputBitDepth) {
        if (closed) throw new IllegalStateException("this device pixel path is closed");
        Pixels out = compute.output(lr, outputBitDepth);
        DeviceTilePlan plan = compute.plan(lr.width(), lr.height());
        engine.beginDeviceWork();
        Slot s = slots[slot];
        long inBytes = CudaPixelPath.stagedBytes(lr, plan);
        int outBytes = out.samples().length;
        // grow first (the slot is idle: nothing queued reads its buffers), queue after
        s.pinnedIn.ensure(inBytes);
        s.pinnedOut.ensure(outBytes);
        s.packedIn.ensure(inBytes, upload);
        s.packedOut.ensure(outBytes, download);
        compute.prepareCompute(lr, out, plan);

        CudaPixelPath.stage(lr, plan, s.pinnedIn.buffer());
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(s.packedIn.pointer(), s.pinnedIn.pointer(), inBytes,
                cudaMemcpyKind.cudaMemcpyHostToDevice, upload), "cudaMemcpyAsync (low-res samples, slot " + slot + ")");
        record(s.uploaded, upload, "uploaded", slot);

        waitFor(engine.stream(), s.uploaded, "compute waits for the upload", slot);
        compute.compute(s.packedIn.pointer(), s.packedOut.pointer(), lr, out, plan);
        record(s.computed, engine.stream(), "computed", slot);

        waitFor(download, s.computed, "download waits for the compute", slot);
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(s.pinnedOut.pointer(), s.packedOut.pointer(), outBytes,
                cudaMemcpyKind.cudaMemcpyDeviceToHost, download), "cudaMemcpyAsync (output samples, slot " + slot + ")");
        record(s.downloaded, download, "downloaded", slot);
        return out;
    }

    private static void record(cudaEvent_t event, cudaStream_t stream, String what, int slot) {
        CudaCheck.runtime(JCuda.cudaEventRecord(event, stream), "cudaEventRecord (" + what + ", slot " + slot + ")");
    }

    private static void waitFor(cudaStream_t stream, cudaEvent_t event, String what, int slot) {
        CudaCheck.runtime(JCuda.cudaStreamWaitEvent(stream, event, 0),
                "cudaStreamWaitEvent (" + what + ", slot " + slot + ")");
    }

    @Override
    public void finish(int slot, Pixels out) {
        engine.beginDeviceWork();
        Slot s = slots[slot];
        CudaCheck.runtime(JCuda.cudaEventSynchronize(s.downloaded), "cudaEventSynchronize (output samples, slot "
                + slot + "; a queued launch failed if this is not a copy error: GPUSR_SYNC_DEBUG=1 names it)");
        CudaPixelPath.merge(s.pinnedOut.buffer(), out);
    }

    /** Waits for all three streams: whatever the slot queued is done (the other slot's work too, which is harmless). */
    @Override
    public void abandon(int slot) {
        List<String> failures = new ArrayList<>();
        drain(failures);
        if (!failures.isEmpty()) {
            throw new CudaException("waiting for slot " + slot + " failed: " + String.join("; ", failures));
        }
    }

    private void drain(List<String> failures) {
        step(failures, engine::drainForRelease);
        for (cudaStream_t s : new cudaStream_t[] {upload, download}) {
            if (s != null) step(failures, () -> CudaCheck.runtime(JCuda.cudaStreamSynchronize(s), "cudaStreamSynchronize"));
        }
    }

    /** Waits for the streams, then frees the slots' staging, the events, the copy streams and the compute buffers. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> failures = new ArrayList<>();
        drain(failures);
        for (Slot s : slots) {
            for (AutoCloseable b : new AutoCloseable[] {s.pinnedIn, s.pinnedOut, s.packedIn, s.packedOut}) {
                step(failures, () -> {
                    try {
                        b.close();
                    } catch (Exception e) {
                        throw e instanceof RuntimeException r ? r : new CudaException(String.valueOf(e.getMessage()));
                    }
                });
            }
            for (cudaEvent_t e : new cudaEvent_t[] {s.uploaded, s.computed, s.downloaded}) {
                if (e != null) step(failures, () -> CudaCheck.runtime(JCuda.cudaEventDestroy(e), "cudaEventDestroy"));
            }
            s.uploaded = s.computed = s.downloaded = null;
        }
        for (cudaStream_t s : new cudaStream_t[] {upload, download}) {
            if (s != null) step(failures, () -> CudaCheck.runtime(JCuda.cudaStreamDestroy(s), "cudaStreamDestroy"));
        }
        upload = download = null;
        step(failures, compute::close);
        engine.detach(this);
        if (!failures.isEmpty()) {
            throw new CudaException("closing the overlapped device pixel path failed: " + String.join("; ", failures));
        }
    }

    private static void step(List<String> failures, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            failures.add(String.valueOf(e.getMessage()));
        }
    }
}
