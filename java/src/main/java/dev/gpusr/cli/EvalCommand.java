package dev.gpusr.cli;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageReader;
import dev.gpusr.metrics.Metrics;
import dev.gpusr.metrics.SrEvaluation;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.util.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"PSNR and SSIM of bicubic and SRCNN on HR images (the paper's protocol).",
                "Y of rgb2ycbcr (8-bit), crop to a multiple of K, bicubic down and up by K (the baseline), SRCNN,",
                "round to 8 bits, shave K pixels, PSNR and SSIM. Identical images have infinite PSNR: null in JSON,",
                "left out of the mean PSNR."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = {"-s", "--scale"}, paramLabel = "K", description = ScaleOption.HELP + " Default: the model's.")
    Integer scale;

    @Option(names = {"-m", "--model"}, paramLabel = "x2|x3|x4|FILE", description = "Default: the bundled model for K.")
    String model;

    @Mixin
    EngineOptions engine;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout instead of the table.")
    boolean json;

    @Option(names = "--max-pixels", defaultValue = "100000000", paramLabel = "N", description = "Refuse larger inputs. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "HR image files or folders.")
    List<Path> inputs;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        if (maxPixels < 1) throw new UsageException("--max-pixels must be positive, got " + maxPixels);
        ScaleOption.check(scale);
        SrcnnWeights w;
        try {
            w = BundledModels.load(model, scale == null ? 0 : scale);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        if (w.config().color() != SrcnnConfig.ColorSpace.Y) {
            throw new UsageException("eval implements the paper's Y-channel protocol; this model restores RGB");
        }
        int k = w.config().scale();
        Inputs in = Inputs.collect(inputs, err);
        List<Object> images = new ArrayList<>();
        double[] sums = new double[4];
        int[] finitePsnr = new int[2];
        String device;
        try (SrcnnEngine eng = engine.open(w)) {
            device = eng.id();
            if (!json) {
                System.out.printf(Locale.ROOT, "SRCNN %s x%d on %s%n", w.config().filterName(), k, eng.name());
                System.out.printf(Locale.ROOT, "%-32s %11s %8s %8s %8s %8s%n", "image", "size", "bic PSNR", "bic SSIM", "SR PSNR", "SR SSIM");
            }
            Progress progress = in.files.size() > 1 && json ? new Progress(err, in.files.size(), "images") : null;
            for (Path file : in.files) {
                try {
                    Image hr = ImageReader.read(file, maxPixels);
                    SrEvaluation.Result r = SrEvaluation.evaluate(eng, hr, k);
                    if (Double.isFinite(r.bicubic().psnr())) {
                        sums[0] += r.bicubic().psnr();
                        finitePsnr[0]++;
                    }
                    sums[1] += r.bicubic().ssim();
                    if (Double.isFinite(r.srcnn().psnr())) {
                        sums[2] += r.srcnn().psnr();
                        finitePsnr[1]++;
                    }
                    sums[3] += r.srcnn().ssim();
                    String name = file.getFileName().toString();
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", name);
                    entry.put("width", hr.width());
                    entry.put("height", hr.height());
                    entry.put("bicubic", scores(r.bicubic()));
                    entry.put("srcnn", scores(r.srcnn()));
                    images.add(entry);
                    if (!json) {
                        System.out.printf(Locale.ROOT, "%-32s %11s %8s %8.4f %8s %8.4f%n", clip(name),
                                hr.width() + "x" + hr.height(), Metrics.psnrText(r.bicubic().psnr(), 3),
                                r.bicubic().ssim(), Metrics.psnrText(r.srcnn().psnr(), 3), r.srcnn().ssim());
                    }
                } catch (IOException | RuntimeException e) {
                    if (progress != null) progress.interrupt();
                    in.fail(err, file, UpscaleCommand.reason(e));
                }
                if (progress != null) progress.advance(file.getFileName().toString());
            }
        }
        int n = images.size();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scale", k);
            out.put("model", model == null ? "x" + k : model);
            out.put("device", device);
            out.put("images", images);
            if (n > 0) {
                Map<String, Object> mean = new LinkedHashMap<>();
                mean.put("bicubic", pair(meanPsnr(sums[0], finitePsnr[0]), sums[1] / n));
                mean.put("srcnn", pair(meanPsnr(sums[2], finitePsnr[1]), sums[3] / n));
                out.put("mean", mean);
            }
            if (!in.failures.isEmpty()) out.put("failed", in.failures);
            System.out.println(Json.write(out));
        } else if (n > 0) {
            System.out.printf(Locale.ROOT, "%-32s %11s %8s %8.4f %8s %8.4f%n", "mean (" + n + " images)", "",
                    Metrics.psnrText(meanPsnr(sums[0], finitePsnr[0]), 3), sums[1] / n,
                    Metrics.psnrText(meanPsnr(sums[2], finitePsnr[1]), 3), sums[3] / n);
        }
        if (n == 0) err.println("gpu-sr: no image could be evaluated");
        return in.failures.isEmpty() && n > 0 ? Main.OK : Main.SOME_FAILED;
    }

    private static Map<String, Object> scores(SrProtocol.Scores s) {
        return pair(s.psnr(), s.ssim());
    }

    /** Mean over the images whose PSNR is finite; NaN (null in JSON) when none is. */
    private static double meanPsnr(double sum, int count) {
        return count == 0 ? Double.NaN : sum / count;
    }

    private static Map<String, Object> pair(double psnr, double ssim) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("psnr", Double.isFinite(psnr) ? Math.round(psnr * 1e4) / 1e4 : null); // identical images: infinite
        m.put("ssim", Math.round(ssim * 1e6) / 1e6);
        return m;
    }

    private static String clip(String s) {
        return s.length() <= 32 ? s : s.substring(0, 29) + "...";
    }
}
