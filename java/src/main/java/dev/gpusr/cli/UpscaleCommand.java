package dev.gpusr.cli;

import dev.gpusr.api.Options;
import dev.gpusr.api.SrUpscaler;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.PngCodec;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.pipeline.BatchJob;
import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.ImageResult;
import dev.gpusr.pipeline.Jobs;
import dev.gpusr.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "upscale", mixinStandardHelpOptions = true,
        description = {"Enlarge images by K with SRCNN (or plain bicubic).",
                "Files or folders in; with several inputs or a folder, -o is a folder and names are kept.",
                "Decoding, the engine and encoding run at once (-j).",
                "Outputs are written to a temporary name and renamed; inputs are never overwritten.",
                "Exit codes: 0 all written, 1 some failed, 2 usage, 3 engine unavailable, 4 device lost,",
                "130 interrupted."})
final class UpscaleCommand implements Callable<Integer> {
    enum Method { srcnn, bicubic }

    @Option(names = {"-s", "--scale"}, paramLabel = "K", description = ScaleOption.HELP + " Default: the model's, else 3.")
    Integer scale;

    @Option(names = {"-m", "--model"}, paramLabel = "x2|x3|x4|FILE",
            description = "Bundled model or a .safetensors file. Default: the bundled model for K.")
    String model;

    @Option(names = "--method", defaultValue = "srcnn", description = "srcnn or bicubic. Default: ${DEFAULT-VALUE}.")
    Method method;

    @Mixin
    EngineOptions engine;

    @Option(names = {"-j", "--jobs"}, paramLabel = "load:proc:save",
            description = {"Threads decoding : engine workers per device : threads encoding.",
                    "Default from the cores: max(1, cores/4) : 1 : max(2, cores - load)."})
    String jobs;

    @Option(names = {"-f", "--format"}, paramLabel = "png|jpg|bmp|tiff",
            description = "Output format. Default: the input's (png for gif).")
    String format;

    @Option(names = {"-q", "--quality"}, defaultValue = "95", description = "JPEG quality 1-100. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--png-compression", defaultValue = "" + WriteOptions.DEFAULT_PNG_COMPRESSION, paramLabel = "0-9",
            description = "PNG compression level on zlib's scale: 1 fastest, 9 smallest (libdeflate runs its level"
                    + " that is at least as compact). Default: ${DEFAULT-VALUE} (Pillow's default).")
    int pngCompression;

    @Option(names = "--png-codec", defaultValue = "auto", paramLabel = "auto|libdeflate|zlib",
            description = {"What compresses PNG: libdeflate (gpu-sr's native library, faster and at least as small"
                    + " as zlib at the same level), zlib (java.util.zip), or auto: libdeflate when its library loads,"
                    + " else zlib with one notice. Default: ${DEFAULT-VALUE}."})
    String pngCodec;

    @Option(names = "--overwrite", description = "Replace existing output files (never inputs).")
    boolean overwrite;

@Mixin
    MaxPixelsOption maxPixels;

    @Option(names = "--tile", defaultValue = "" + TiledPixelUpscaler.DEFAULT_TILE, paramLabel = "PIXELS", hidden = true)
    int tile;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image files or folders.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file or folder.")
    Path output;

    @Option(names = {"-r", "--recursive"},
            description = "Also the images in the subfolders of folder inputs; their folders are kept under -o.")
    boolean recursive;

    @Option(names = "--skip-existing", description = {"Skip inputs whose output is already there and complete (an "
            + "image of the expected size),", "e.g. to resume an interrupted batch; counted in the summary."})
    boolean skipExisting;

    @Option(names = "--suffix", paramLabel = "TEXT",
            description = "Added to each output name before its extension, e.g. _x2 (outputs into a folder).")
    String suffix;

    @Option(names = "--progress", paramLabel = "bar|json", defaultValue = "bar", description = {"bar: a progress bar "
            + "and one line per failure on stderr; json: one JSON object per line", "on stderr (start, one per image, "
            + "notices, summary; see README). Default: ${DEFAULT-VALUE}."})
    String progress;

