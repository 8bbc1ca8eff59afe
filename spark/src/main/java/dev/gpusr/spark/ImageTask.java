package dev.gpusr.spark;

import dev.gpusr.cuda.CudaException;
import dev.gpusr.engine.Upscaler;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The work on one image, and the only place in this module that calls gpu-sr's image code: decode a file, upscale
 * it, encode it to bytes, with the same decisions as {@code gpu-sr upscale} (output name and format, JPEG quality,
 * pixel limit, minimum input side) so the bytes are identical to the CLI's.
 *
 * <p>Thread-safe: the engine behind the {@link Upscaler} is used under {@code engineLock} (engines are one per
 * thread), decoding and encoding run outside it so they overlap with other tasks' engine work.
 */
public final class ImageTask {
    /**
     * One image's outcome: encoded bytes (null on failure), a one-line note or reason, and where the time went in
     * milliseconds: decoding, the engine (held under its lock), encoding.
     */
    public record Result(byte[] encoded, String reason, long decodeMs, long upscaleMs, long encodeMs) {
        Result(byte[] encoded, String reason) {
            this(encoded, reason, 0, 0, 0);
        }

        public boolean ok() {
            return encoded != null;
        }
    }

    private final Upscaler upscaler;
    private final Object engineLock;
    private final ImageFormat fixedFormat;
    private final int quality;
    private final long maxPixels;

    /**
     * @param fixedFormat --format, or null for the input's own (png for gif)
     * @param engineLock  held while the upscaler runs (its engine is shared by the tasks of one executor); null for
     *                    plain bicubic, which has no engine and is thread-safe
     */
    public ImageTask(Upscaler upscaler, Object engineLock, ImageFormat fixedFormat, int quality, long maxPixels) {
        this.upscaler = upscaler;
        this.engineLock = engineLock;
        this.fixedFormat = fixedFormat;
        this.quality = quality;
        this.maxPixels = maxPixels;
    }

    /**
     * The output file name for an input name, as {@code gpu-sr upscale} names outputs in a folder: the input's name
     * when its extension is a format gpu-sr writes and no --format is given, else its base name with the format's
     * (png by default) extension.
     */
    public static String outputName(String inputName, ImageFormat fixed) {
        ImageFormat own = ImageFormat.ofPath(Path.of(inputName));
        if (fixed == null && own != null) return inputName;
        int dot = inputName.lastIndexOf('.');
        String base = dot > 0 ? inputName.substring(0, dot) : inputName;
        return base + "." + (fixed != null ? fixed : ImageFormat.PNG).extension;
    }

    /** The format written for an output name (its extension's, else PNG), as the CLI decides it. */
    public static ImageFormat formatOf(String outputName) {
        ImageFormat f = ImageFormat.ofPath(Path.of(outputName));
        return f == null ? ImageFormat.PNG : f;
    }

    /**
     * Upscales {@code input} (a local file) into the encoding of {@code outputName}; {@code scratch} is a private
     * local folder for the encoder's file. Bad input gives a failed Result, never an exception; an engine fault
     * (a CudaException) propagates, as it is not the image's fault.
     */
    public Result run(Path input, String outputName, Path scratch) throws IOException {
        ImageFormat fmt = fixedFormat != null ? fixedFormat : formatOf(outputName);
        long t0 = System.nanoTime();
        Image lr;
        try {
            lr = ImageReader.read(input, maxPixels);
        } catch (ImageException e) {
            return new Result(null, reason(e));
        }
        int min = upscaler.minInputSide();
        if (lr.width() < min || lr.height() < min) {
            return new Result(null, "image is " + lr.width() + "x" + lr.height() + "; SRCNN x" + upscaler.scale()
                    + " needs at least " + min + "x" + min
                    + " (the network's receptive field); use --method bicubic for tiny images");
        }
        long t1 = System.nanoTime();
        long[] engineNanos = new long[1];
        Image sr;
        try {
            sr = upscale(lr, engineNanos);
        } catch (CudaException e) {
            throw e; // the device, not the image: fail the task so Spark retries it
        } catch (RuntimeException e) {
            return new Result(null, reason(e)); // as the CLI: this image fails, the batch goes on
        }
        long t3 = System.nanoTime();
        String note = "";
        if (sr.alpha() != null && (fmt == ImageFormat.JPG || fmt == ImageFormat.BMP)) {
            note = "has transparency, which " + fmt.name() + " cannot hold; it is dropped";
        }
        Path file = scratch.resolve(outputName);
        try {
            ImageWriter.write(sr, file, fmt, quality);
            byte[] encoded = Files.readAllBytes(file);
            return new Result(encoded, note, ms(t1 - t0), ms(engineNanos[0]), ms(System.nanoTime() - t3));
        } catch (ImageException e) {
            return new Result(null, reason(e));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The upscale under the engine's lock; {@code heldNanos[0]} gets the time the engine was held (not the wait for
     * it). Without an engine (bicubic) there is nothing to share and no lock: tasks run side by side.
     */
    private Image upscale(Image lr, long[] heldNanos) {
        if (engineLock == null) return timed(lr, heldNanos);
        synchronized (engineLock) {
            return timed(lr, heldNanos);
        }
    }

    private Image timed(Image lr, long[] heldNanos) {
        long t = System.nanoTime();
        try {
            return upscaler.upscale(lr);
        } finally {
            heldNanos[0] = System.nanoTime() - t;
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
