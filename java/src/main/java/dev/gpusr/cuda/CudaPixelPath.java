package dev.gpusr.cuda;

import dev.gpusr.engine.PixelPath;
import dev.gpusr.image.Pixels;
import dev.gpusr.model.SrcnnConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * The pixel call kept on the card (OPT-IN: {@code GPUSR_CUDA_PIXELS=device-serial}, or the overlapped
 * {@link CudaStreamedPixels} with {@code device}; not the default until a GPU session has verified it): one upload
 * from pinned memory of the image's raw 8/16-bit samples (alpha split off on the host: the pack/unpack kernels take 1
 * or 3 channels) together with the bicubic tables of its tiles, then a walk over the output in tiles with the
 * model's halo ({@link DeviceTilePlan}, halo from SrcnnConfig), each tile entirely on the card -- its
 * low-resolution window copied out of the raw samples (cudaMemcpy2DAsync), {@code unpackPixels} (with MATLAB
 * YCbCr), the bicubic kernel over the tile's crop with the tables rebased onto the window, SRCNN on Y of the crop
 * ({@link CudaSrcnn#forwardCrop}, all crops of an image one shape so one set of cuDNN algorithms serves them),
 * {@code packPixels} (YCbCr -> RGB, clamp, rounding) and the kept core copied into the raw output samples on the
 * card -- and one download.
 *
 * <p>Device memory: the raw input and output samples of the image, plus float planes (and raw staging) of one tile's
 * window and crop, whose size depends on the tile side, not on the image ({@link DeviceTilePlan#floatBytes}); the
 * engine's activations are those of one crop.
 *
 * <p>For Y models (the bundled ones); {@code Engines.pixelPath} picks it for such a CUDA engine when asked. Not
 * thread-safe: one per engine, on the engine's stream. Its device and pinned memory is freed by {@link #close()} or,
 * at the latest, when the engine closes.
 */
public final class CudaPixelPath implements PixelPath, AutoCloseable {
    /** The environment variable that selects this path: {@code GPUSR_CUDA_PIXELS=device}. */
    public static final String SWITCH = "GPUSR_CUDA_PIXELS";

    private final CudaSrcnn engine;
    private final SrcnnConfig config;
    private final int tile;
    private final DeviceBuffer packedIn = new DeviceBuffer("low-res samples and tile tables", null);
    private final DeviceBuffer packedOut = new DeviceBuffer("output samples", null);
    // one tile's working set, used by the engine's stream only
    private final DeviceBuffer packedWindow = new DeviceBuffer("tile window samples", null);
    private final DeviceBuffer windowPlanes = new DeviceBuffer("tile window planes", null);
    private final DeviceBuffer cropPlanes = new DeviceBuffer("tile crop planes", null);
    private final DeviceBuffer packedCrop = new DeviceBuffer("tile crop samples", null);
    private final PinnedBuffer pinnedIn = new PinnedBuffer("low-res staging");
    private final PinnedBuffer pinnedOut = new PinnedBuffer("output staging");
    private boolean closed;

    /** The switch's value for the overlapped path ({@link CudaStreamedPixels}, two images in flight). */
    public static final String OVERLAPPED = "device";
    /** The switch's value for this path alone: one image at a time, everything on the engine's stream. */
    public static final String SERIAL = "device-serial";

    /** Whether the environment asks for the pixels to stay on the card ({@code GPUSR_CUDA_PIXELS=device} or
     * {@code device-serial}). */
    public static boolean requested() {
        String v = System.getenv(SWITCH);
        return OVERLAPPED.equals(v) || SERIAL.equals(v);
    }

    /** Whether it asks for one image at a time ({@code GPUSR_CUDA_PIXELS=device-serial}) rather than overlapped. */
    public static boolean serialRequested() {
        return SERIAL.equals(System.getenv(SWITCH));
    }

    /** Whether this path can run the engine's model (single-channel Y models). */
    public static boolean supports(CudaSrcnn engine) {
        return engine.residentConfig().channels() == 1;
    }

    /** @param tile the largest output tile side given to the network (halo excluded), as Upscaler's tile */
    public CudaPixelPath(CudaSrcnn engine, int tile) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.config = engine.residentConfig();
        if (config.channels() != 1) {
            throw new IllegalArgumentException("the device pixel path runs single-channel (Y) models, this one has "
                    + config.channels() + " channels");
        }
        if (tile < 1) throw new IllegalArgumentException("tile must be positive, got " + tile);
        this.tile = tile;
        engine.attach(this);
    }

    @Override
    public int scale() {
        return config.scale();
    }

    /** The enlarged image must cover the receptive field (2 halo + 1), as Upscaler.minInputSide. */
    @Override
    public int minInputSide() {
        int field = 2 * config.halo() + 1;
        return (field + scale() - 1) / scale();
    }

    /**
     * Heap and direct (pinned staging) bytes beyond the input: the output samples, both staging blocks and the
     * tile tables staged with the input.
     */
    @Override
    public long workingBytes(int width, int height, int channels, int bitDepth) {
        long k = scale();
        long out = Pixels.byteCount(k * width, k * height, channels, bitDepth);
        long in = Pixels.byteCount(width, height, channels, bitDepth);
        return 2 * out + in + tableBytes(width, height);
    }

    /** The tile tables' bytes for such an image (0 for one this path refuses anyway). */
    long tableBytes(int width, int height) {
        try {
            return TABLE_ALIGN + plan(width, height).tableBytes();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The tile walk of an image of this size. */
    DeviceTilePlan plan(int width, int height) {
        return DeviceTilePlan.of(width, height, scale(), config.halo(), tile);
    }

    /** Enlarges by {@link #scale()}, rounding straight to {@code outputBitDepth} (8 or 16). */
    @Override
    public Pixels upscale(Pixels lr, int outputBitDepth) {
        Pixels out = output(lr, outputBitDepth);
        DeviceTilePlan plan = plan(lr.width(), lr.height());
        engine.beginDeviceWork();
        long inBytes = stagedBytes(lr, plan);
        int outBytes = out.samples().length;
        pinnedIn.ensure(inBytes); // the stream was synchronised at the end of the last image
        pinnedOut.ensure(outBytes);
        packedIn.ensure(inBytes, engine.stream());
        packedOut.ensure(outBytes, engine.stream());
        prepareCompute(lr, out, plan);

        // host -> pinned (alpha split off, tables after the samples) -> one upload
        stage(lr, plan, pinnedIn.buffer());
        try {
            CudaCheck.runtime(JCuda.cudaMemcpyAsync(packedIn.pointer(), pinnedIn.pointer(), inBytes,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, engine.stream()), "cudaMemcpyAsync (low-res samples)");
            compute(packedIn.pointer(), packedOut.pointer(), lr, out, plan);
            // one download, then interleave alpha back on the host
            CudaCheck.runtime(JCuda.cudaMemcpyAsync(pinnedOut.pointer(), packedOut.pointer(), outBytes,
                    cudaMemcpyKind.cudaMemcpyDeviceToHost, engine.stream()), "cudaMemcpyAsync (output samples)");
            CudaCheck.runtime(JCuda.cudaStreamSynchronize(engine.stream()), "cudaStreamSynchronize (output samples)");
        } catch (RuntimeException e) {
            // a call failed with work already queued: wait for it, so the next image may refill the staging
            try {
                engine.drainForRelease();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        merge(pinnedOut.buffer(), out);
        return out;
    }

    /** Checks the input and allocates the (unfilled) output samples: nothing is queued yet. */
    Pixels output(Pixels lr, int outputBitDepth) {
        if (closed) throw new IllegalStateException("this device pixel path is closed");
        if (outputBitDepth != 8 && outputBitDepth != 16) {
            throw new IllegalArgumentException("output bit depth 8 or 16, got " + outputBitDepth);
        }
        int w = lr.width(), h = lr.height(), k = scale();
        if (Math.min(w, h) < minInputSide()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%dx%d is too small for this model: each side needs at least %d pixels", w, h, minInputSide()));
        }
        long outW = (long) k * w, outH = (long) k * h;
        if (outW > Integer.MAX_VALUE || outH > Integer.MAX_VALUE) throw new IllegalArgumentException("output too large");
        return Pixels.allocate((int) outW, (int) outH, lr.channels(), outputBitDepth, lr.iccProfile());
    }

    /** The tables start this far into the staged block, past the samples, rounded up to this many bytes. */
    static final int TABLE_ALIGN = 16;

    /** Where the tile tables start in the staged input block of {@code lr}. */
    static long tablesAt(Pixels lr) {
        return (lr.samples().length + TABLE_ALIGN - 1L) / TABLE_ALIGN * TABLE_ALIGN;
    }

    /** Bytes of the staged (uploaded) input block: the split samples, then the tile tables. */
    static long stagedBytes(Pixels lr, DeviceTilePlan plan) {
        return tablesAt(lr) + plan.tableBytes();
    }

    /** Fills the staged input block: the samples with alpha split off ({@link #split}), then the tile tables. */
    static void stage(Pixels lr, DeviceTilePlan plan, ByteBuffer dst) {
        split(lr, dst);
        plan.writeTables(dst, tablesAt(lr));
    }

    /**
     * Grows the tile buffers (used by the engine's stream only) for {@code lr} -> {@code out}; a growth waits for
     * the engine's stream first. Call before queueing anything for the image, so an out-of-memory leaves nothing
     * half-queued. Their sizes depend on the tile, not on the image.
     */
    void prepareCompute(Pixels lr, Pixels out, DeviceTilePlan plan) {
        int planes = lr.colourChannels() + (lr.hasAlpha() ? 1 : 0);
        long window = plan.maxWindowPixels(), crop = plan.cropPixels();
        packedWindow.ensure(window * lr.channels() * lr.bytesPerSample(), engine.stream());
        windowPlanes.ensure(4L * planes * window, engine.stream());
        cropPlanes.ensure(4L * planes * crop, engine.stream());
        packedCrop.ensure(crop * out.channels() * out.bytesPerSample(), engine.stream());
    }

    /**
     * Queues, on the engine's stream, everything between the upload and the download: from the staged block of
     * {@code lr} at {@code in} (device; {@link #stage}) to the split samples of {@code out} at {@code packed}
     * (device), tile by tile: window out of the raw samples, unpack + YCbCr, bicubic over the crop, SRCNN on Y of
     * the crop, YCbCr -> RGB, rounding and packing, and the core into the output samples. {@link #prepareCompute}
     * first.
     */
    void compute(Pointer in, Pointer packed, Pixels lr, Pixels out, DeviceTilePlan plan) {
        int w = lr.width(), outW = out.width();
        int colour = lr.colourChannels();
        boolean alpha = lr.hasAlpha();
        int planes = colour + (alpha ? 1 : 0);
        int inBps = lr.bytesPerSample(), outBps = out.bytesPerSample();
        long alphaIn = lr.pixels() * colour * inBps, alphaOut = out.pixels() * colour * outBps;
        Pointer tables = in.withByteOffset(tablesAt(lr));
        CudaKernels kernels = engine.kernels();
        for (DeviceTilePlan.Tile t : plan.tiles()) {
            DeviceTilePlan.Band r = t.rows(), c = t.cols();
            int wh = r.windowLength(), ww = c.windowLength();
            int eh = r.span().cropLength(), ew = c.span().cropLength();
            long windowPixels = (long) wh * ww, cropPixels = (long) eh * ew;
            long windowAt = (long) r.windowStart() * w + c.windowStart();

            // the window of raw samples (colour block, then alpha block), contiguous
            copy2d(packedWindow.pointer(), (long) ww * colour * inBps, in.withByteOffset(windowAt * colour * inBps),
                    (long) w * colour * inBps, (long) ww * colour * inBps, wh, "tile window");
            kernels.unpackPixels(engine.cuStream(), packedWindow.pointer(), windowPlanes.pointer(), 1, wh, ww, colour,
                    inBps, colour == 3);
            if (alpha) {
                Pointer alphaWindow = packedWindow.at(windowPixels * colour * inBps);
                copy2d(alphaWindow, (long) ww * inBps, in.withByteOffset(alphaIn + windowAt * inBps), (long) w * inBps,
                        (long) ww * inBps, wh, "tile window alpha");
                kernels.unpackPixels(engine.cuStream(), alphaWindow, windowPlanes.at(4L * colour * windowPixels), 1,
                        wh, ww, 1, inBps, false);
            }

            // bicubic over the crop, from the window, with the image's tables rebased onto the window
            kernels.bicubicEnlargeRegion(engine.cuStream(), windowPlanes.pointer(), cropPlanes.pointer(), planes, wh,
                    ww, eh, ew, tables.withByteOffset(r.indexOffset()), tables.withByteOffset(r.weightOffset()),
                    r.table().taps(), tables.withByteOffset(c.indexOffset()), tables.withByteOffset(c.weightOffset()),
                    c.table().taps(), tables.withByteOffset(c.blockStartOffset()), c.blockSpan());

            // SRCNN on Y (plane 0) of the crop; the kept core is written back over its bicubic values
            int top = r.span().coreOffset(), left = c.span().coreOffset();
            int coreH = r.span().coreLength(), coreW = c.span().coreLength();
            long coreAt = (long) top * ew + left;
            engine.forwardCrop(cropPlanes.pointer(), 4L * ew, eh, ew, top, left, coreH, coreW,
                    cropPlanes.at(4L * coreAt), 4L * ew);

            // colour back, rounding and packing over the crop; its core into the output samples
            kernels.packPixels(engine.cuStream(), cropPlanes.pointer(), packedCrop.pointer(), 1, eh, ew, colour,
                    outBps, colour == 3);
            long outAt = (long) r.span().coreStart() * outW + c.span().coreStart();
            copy2d(packed.withByteOffset(outAt * colour * outBps), (long) outW * colour * outBps,
                    packedCrop.at(coreAt * colour * outBps), (long) ew * colour * outBps,
                    (long) coreW * colour * outBps, coreH, "tile core");
            if (alpha) {
                long alphaCrop = cropPixels * colour * outBps;
                kernels.packPixels(engine.cuStream(), cropPlanes.at(4L * colour * cropPixels), packedCrop.at(alphaCrop),
                        1, eh, ew, 1, outBps, false);
                copy2d(packed.withByteOffset(alphaOut + outAt * outBps), (long) outW * outBps,
                        packedCrop.at(alphaCrop + coreAt * outBps), (long) ew * outBps, (long) coreW * outBps, coreH,
                        "tile core alpha");
            }
        }
    }

    /** A device-to-device copy of {@code rows} rows of {@code bytes} on the engine's stream. */
    private void copy2d(Pointer dst, long dstPitch, Pointer src, long srcPitch, long bytes, int rows, String what) {
        CudaCheck.runtime(JCuda.cudaMemcpy2DAsync(dst, dstPitch, src, srcPitch, bytes, rows,
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, engine.stream()), "cudaMemcpy2DAsync (" + what + ")");
    }

    /** Bytes the tile buffers hold now (device). */
    long tileBufferBytes() {
        return packedWindow.capacity() + windowPlanes.capacity() + cropPlanes.capacity() + packedCrop.capacity();
    }

    /** Bytes the per-image device buffers hold now: raw samples and tables in, raw samples out. */
    long imageBufferBytes() {
        return packedIn.capacity() + packedOut.capacity();
    }

    /** The samples into {@code dst}: the colour samples of all pixels, then (with alpha) the alpha samples. */
    static void split(Pixels px, ByteBuffer dst) {
        shuffle(px, dst, true);
    }

    /** The inverse of {@link #split}: colour block then alpha block in {@code src}, interleaved into {@code px}. */
    static void merge(ByteBuffer src, Pixels px) {
        shuffle(px, src, false);
    }

    /** Interleaved samples of {@code px} to (split) or from (merge) a colour block followed by an alpha block. */
    private static void shuffle(Pixels px, ByteBuffer buffer, boolean split) {
        ByteBuffer b = buffer.duplicate();
        b.clear();
        byte[] s = px.samples();
        if (!px.hasAlpha()) {
            if (split) b.put(s);
            else b.get(0, s);
            return;
        }
        int bps = px.bytesPerSample(), colour = px.colourChannels() * bps, unit = px.channels() * bps;
        int w = px.width();
        byte[] rowColour = new byte[w * colour];
        byte[] rowAlpha = new byte[w * bps];
        int alphaStart = (int) (px.pixels() * colour);
        for (int y = 0; y < px.height(); y++) {
            int base = y * w * unit;
            if (!split) {
                b.get(y * w * colour, rowColour);
                b.get(alphaStart + y * w * bps, rowAlpha);
            }
            for (int x = 0; x < w; x++) {
                int at = base + x * unit;
                if (split) {
                    System.arraycopy(s, at, rowColour, x * colour, colour);
                    System.arraycopy(s, at + colour, rowAlpha, x * bps, bps);
                } else {
                    System.arraycopy(rowColour, x * colour, s, at, colour);
                    System.arraycopy(rowAlpha, x * bps, s, at + colour, bps);
                }
            }
            if (split) {
                b.put(y * w * colour, rowColour);
                b.put(alphaStart + y * w * bps, rowAlpha);
            }
        }
    }

    /** Frees the device buffers and the pinned staging (the engine stays open). Safe to call again. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> failures = new ArrayList<>();
        try {
            engine.drainForRelease();
        } catch (RuntimeException e) {
            failures.add(String.valueOf(e.getMessage()));
        }
        for (AutoCloseable b : new AutoCloseable[] {packedIn, packedOut, packedWindow, windowPlanes, cropPlanes,
                packedCrop, pinnedIn, pinnedOut}) {
            try {
                b.close();
            } catch (Exception e) {
                failures.add(String.valueOf(e.getMessage()));
            }
        }
        engine.detach(this);
        if (!failures.isEmpty()) {
            throw new CudaException("closing the device pixel path failed: " + String.join("; ", failures));
        }
    }
}