    /** An input that could not be used, before the batch. */
    record InputFailure(Path input, String reason) {}

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        if (!progress.equals("bar") && !progress.equals("json")) {
            throw new UsageException("--progress takes bar or json, got '" + progress + "'");
        }
        JsonProgress json = progress.equals("json") ? new JsonProgress(err) : null;
        PrintStream notices = json != null ? json.noticeStream() : err;
        String sfx = OutputNaming.checkSuffix(suffix);
        Options options = options(notices);
        ImageFormat fixedFormat = options.format();
        List<InputFailure> failed = new ArrayList<>();
        List<InputTree.Entry> entries = collect(failed, notices, json == null ? err : null);
        boolean singleFile = inputs.size() == 1 && entries.size() == 1 && !Files.isDirectory(inputs.get(0))
                && !Files.isDirectory(output) && hasExtension(output);
        if (singleFile) {
            ImageFormat named = ImageFormat.ofPath(output);
            if (named == null) {
                throw new UsageException("-o " + output + ": unknown output format (png, jpg, bmp, tiff); for a folder"
                        + " of outputs create it first");
            }
            if (fixedFormat != null && fixedFormat != named) {
                throw new UsageException("--format " + format + " disagrees with -o " + output.getFileName());
            }
        } else if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UsageException("-o " + output + " is a file; with several inputs or a folder, -o names the output"
                    + " folder");
        }
        List<BatchJob> work = new ArrayList<>();
        for (InputTree.Entry e : entries) {
            Path target;
            try {
                target = singleFile ? output : OutputNaming.outputFor(e.relative(), output, fixedFormat, sfx);
            } catch (IllegalArgumentException outside) {
                failed.add(new InputFailure(e.file(), outside.getMessage()));
                continue;
            }
            work.add(new BatchJob(e.file(), target, SrUpscaler.formatFor(singleFile ? target : e.file(), fixedFormat)));
        }
        SrUpscaler up;
        try {
            up = SrUpscaler.open(options);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (up) {
            // Folders only now that options, model and device are known to be good.
            Path folder = singleFile ? output.toAbsolutePath().getParent() : output;
            java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
            folders.add(folder);
            for (BatchJob j : work) folders.add(j.output().toAbsolutePath().getParent());
            for (Path f : folders) {
                try {
                    Files.createDirectories(f);
                } catch (IOException e) {
                    notices.println("gpu-sr: cannot create output folder " + f + ": " + reason(e));
                    return Main.SOME_FAILED;
                }
                AtomicFiles.removeStale(f); // temporary files of killed runs (never a live run's)
            }
            if (!Files.isWritable(folder)) {
                notices.println("gpu-sr: output folder " + folder + " is not writable");
                return Main.SOME_FAILED;
            }
            List<BatchJob> skipped = new ArrayList<>();
            if (skipExisting) {
                List<BatchJob> todo = new ArrayList<>();
                for (BatchJob j : work) (OutputNaming.isComplete(j.input(), j.output(), up.scale()) ? skipped : todo).add(j);
                work = todo;
            }
            if (work.isEmpty() && skipped.isEmpty()) {
                if (json != null) {
                    json.start(failed.size(), up.scale(), output.toString());
                    for (InputFailure f : failed) json.failed(f.input(), f.reason());
                    json.summary(failed.size(), 0, failed.size(), 0, 0, 0, Main.SOME_FAILED);
                } else {
                    err.println("gpu-sr: no images to upscale");
                }
                return Main.SOME_FAILED;
            }
            if (options.method() == Options.Method.SRCNN) notices.println("gpu-sr: " + up.describe());
            if (json != null) {
                json.start(work.size() + skipped.size() + failed.size(), up.scale(), output.toString());
                for (InputFailure f : failed) json.failed(f.input(), f.reason());
                for (BatchJob j : skipped) json.skipped(j.input(), j.output());
            }
            return run(up, work, failed, skipped.size(), json, err);
        }
    }

    /** The image files of the INPUT arguments, each with its path under its folder argument (or its name). */
    private List<InputTree.Entry> collect(List<InputFailure> failed, PrintStream notices, PrintStream human) {
        List<InputTree.Entry> entries = new ArrayList<>();
        for (Path a : inputs) {
            String reason = null;
            if (Files.isDirectory(a)) {
                try {
                    List<InputTree.Entry> found = InputTree.walk(a, recursive, n -> notices.println("gpu-sr: " + n));
                    if (found.isEmpty()) reason = InputTree.NO_IMAGES
                            + (recursive ? "" : " (-r also looks in subfolders)");
                    entries.addAll(found);
                } catch (IOException e) {
                    reason = "cannot list folder: " + reason(e);
                }
            } else if (Files.isRegularFile(a)) {
                entries.add(new InputTree.Entry(a, a.getFileName()));
            } else {
                reason = Files.exists(a) ? "not a regular file or folder" : "no such file or folder";
            }
            if (reason != null) {
                failed.add(new InputFailure(a, reason));
                if (human != null) human.println("gpu-sr: " + a + ": " + reason);
            }
        }
        return entries;
    }

    private Options options(PrintStream err) {
        if (quality < 1 || quality > 100) throw new UsageException("--quality must be 1..100, got " + quality);
        if (pngCompression < 0 || pngCompression > 9) {
            throw new UsageException("--png-compression must be 0..9, got " + pngCompression);
        }
        try {
            Options.Builder b = Options.builder()
                    .method(method == Method.bicubic ? Options.Method.BICUBIC : Options.Method.SRCNN).model(model)
                    .device(engine.device).cuda(CudaOptions.defaults()
                            .withMath(CudaOptions.MathMode.parse(engine.math)).withDeterministic(engine.deterministic))
                    .tile(tile).maxPixels(maxPixels.value)
                    .writeOptions(new WriteOptions(quality).withPngCompression(pngCompression)
                            .withPngCodec(PngCodec.parse(pngCodec))).overwrite(overwrite)
                    .jobs(jobs == null ? Jobs.defaults() : Jobs.parse(jobs, Jobs.defaults())).notices(err);
            if (scale != null) b.scale(scale);
            if (format != null) b.format(ImageFormat.parse(format));
            if (method == Method.bicubic && model != null) {
                throw new IllegalArgumentException("--model is for --method srcnn; bicubic takes only --scale");
            }
            ScaleOption.check(scale);
            maxPixels.get();
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The batch with a progress bar (or JSON lines); Ctrl-C stops it cleanly (summary printed, exit 130). */
    private int run(SrUpscaler up, List<BatchJob> work, List<InputFailure> failed, int skipped, JsonProgress json,
            PrintStream err) {
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            up.cancel();
            try {
                reported.await(60, TimeUnit.SECONDS); // let the summary print before the JVM halts
            } catch (InterruptedException ignored) {
                // halting anyway
            }
        }, "gpu-sr interrupt");
        boolean hooked = addHook(hook);
        try {
            BatchListener listener = json != null ? json : new Progress(err, work.size(), "images");
            BatchResult r = up.run(work, listener);
            return report(r, failed, skipped, up.scale(), json, err);
        } finally {
            reported.countDown();
            if (hooked) removeHook(hook);
        }
    }

    static int report(BatchResult r, List<InputFailure> failed, int skipped, int k, JsonProgress json,
            PrintStream err) {
        List<String> failures = new ArrayList<>();
        for (InputFailure f : failed) failures.add(f.input() + ": " + f.reason());
        for (ImageResult f : r.failures()) failures.add(f.describe());
        List<String> lines = new ArrayList<>();
        int exit;
        if (r.error() != null) {
            lines.add("gpu-sr: error: the run stopped: " + r.error());
            exit = Main.SOME_FAILED;
        } else if (r.deviceLost() != null) {
            lines.add("gpu-sr: the device was lost (" + r.deviceLost() + "); " + r.notRun()
                    + " images were not processed; the " + r.succeeded() + " written are complete");
            exit = Main.DEVICE_LOST;
        } else if (r.cancelled()) {
            lines.add("gpu-sr: interrupted; " + r.notRun() + " images were not processed; the " + r.succeeded()
                    + " written are complete");
            exit = Main.INTERRUPTED;
        } else {
            exit = failures.isEmpty() ? Main.OK : Main.SOME_FAILED;
        }
        if (json != null) {
            for (String l : lines) json.notice(l);
            json.summary(r.total() + skipped + failed.size(), r.succeeded(), failures.size(), skipped, r.notRun(),
                    r.seconds(), exit);
            return exit;
        }
        err.printf(Locale.ROOT, "gpu-sr: upscaled %d of %d images x%d in %.1f s%s%n", r.succeeded(), r.total(), k,
                r.seconds(), skipped > 0 ? "; " + skipped + " skipped (complete outputs exist)" : "");
        err.println("gpu-sr: " + r.summaryLine());
        if (!failures.isEmpty()) {
            err.println("gpu-sr: " + failures.size() + " failed:");
            for (String f : failures) err.println("  " + f);
        }
        for (String l : lines) err.println(l);
        if (r.error() != null && System.getenv("GPUSR_DEBUG") != null) r.error().printStackTrace(err);
        return exit;
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false; // already shutting down
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running
        }
    }

    /** A file name like "x.png" (or "x.webp"): a single output file was meant rather than a folder. */
    private static boolean hasExtension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && n.length() - dot - 1 >= 2 && n.length() - dot - 1 <= 5 && n.substring(dot + 1).chars().allMatch(Character::isLetter);
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
