package dev.gpusr.cli;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "upscale", mixinStandardHelpOptions = true,
        description = {"Enlarge images by K with SRCNN (or plain bicubic).",
                "Files or folders in; with several inputs or a folder, -o is a folder and names are kept.",
                "Outputs are written to a temporary name and renamed; inputs are never overwritten."})
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
    public Integer call() {
        PrintStream err = System.err;
        if (quality < 1 || quality > 100) throw new UsageException("--quality must be 1..100, got " + quality);
        if (scale != null && (scale < 1 || scale > 8)) throw new UsageException("--scale must be 1..8, got " + scale);
        if (maxPixels < 1) throw new UsageException("--max-pixels must be positive, got " + maxPixels);
        if (method == Method.bicubic && model != null) {
            throw new UsageException("--model is for --method srcnn; bicubic takes only --scale");
        }
        ImageFormat fixedFormat = null;
        if (format != null) {
            try {
                fixedFormat = ImageFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
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
            err.println("gpu-sr: cannot create output folder " + folder + ": " + UpscaleCommand.reason(e));
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

        SrcnnEngine eng = null;
        PixelPath upscaler;
        if (method == Method.bicubic) {
            upscaler = TiledPixelUpscaler.bicubic(scale == null ? 3 : scale);
        } else {
            SrcnnWeights w;
            try {
                w = BundledModels.load(model, scale == null ? 0 : scale);
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            eng = engine.open(w);
            upscaler = new TiledPixelUpscaler(eng, tile);
            err.println("gpu-sr: " + w.config() + " on " + eng.name());
        }
        try {
            return run(in, upscaler, fixedFormat, singleFile, err);
        } finally {
            if (eng != null) eng.close();
        }
    }

    /** A file name like "x.png" (or "x.webp"): a single output file was meant rather than a folder. */
    private static boolean hasExtension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && n.length() - dot - 1 >= 2 && n.length() - dot - 1 <= 5 && n.substring(dot + 1).chars().allMatch(Character::isLetter);
    }

    private int run(Inputs in, PixelPath upscaler, ImageFormat fixedFormat, boolean singleFile, PrintStream err) {
        Progress progress = in.files.size() > 1 ? new Progress(err, in.files.size(), "images") : null;
        OutputGuard guard = new OutputGuard(in.files, overwrite);
        int ok = 0;
        long start = System.nanoTime();
        for (Path file : in.files) {
            try {
                Path target = singleFile ? output : output.resolve(outputName(file, fixedFormat));
                ImageFormat fmt = fixedFormat != null ? fixedFormat : formatFor(singleFile ? target : file);
                guard.claim(target, file);
                Pixels lr = ImageReader.readPixels(file, maxPixels);
                int min = upscaler.minInputSide();
                if (lr.width() < min || lr.height() < min) {
                    throw new ImageException("image is " + lr.width() + "x" + lr.height() + "; SRCNN x"
                            + upscaler.scale() + " needs at least " + min + "x" + min
                            + " (the network's receptive field); use --method bicubic for tiny images");
                }
                boolean deep = ImageWriter.holdsDeepSamples(fmt);
                Pixels sr = upscaler.upscale(lr, deep ? lr.bitDepth() : 8);
                if (sr.hasAlpha() && !deep) {
                    if (progress != null) progress.interrupt();
                    err.println("gpu-sr: note: " + file + " has transparency, which " + fmt.name() + " cannot hold; it is dropped");
                }
                ImageWriter.write(sr, target, fmt, new WriteOptions(quality));
                ok++;
            } catch (IOException | RuntimeException e) {
                if (progress != null) progress.interrupt();
                in.fail(err, file, reason(e));
            }
            if (progress != null) progress.advance(file.getFileName().toString());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        err.printf("gpu-sr: upscaled %d of %d images x%d in %.1f s%n", ok, in.files.size(), upscaler.scale(), secs);
        if (!in.failures.isEmpty()) {
            err.println("gpu-sr: " + in.failures.size() + " failed:");
            for (String f : in.failures) err.println("  " + f);
            return Main.SOME_FAILED;
        }
        return Main.OK;
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static ImageFormat formatFor(Path p) {
        ImageFormat f = ImageFormat.ofPath(p);
        return f == null ? ImageFormat.PNG : f;
    }

    private static String outputName(Path input, ImageFormat fixed) {
        String name = input.getFileName().toString();
        ImageFormat own = ImageFormat.ofPath(input);
        if (fixed == null && own != null) return name;
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return base + "." + (fixed != null ? fixed : ImageFormat.PNG).extension;
    }
}
