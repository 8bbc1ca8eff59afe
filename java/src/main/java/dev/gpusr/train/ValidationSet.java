package dev.gpusr.train;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole pictures scored with the SRCNN evaluation protocol during training: modcrop, bicubic down and up (the network
 * input and the bicubic baseline), the model on the whole picture, then PSNR/SSIM on Y at 8 bits with {@code scale}
 * pixels shaved from each border. An RGB model's output is rounded to 8 bits and measured on its Y.
 */
public final class ValidationSet {
    /** One picture: its HR luma, the network input (1, c, h, w) and the bicubic baseline's scores. */
    public record Item(String name, int width, int height, float[] hrLuma, Tensor input, double bicubicPsnr,
            double bicubicSsim) {}

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

    public static ValidationSet fromFolder(Path dir, int scale, ColorSpace color, PrintStream warnings) throws IOException {
        return of(ImageFolder.read(dir, "validation", color, warnings), scale, color);
    }

    /** Pictures smaller than 2 * scale + 1 after modcrop leave nothing after the shave and are left out. */
    public static ValidationSet of(List<Picture> pictures, int scale, ColorSpace color) {
        List<Item> items = new ArrayList<>();
        for (Picture picture : pictures) {
            int w = TrainingPlanes.modcrop(picture.width(), scale);
            int h = TrainingPlanes.modcrop(picture.height(), scale);
            if (w <= 2 * scale || h <= 2 * scale) continue;
            int c = picture.channels();
            Tensor input = new Tensor(1, c, h, w);
            for (int ch = 0; ch < c; ch++) {
                float[] hr = TrainingPlanes.crop(picture.planes()[ch], picture.width(), w, h);
                System.arraycopy(TrainingPlanes.degrade(hr, w, h, scale), 0, input.data, ch * w * h, w * h);
            }
            float[] hrLuma = TrainingPlanes.crop(picture.luma(), picture.width(), w, h);
            double[] bicubic = TrainingPlanes.score(hrLuma, luma(input, color), w, h, scale);
            items.add(new Item(picture.name(), w, h, hrLuma, input, bicubic[0], bicubic[1]));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no validation picture is larger than " + (2 * scale) + " pixels a side");
        }
        return new ValidationSet(scale, color, List.copyOf(items));
    }

    /** The Y plane of a (1, c, h, w) result: the plane itself, or Y of the RGB planes rounded to 8 bits. */
    private static float[] luma(Tensor t, ColorSpace color) {
        int plane = t.h * t.w;
        if (color == ColorSpace.Y) return Arrays.copyOf(t.data, plane);
        float[][] rgb = new float[3][];
        for (int c = 0; c < 3; c++) rgb[c] = Arrays.copyOfRange(t.data, c * plane, (c + 1) * plane);
        return TrainingPlanes.lumaOfRgb(rgb);
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    /** The bicubic baseline's mean scores (in the bicubic fields; the model's fields hold them too). */
    public Scores bicubicScores() {
        double psnr = 0;
        double ssim = 0;
        for (Item item : items) {
            psnr += item.bicubicPsnr();
            ssim += item.bicubicSsim();
        }
        int n = items.size();
        return new Scores(psnr / n, ssim / n, psnr / n, ssim / n);
    }

    /** The model's and bicubic's mean scores; the engine runs each whole picture through {@link SrcnnEngine#forward}. */
    public Scores evaluate(SrcnnEngine engine) {
        double psnr = 0;
        double ssim = 0;
        double bicubicPsnr = 0;
        double bicubicSsim = 0;
        for (Item item : items) {
            Tensor out = engine.forward(item.input());
            double[] s = TrainingPlanes.score(item.hrLuma(), luma(out, color), item.width(), item.height(), scale);
            psnr += s[0];
            ssim += s[1];
            bicubicPsnr += item.bicubicPsnr();
            bicubicSsim += item.bicubicSsim();
        }
        int n = items.size();
        return new Scores(psnr / n, ssim / n, bicubicPsnr / n, bicubicSsim / n);
    }
}
