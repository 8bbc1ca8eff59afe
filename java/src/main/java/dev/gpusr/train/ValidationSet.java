package dev.gpusr.train;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledForward;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.Image;
import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrEvaluation;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole pictures scored during training with the SRCNN evaluation protocol ({@link SrEvaluation}: 8-bit Y, modcrop,
 * bicubic down and up as input and baseline, the model on the whole picture, 8-bit rounding, k pixels shaved, PSNR
 * and SSIM). An RGB model gets the RGB planes degraded the same way; its output is rounded to 8 bits and measured on
 * its Y.
 */
public final class ValidationSet {
    /** Metrics' SSIM window: a picture must keep at least one after the shave. */
    private static final int SSIM_WINDOW = 11;

    /** One picture and its bicubic baseline's scores. */
    public record Item(String name, Image image, SrProtocol.Scores bicubic) {}

    /** Mean scores over the pictures, the model's and bicubic's. */
    public record Scores(double psnr, double ssim, double bicubicPsnr, double bicubicSsim) {}

    private final int scale;
    private final ColorSpace color;
    private final List<Item> items;

    private ValidationSet(int scale, ColorSpace color, List<Item> items) {
        this.scale = scale;
        this.color = color;
        this.items = items;
    }

    /** The images under a folder; ones too small to score are skipped with a warning line each. */
    public static ValidationSet fromFolder(Path dir, int scale, ColorSpace color, PrintStream warnings) throws IOException {
        record Named(String name, Image image) {}
        List<Named> images = ImageFolder.read(dir, "validation", Named::new, warnings);
        List<String> names = new ArrayList<>();
        List<Image> list = new ArrayList<>();
        for (Named n : images) {
            if (!bigEnough(n.image, scale)) {
                warnings.println("gpu-sr: skipping validation image " + n.name + ": " + n.image.width() + "x"
                        + n.image.height() + " is too small to score at x" + scale + " (needs " + minSide(scale) + "x"
                        + minSide(scale) + ")");
                continue;
            }
            names.add(n.name);
            list.add(n.image);
        }
        if (list.isEmpty()) throw new IOException("validation folder " + dir + " holds no image large enough to score");
        return of(names, list, scale, color);
    }

    /** Pictures to score; each must be at least {@link #minSide} a side. */
    public static ValidationSet of(List<String> names, List<Image> images, int scale, ColorSpace color) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image image = images.get(i);
            if (!bigEnough(image, scale)) {
                throw new IllegalArgumentException(names.get(i) + " is smaller than " + minSide(scale) + "x"
                        + minSide(scale));
            }
            Plane hr = hrLuma(image, scale);
            Plane bicubic = color == ColorSpace.Y ? SrProtocol.degrade(hr, scale)
                    : new Plane(lumaOf(degradedRgb(image, scale)), hr.width(), hr.height());
            items.add(new Item(names.get(i), image, SrProtocol.score(hr, bicubic, scale)));
        }
        if (items.isEmpty()) throw new IllegalArgumentException("no validation pictures");
        return new ValidationSet(scale, color, List.copyOf(items));
    }

    /** The smallest side the protocol scores at scale k: the SSIM window after shaving k pixels from each border. */
    public static int minSide(int k) {
        return SSIM_WINDOW + 2 * k;
    }

    private static boolean bigEnough(Image image, int k) {
        return image.width() - image.width() % k >= minSide(k) && image.height() - image.height() % k >= minSide(k);
    }

    private static Plane hrLuma(Image image, int k) {
        return SrProtocol.modcrop(SrProtocol.lumaLevels(image), k);
    }

    /** The network input of an RGB model: each plane degraded by the protocol, as a (1, 3, h, w) tensor. */
    private static Tensor degradedRgb(Image image, int k) {
        float[][] rgb = TrainingPlanes.of(image, ColorSpace.RGB);
        Tensor input = null;
        for (int c = 0; c < 3; c++) {
            Plane d = SrProtocol.degrade(new Plane(rgb[c], image.width(), image.height()), k);
            if (input == null) input = new Tensor(1, 3, d.height(), d.width());
            System.arraycopy(d.data(), 0, input.data, c * input.planeSize(), input.planeSize());
        }
        return input;
    }

    /** Y of a (1, 3, h, w) RGB result after rounding to 8 bits. */
    private static float[] lumaOf(Tensor rgb) {
        int n = rgb.planeSize();
        float[][] planes = new float[3][];
        for (int c = 0; c < 3; c++) planes[c] = Arrays.copyOfRange(rgb.data, c * n, (c + 1) * n);
        return TrainingPlanes.lumaOfRgb(planes);
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    /** The bicubic baseline's mean scores (in both the model's and the bicubic fields). */
    public Scores bicubicScores() {
        double psnr = 0;
        double ssim = 0;
        for (Item item : items) {
            psnr += item.bicubic().psnr();
            ssim += item.bicubic().ssim();
        }
        int n = items.size();
        return new Scores(psnr / n, ssim / n, psnr / n, ssim / n);
    }

    /** The model's and bicubic's mean scores with the engine's resident model, each picture forwarded whole. */
    public Scores evaluate(SrcnnEngine engine) {
        SrcnnConfig config = engine.weights().config();
        if (config.color() != color || config.scale() != scale) {
            throw new IllegalArgumentException("validation set is for x" + scale + " " + color.id + ", the model is "
                    + config);
        }
        double psnr = 0;
        double ssim = 0;
        for (Item item : items) {
            SrProtocol.Scores s;
            if (color == ColorSpace.Y) {
                s = SrEvaluation.evaluate(engine, item.image(), scale).srcnn();
            } else {
                Tensor input = degradedRgb(item.image(), scale);
                Tensor out = TiledForward.forward(engine, input, TiledPixelUpscaler.DEFAULT_TILE, config.halo());
                s = SrProtocol.score(hrLuma(item.image(), scale), new Plane(lumaOf(out), out.w, out.h), scale);
            }
            psnr += s.psnr();
            ssim += s.ssim();
        }
        Scores bicubic = bicubicScores();
        int n = items.size();
        return new Scores(psnr / n, ssim / n, bicubic.bicubicPsnr(), bicubic.bicubicSsim());
    }
}
