package dev.gpusr.cli;

import dev.gpusr.api.Options;
import dev.gpusr.api.SrUpscaler;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.pipeline.BatchJob;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.ImageResult;
import dev.gpusr.pipeline.Jobs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "Decoding, the engine and encoding run at once (-j); outputs are written to a temporary name and",
                "renamed; inputs are never overwritten. Exit codes: 0 all written, 1 some failed, 2 usage,",
                "3 engine unavailable, 4 device lost, 130 interrupted."})
final class UpscaleCommand implements Callable<Integer> {
    enum Method { srcnn, bicubic }

    @Option(names = {"-s", "--scale"}, paramLabel = "K", description = "Enlargement factor (2, 3, 4). Default: the model's, else 3.")
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

    @Option(names = "--overwrite", description = "Replace existing output files (never inputs).")
    boolean overwrite;

    @Option(names = "--max-pixels", defaultValue = "100000000", paramLabel = "N",
            description = "Refuse inputs with more pixels than this, from the header. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--tile", defaultValue = "" + TiledPixelUpscaler.DEFAULT_TILE, paramLabel = "PIXELS", hidden = true)
    int tile;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image files or folders.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file or folder.")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        Options options = options(err);
        ImageFormat fixedFormat = options.format();
        Inputs in = Inputs.collect(inputs, err);
        boolean singleFile = inputs.size() == 1 && in.files.size() == 1 && !Files.isDirectory(inputs.get(0))
                && !Files.isDirectory(output) && hasExtension(output);
        Path folder = singleFile ? output.toAbsolutePath().getParent() : output;
        if (singleFile) {
            ImageFormat named = ImageFormat.ofPath(output);
            if (named == null) {
                throw new UsageException("-o " + output + ": unknown output format (png, jpg, bmp, tiff); for a folder"
                        + " of outputs create it first");
            }
            if (fixedFormat != null && fixedFormat != named) {
                throw new UsageException("--format " + format + " disagrees with -o " + output.getFileName());
            }
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            err.println("gpu-sr: cannot create output folder " + folder + ": " + reason(e));
            return Main.SOME_FAILED;
        }
        if (!Files.isWritable(folder)) {
            err.println("gpu-sr: output folder " + folder + " is not writable");
            return Main.SOME_FAILED;
        }
        if (in.files.isEmpty()) {
            err.println("gpu-sr: no images to upscale");
            return Main.SOME_FAILED;
        }
        List<BatchJob> work = new ArrayList<>();
        for (Path f : in.files) {
            Path target = singleFile ? output : SrUpscaler.outputFor(f, output, fixedFormat);
            work.add(new BatchJob(f, target, SrUpscaler.formatFor(singleFile ? target : f, fixedFormat)));
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
            if (options.method() == Options.Method.SRCNN) err.println("gpu-sr: " + up.describe());
            return run(up, work, in, err);
        }
    }

    private Options options(PrintStream err) {
        if (quality < 1 || quality > 100) throw new UsageException("--quality must be 1..100, got " + quality);
        try {
            Options.Builder b = Options.builder()
                    .method(method == Method.bicubic ? Options.Method.BICUBIC : Options.Method.SRCNN).model(model)
                    .device(engine.device).cuda(CudaOptions.defaults()
                            .withMath(CudaOptions.MathMode.parse(engine.math)).withDeterministic(engine.deterministic))
                    .tile(tile).maxPixels(maxPixels).writeOptions(new WriteOptions(quality)).overwrite(overwrite)
                    .jobs(jobs == null ? Jobs.defaults() : Jobs.parse(jobs, Jobs.defaults())).notices(err);
            if (scale != null) b.scale(scale);
            if (format != null) b.format(ImageFormat.parse(format));
            if (method == Method.bicubic && model != null) {
                throw new IllegalArgumentException("--model is for --method srcnn; bicubic takes only --scale");
            }
            if (scale != null && (scale < 1 || scale > 8)) throw new IllegalArgumentException("--scale must be 1..8, got " + scale);
            if (maxPixels < 1) throw new IllegalArgumentException("--max-pixels must be positive, got " + maxPixels);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The batch with a progress bar; Ctrl-C stops it cleanly (summary printed, exit 130). */
    private int run(SrUpscaler up, List<BatchJob> work, Inputs in, PrintStream err) {
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
            BatchProgress listener = new BatchProgress(err, work.size() > 1 ? new Progress(err, work.size(), "images") : null);
            BatchResult r = up.run(work, listener);
            return report(r, in, up.scale(), err);
        } finally {
            reported.countDown();
            if (hooked) removeHook(hook);
        }
    }

    private int report(BatchResult r, Inputs in, int k, PrintStream err) {
        err.printf("gpu-sr: upscaled %d of %d images x%d in %.1f s%n", r.succeeded(), r.total(), k, r.seconds());
        err.println("gpu-sr: " + r.summaryLine());
        List<String> failures = new ArrayList<>(in.failures);
        for (ImageResult f : r.failures()) failures.add(f.describe());
        if (!failures.isEmpty()) {
            err.println("gpu-sr: " + failures.size() + " failed:");
            for (String f : failures) err.println("  " + f);
        }
        if (r.error() != null) {
            err.println("gpu-sr: error: the run stopped: " + r.error());
            if (System.getenv("GPUSR_DEBUG") != null) r.error().printStackTrace(err);
            return Main.SOME_FAILED;
        }
        if (r.deviceLost() != null) {
            err.println("gpu-sr: the device was lost (" + r.deviceLost() + "); " + r.notRun()
                    + " images were not processed; the " + r.succeeded() + " written are complete");
            return Main.DEVICE_LOST;
        }
        if (r.cancelled()) {
            err.println("gpu-sr: interrupted; " + r.notRun() + " images were not processed; the " + r.succeeded()
                    + " written are complete");
            return Main.INTERRUPTED;
        }
        return failures.isEmpty() ? Main.OK : Main.SOME_FAILED;
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
