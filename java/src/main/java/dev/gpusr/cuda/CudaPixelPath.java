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
 * The pixel call kept on the card (OPT-IN: {@code GPUSR_CUDA_PIXELS=device}; not the default until a GPU session has
 * verified it): one upload of the low-res samples from pinned memory, the existing kernels for everything else --
 * {@code unpackPixels} (with MATLAB YCbCr), {@code bicubicUpscale} on whole planes, SRCNN on the enlarged Y in tiles
 * cut with cudaMemcpy2DAsync (tile plus the model's halo, all tiles of one image the same shape so one set of cuDNN
 * algorithms serves them), {@code packPixels} (YCbCr -> RGB, clamp, rounding) -- and one download. Alpha is
 * separated on the host (the pack/unpack kernels take 1 or 3 channels), enlarged bicubically on the card with the
 * colour planes and interleaved again on the host.
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
    private final DeviceBuffer packedIn = new DeviceBuffer("low-res samples", null);
    private final DeviceBuffer lowPlanes = new DeviceBuffer("low-res planes", null);
    private final DeviceBuffer highPlanes = new DeviceBuffer("enlarged planes", null);
    private final DeviceBuffer restoredY = new DeviceBuffer("restored Y", null);
    private final DeviceBuffer packedOut = new DeviceBuffer("output samples", null);
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

    /** Heap and direct (pinned staging) bytes beyond the input: the output samples, and both staging blocks. */
    @Override
    public long workingBytes(int width, int height, int channels, int bitDepth) {
        long k = scale();
        long out = Pixels.byteCount(k * width, k * height, channels, bitDepth);
        long in = Pixels.byteCount(width, height, channels, bitDepth);
        return 2 * out + in;
    }

    /** Enlarges by {@link #scale()}, rounding straight to {@code outputBitDepth} (8 or 16). */
    @Override
    public Pixels upscale(Pixels lr, int outputBitDepth) {
        Pixels out = output(lr, outputBitDepth);
        engine.beginDeviceWork();
        int inBytes = lr.samples().length, outBytes = out.samples().length;
        pinnedIn.ensure(inBytes); // the stream was synchronised at the end of the last image
        pinnedOut.ensure(outBytes);
        packedIn.ensure(inBytes, engine.stream());
        packedOut.ensure(outBytes, engine.stream());
        prepareCompute(lr, out);

        // host -> pinned (alpha split off) -> one upload
        split(lr, pinnedIn.buffer());
        try {
            CudaCheck.runtime(JCuda.cudaMemcpyAsync(packedIn.pointer(), pinnedIn.pointer(), inBytes,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, engine.stream()), "cudaMemcpyAsync (low-res samples)");
            compute(packedIn.pointer(), packedOut.pointer(), lr, out);
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

    /**
     * Grows the compute buffers (used by the engine's stream only) for {@code lr} -> {@code out}; a growth waits for
     * the engine's stream first. Call before queueing anything for the image, so an out-of-memory leaves nothing
     * half-queued.
     */
    void prepareCompute(Pixels lr, Pixels out) {
        int planes = lr.colourChannels() + (lr.hasAlpha() ? 1 : 0);
        long hw = lr.pixels(), bigHw = out.pixels();
        lowPlanes.ensure(4L * planes * hw, engine.stream());
        highPlanes.ensure(4L * planes * bigHw, engine.stream());
        restoredY.ensure(4L * bigHw, engine.stream());
    }

    /**
     * Queues, on the engine's stream, everything between the upload and the download: the split samples of
     * {@code lr} at {@code in} (device) to the split samples of {@code out} at {@code packed} (device) -- unpack +
     * YCbCr, bicubic, SRCNN on Y tile by tile, YCbCr -> RGB, rounding and packing. {@link #prepareCompute} first.
     */
    void compute(Pointer in, Pointer packed, Pixels lr, Pixels out) {
        int w = lr.width(), h = lr.height(), k = scale();
        int outW = out.width(), outH = out.height();
        int colour = lr.colourChannels();
        boolean alpha = lr.hasAlpha();
        int planes = colour + (alpha ? 1 : 0);
        int inBytes = lr.bytesPerSample(), outBytes = out.bytesPerSample();
        long hw = (long) w * h, bigHw = (long) outW * outH;
        long colourIn = hw * colour * inBytes, colourOut = bigHw * colour * outBytes;

        CudaKernels kernels = engine.kernels();
        kernels.unpackPixels(engine.cuStream(), in, lowPlanes.pointer(), 1, h, w, colour, inBytes, colour == 3);
        if (alpha) {
            kernels.unpackPixels(engine.cuStream(), in.withByteOffset(colourIn), lowPlanes.at(4L * colour * hw), 1, h,
                    w, 1, inBytes, false);
        }
        kernels.bicubicUpscale(engine.cuStream(), lowPlanes.pointer(), highPlanes.pointer(), planes, h, w, k);

        // SRCNN on the enlarged Y (plane 0), tile by tile, into restoredY; then back into plane 0
        int halo = config.halo();
        long pitch = 4L * outW;
        for (Span ys : spans(outH, tile, halo)) {
            for (Span xs : spans(outW, tile, halo)) {
                Pointer crop = highPlanes.at(4L * ((long) ys.cropStart * outW + xs.cropStart));
                Pointer core = restoredY.at(4L * ((long) ys.coreStart * outW + xs.coreStart));
                engine.forwardCrop(crop, pitch, ys.cropLength, xs.cropLength, ys.coreOffset(), xs.coreOffset(),
                        ys.coreLength, xs.coreLength, core, pitch);
            }
        }
        CudaCheck.runtime(JCuda.cudaMemcpyAsync(highPlanes.pointer(), restoredY.pointer(), 4L * bigHw,
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, engine.stream()), "cudaMemcpyAsync (restored Y)");

        kernels.packPixels(engine.cuStream(), highPlanes.pointer(), packed, 1, outH, outW, colour, outBytes,
                colour == 3);
        if (alpha) {
            kernels.packPixels(engine.cuStream(), highPlanes.at(4L * colour * bigHw), packed.withByteOffset(colourOut),
                    1, outH, outW, 1, outBytes, false);
        }
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

    /**
     * One tile along one side: the network reads [cropStart, cropStart + cropLength) and its outputs
     * [coreStart, coreStart + coreLength) are kept.
     */
    record Span(int cropStart, int cropLength, int coreStart, int coreLength) {
        int coreOffset() {
            return coreStart - cropStart;
        }
    }

    /**
     * Cuts a side of {@code length} into tiles of at most {@code maxCore} kept outputs, each read with {@code halo}
     * more on both sides. The side is split into equal parts (no sliver at the end), and every crop has the same
     * length -- the last one is moved back inside the image -- so one image needs one cuDNN plan. A kept output is
     * never within {@code halo} of its crop's edge unless that edge is the image's, where SRCNN's zero padding is the
     * image's own: tiles give exactly the whole-image result.
     */
    static List<Span> spans(int length, int maxCore, int halo) {
        if (length < 1 || maxCore < 1 || halo < 0) {
            throw new IllegalArgumentException("length " + length + ", tile " + maxCore + ", halo " + halo);
        }
        int parts = (length + maxCore - 1) / maxCore;
        int core = (length + parts - 1) / parts;
        int crop = Math.min(length, core + 2 * halo);
        List<Span> out = new ArrayList<>(parts);
        for (int start = 0; start < length; start += core) {
            int keep = Math.min(core, length - start);
            int cropStart = Math.max(0, Math.min(start - halo, length - crop));
            out.add(new Span(cropStart, crop, start, keep));
        }
        return out;
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
        for (AutoCloseable b : new AutoCloseable[] {packedIn, lowPlanes, highPlanes, restoredY, packedOut, pinnedIn,
                pinnedOut}) {
            try {
                b.close();
            } catch (Exception e) {
                failures.add(String.valueOf(e.getMessage()));
            }
        }
        if (!failures.isEmpty()) {
            throw new CudaException("closing the device pixel path failed: " + String.join("; ", failures));
        }
    }
}
