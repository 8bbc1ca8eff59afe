package dev.gpusr.cli;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.PixelImages;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.Metrics;
import dev.gpusr.metrics.SrEvaluation;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the bundled model on the bundled sample photo and compare with bicubic.",
                "Writes the LR input, the bicubic and the SRCNN result and a side-by-side comparison, and prints",
                "PSNR/SSIM of bicubic vs SRCNN (paper protocol, Y)."})
final class DemoCommand implements Callable<Integer> {
    static final String SAMPLE = "/dev/gpusr/samples/butterfly.jpg";

    @Option(names = {"-s", "--scale"}, defaultValue = "3", paramLabel = "K", description = "2, 3 or 4. Default: ${DEFAULT-VALUE}.")
    int scale;

    @Mixin
    EngineOptions engine;

    @Option(names = {"-o", "--output"}, defaultValue = "demo-out", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (java.util.Arrays.stream(BundledModels.SCALES).noneMatch(s -> s == scale)) {
            throw new UsageException("--scale must be 2, 3 or 4 (the bundled models), got " + scale);
        }
        SrcnnWeights w;
        try {
            w = BundledModels.load("x" + scale, scale);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        Path sample = Files.createTempFile("gpusr-sample-", ".jpg");
        try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
            if (in == null) throw new IOException("the bundled sample " + SAMPLE + " is missing from the jar");
            Files.copy(in, sample, StandardCopyOption.REPLACE_EXISTING);
            Image hr = ImageReader.read(sample, ImageReader.DEFAULT_MAX_PIXELS);
            Image lr = DegradeCommand.degrade(hr, scale, false);
            Image cropped = crop(hr, lr.width() * scale, lr.height() * scale);
            try (SrcnnEngine eng = engine.open(w)) {
                System.out.println("gpu-sr demo: " + w.config() + " on " + eng.name());
                System.out.println("sample: butterfly " + hr.width() + "x" + hr.height() + " -> LR " + lr.width() + "x"
                        + lr.height() + " (MATLAB bicubic down x" + scale + ")");
                long t0 = System.nanoTime();
                // the 8-bit LR the demo writes is what both methods enlarge, through the batch command's own path
                Pixels lrSamples = PixelImages.toPixels(lr);
                Image bicubic = PixelImages.toImage(TiledPixelUpscaler.bicubic(scale).upscale(lrSamples));
                long t1 = System.nanoTime();
                Image sr = PixelImages.toImage(
                        new TiledPixelUpscaler(eng, TiledPixelUpscaler.DEFAULT_TILE).upscale(lrSamples));
                long t2 = System.nanoTime();
                write(lr, "lr.png");
                write(bicubic, "bicubic.png");
                write(sr, "srcnn.png");
                write(cropped, "original.png");
                write(sideBySide(nearest(lr, scale), bicubic, sr, cropped), "comparison.png");
                System.out.printf(Locale.ROOT, "bicubic %.0f ms, SRCNN %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                SrEvaluation.Result r = SrEvaluation.evaluate(eng, hr, scale);
                System.out.printf(Locale.ROOT, "PSNR (Y, shave %d): bicubic %s dB, SRCNN %s dB (%s dB)%n", scale,
                        Metrics.psnrText(r.bicubic().psnr(), 2), Metrics.psnrText(r.srcnn().psnr(), 2),
                        Metrics.psnrGainText(r.bicubic().psnr(), r.srcnn().psnr(), 2));
                System.out.printf(Locale.ROOT, "SSIM (Y, shave %d): bicubic %.4f,   SRCNN %.4f%n", scale, r.bicubic().ssim(), r.srcnn().ssim());
                System.out.println("wrote " + output + "/{lr,bicubic,srcnn,original,comparison}.png; comparison = LR (pixel"
                        + " repeat) | bicubic | SRCNN | original");
            }
        } finally {
            Files.deleteIfExists(sample);
        }
        return Main.OK;
    }

    private void write(Image img, String name) throws IOException {
        try {
            Files.createDirectories(output); // only once the model and the device are known to be good
        } catch (IOException e) {
            throw new UsageException("cannot create output folder " + output + " (" + UpscaleCommand.reason(e) + ")");
        }
        ImageWriter.write(img, output.resolve(name), ImageFormat.PNG, 100);
    }

    static Image crop(Image img, int w, int h) {
        float[][] planes = new float[img.planes().length][];
        for (int i = 0; i < planes.length; i++) planes[i] = DegradeCommand.crop(img.planes()[i], img.width(), w, h);
        float[] alpha = img.alpha() == null ? null : DegradeCommand.crop(img.alpha(), img.width(), w, h);
        return new Image(w, h, planes, alpha, img.bitDepth());
    }

    static Image nearest(Image img, int k) {
        int w = img.width() * k;
        int h = img.height() * k;
        float[][] planes = new float[img.planes().length][w * h];
        for (int i = 0; i < planes.length; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) planes[i][y * w + x] = img.planes()[i][(y / k) * img.width() + x / k];
            }
        }
        return new Image(w, h, planes, null, img.bitDepth());
    }

    /** Panels of equal size in a row, 8 white pixels apart. */
    static Image sideBySide(Image... panels) {
        int gap = 8;
        int h = panels[0].height();
        int pw = panels[0].width();
        int w = panels.length * pw + (panels.length - 1) * gap;
        int c = Arrays.stream(panels).mapToInt(p -> p.planes().length).max().orElse(1);
        float[][] planes = new float[c][w * h];
        for (float[] p : planes) Arrays.fill(p, 1f);
        for (int k = 0; k < panels.length; k++) {
            Image p = panels[k];
            for (int i = 0; i < c; i++) {
                float[] src = p.planes()[Math.min(i, p.planes().length - 1)];
                for (int y = 0; y < h; y++) System.arraycopy(src, y * pw, planes[i], y * w + k * (pw + gap), pw);
            }
        }
        return new Image(w, h, planes, null, 8);
    }
}
