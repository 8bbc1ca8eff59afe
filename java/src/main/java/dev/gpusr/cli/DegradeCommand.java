package dev.gpusr.cli;

import dev.gpusr.pipeline.OutputGuard;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.resample.BicubicResampler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "degrade", mixinStandardHelpOptions = true,
        description = {"Make low-resolution test inputs as SR papers do (MATLAB bicubic down by K).",
                "Crops to a multiple of K, then shrinks by K with antialiasing; with --up, enlarges back by K (the",
                "bicubic baseline). Outputs keep the names, as PNG."})
final class DegradeCommand implements Callable<Integer> {
    @Option(names = {"-s", "--scale"}, required = true, paramLabel = "K", description = ScaleOption.HELP)
    int scale;

    @Option(names = "--up", description = "Enlarge back by K after shrinking.")
    boolean up;

    @Option(names = "--overwrite", description = "Replace existing output files (never inputs).")
    boolean overwrite;

    @Option(names = "--max-pixels", defaultValue = "100000000", paramLabel = "N", description = "Refuse larger inputs. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image files or folders.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder.")
    Path output;

    @Override
    public Integer call() {
        ScaleOption.check(scale);
        if (maxPixels < 1) throw new UsageException("--max-pixels must be positive, got " + maxPixels);
        PrintStream err = System.err;
        Inputs in = Inputs.collect(inputs, err);
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            err.println("gpu-sr: cannot create output folder " + output + ": " + e.getMessage());
            return Main.SOME_FAILED;
        }
        OutputGuard guard = new OutputGuard(in.files, overwrite);
        int ok = 0;
        for (Path file : in.files) {
            try {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                Path target = output.resolve((dot > 0 ? name.substring(0, dot) : name) + ".png");
                guard.claim(target, file);
                Image hr = ImageReader.read(file, maxPixels);
                ImageWriter.write(degrade(hr, scale, up), target, ImageFormat.PNG, 100);
                ok++;
            } catch (IOException | RuntimeException e) {
                in.fail(err, file, UpscaleCommand.reason(e));
            }
        }
        err.printf(Locale.ROOT, "gpu-sr: degraded %d of %d images (x%d%s)%n", ok, in.files.size(), scale, up ? ", back up" : "");
        return in.failures.isEmpty() ? Main.OK : Main.SOME_FAILED;
    }

    /** Crop to a multiple of k, shrink by k, optionally enlarge by k; every plane and alpha alike, in float. */
    static Image degrade(Image hr, int k, boolean up) throws IOException {
        int w = hr.width() / k * k;
        int h = hr.height() / k * k;
        if (w == 0 || h == 0) throw new IOException("image is " + hr.width() + "x" + hr.height() + ", smaller than the factor " + k);
        float[][] planes = new float[hr.planes().length][];
        for (int i = 0; i < planes.length; i++) planes[i] = resize(crop(hr.planes()[i], hr.width(), w, h), w, h, k, up);
        float[] alpha = hr.alpha() == null ? null : resize(crop(hr.alpha(), hr.width(), w, h), w, h, k, up);
        int ow = up ? w : w / k;
        int oh = up ? h : h / k;
        return new Image(ow, oh, planes, alpha, hr.bitDepth());
    }

    private static float[] resize(float[] p, int w, int h, int k, boolean up) {
        float[] small = BicubicResampler.downscale(p, w, h, k);
        return up ? BicubicResampler.upscale(small, w / k, h / k, k) : small;
    }

    static float[] crop(float[] plane, int stride, int w, int h) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(plane, y * stride, out, y * w, w);
        return out;
    }
}
