package dev.gpusr.api;

import dev.gpusr.device.Engines;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.PixelImages;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.PngCodec;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.pipeline.BatchJob;
import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.BatchPipeline;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.OutputGuard;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * gpu-sr for programs that embed it: open once (model, scale, devices), upscale images, files or whole batches,
 * close. The command line's {@code upscale} is built on it.
 *
 * <pre>{@code
 * try (SrUpscaler up = SrUpscaler.open(Options.builder().model("x2").device("auto").build())) {
 *     BufferedImage big = up.upscale(ImageIO.read(new File("in.png")));
 *     up.upscale(Path.of("in.png"), Path.of("out.png"));
 *     BatchResult r = up.batch(List.of(Path.of("a.png"), Path.of("b.jpg")), Path.of("out"), BatchListener.NONE);
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls take turns (a single-image call waits while a batch runs); {@link #cancel()} never waits.
 */
public final class SrUpscaler implements AutoCloseable {
    private final Options options;
    private final List<SrcnnEngine> engines;
    private final List<PixelPath> workers;
    private final String description;
    private volatile BatchPipeline running;
    private volatile boolean cancelRequested;

    private SrUpscaler(Options options, List<SrcnnEngine> engines, List<PixelPath> workers, String description) {
        this.options = options;
        this.engines = engines;
        this.workers = workers;
        this.description = description;
    }

    /**
     * Loads the model and opens the engines. Throws IOException when the model cannot be loaded,
     * {@link Engines.EngineUnavailableException} when a requested GPU cannot be used, IllegalArgumentException for a
     * malformed device list or {@link PngCodec#LIBDEFLATE} without its native library.
     */
    public static SrUpscaler open(Options o) throws IOException {
        if (o.writeOptions().pngCodec() == PngCodec.LIBDEFLATE) o.writeOptions().pngCodec().resolve(o.notices()::println);
        int perDevice = o.jobs().proc();
        if (o.method() == Options.Method.BICUBIC) {
            int k = o.scale() == null ? Options.DEFAULT_BICUBIC_SCALE : o.scale();
            List<PixelPath> workers = new ArrayList<>();
            for (int i = 0; i < perDevice; i++) workers.add(TiledPixelUpscaler.bicubic(k));
            return new SrUpscaler(o, List.of(), workers, "bicubic x" + k + " on the CPU");
        }
        SrcnnWeights w = BundledModels.load(o.model(), o.scale() == null ? 0 : o.scale());
        List<SrcnnEngine> engines = Engines.openAll(o.device(), perDevice, w, o.notices(), o.cuda());
        List<PixelPath> workers = new ArrayList<>();
        for (SrcnnEngine e : engines) workers.add(Engines.pixelPath(e, o.tile()));
        List<String> names = new ArrayList<>();
        for (SrcnnEngine e : engines) if (!names.contains(e.name())) names.add(e.name());
        String on = String.join(", ", names) + (perDevice > 1 ? " (" + perDevice + " workers each)" : "");
        return new SrUpscaler(o, engines, workers, w.config() + " on " + on);
    }

    /** E.g. "SRCNN 9-1-5 x2 (Y) on cpu (2 threads)". */
    public String describe() {
        return description;
    }

    public int scale() {
        return workers.get(0).scale();
    }

    /** The model's configuration, or null for plain bicubic. */
    public SrcnnConfig config() {
        return engines.isEmpty() ? null : engines.get(0).config();
    }

    /** Enlarges raw samples (same channels and bit depth out); waits while a batch runs. */
    public synchronized Pixels upscale(Pixels image) {
        return workers.get(0).upscale(image);
    }

    /** Enlarges a BufferedImage (gray or RGB, with or without alpha, 1-16 bits); returns gray or sRGB, 8 or 16 bits. */
    public BufferedImage upscale(BufferedImage image) throws ImageException {
        return PixelImages.toBufferedImage(upscale(ImageReader.toPixels(image)), true);
    }

    /**
     * Enlarges one file into {@code output} (format from its extension); never over the input, over an existing
     * file only with {@link Options#overwrite()}. Throws with a one-line reason.
     */
    public void upscale(Path input, Path output) throws IOException {
        ImageFormat format = ImageFormat.ofPath(output);
        if (format == null) throw new ImageException("unknown output format for " + output + " (png, jpg, bmp, tiff)");
        BatchResult r = run(List.of(new BatchJob(input, output, format)), BatchListener.NONE);
        if (r.error() != null) throw new IOException(r.error().toString(), r.error());
        if (!r.failures().isEmpty()) throw new IOException(r.failures().get(0).reason());
        if (r.deviceLost() != null) throw new IOException("device lost: " + r.deviceLost());
    }

    /** Enlarges files into a folder (created if missing), keeping their names (see {@link #outputFor}). */
    public BatchResult batch(List<Path> files, Path outputFolder, BatchListener listener) throws IOException {
        Files.createDirectories(outputFolder);
        List<BatchJob> jobs = new ArrayList<>();
        for (Path f : files) jobs.add(new BatchJob(f, outputFor(f, outputFolder, options.format()),
                formatFor(f, options.format())));
        return run(jobs, listener);
    }

    /** Runs prepared jobs through the pipeline (decoders, one worker per engine, encoders). */
    public synchronized BatchResult run(List<BatchJob> jobs, BatchListener listener) {
        List<Path> inputs = new ArrayList<>();
        for (BatchJob j : jobs) inputs.add(j.input());
        // without overwrite, an output that appears while this run encodes (another run) is never replaced either
        WriteOptions write = options.writeOptions().withReplaceExisting(options.overwrite());
        // the PNG codec is settled before the first image, so a fallback is one notice line, not one per encoder
        if (jobs.stream().anyMatch(j -> j.format() == ImageFormat.PNG)) {
            write = write.withPngCodec(write.pngCodec().resolve(options.notices()::println));
        }
        BatchPipeline pipeline = BatchPipeline.standard(workers, options.jobs(), options.maxPixels(), write,
                new OutputGuard(inputs, options.overwrite()));
        running = pipeline;
        if (cancelRequested) pipeline.cancel();
        try {
            return pipeline.run(jobs, listener);
        } finally {
            running = null;
        }
    }

    /** Stops the batch now running (images being encoded finish) and any batch started later. */
    public void cancel() {
        cancelRequested = true;
        BatchPipeline p = running;
        if (p != null) p.cancel();
    }

    /** The output file for an input in a folder: its own name, or its base name with the fixed format's extension. */
    public static Path outputFor(Path input, Path folder, ImageFormat fixed) {
        String name = input.getFileName().toString();
        ImageFormat own = ImageFormat.ofPath(input);
        if (fixed == null && own != null) return folder.resolve(name);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return folder.resolve(base + "." + (fixed != null ? fixed : ImageFormat.PNG).extension);
    }

    /** The format an input's output gets: the fixed one, else the input's own (PNG for GIF and unknown names). */
    public static ImageFormat formatFor(Path input, ImageFormat fixed) {
        if (fixed != null) return fixed;
        ImageFormat f = ImageFormat.ofPath(input);
        return f == null ? ImageFormat.PNG : f;
    }

    @Override
    public void close() {
        for (SrcnnEngine e : engines) e.close();
    }
}
