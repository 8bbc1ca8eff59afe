package dev.gpusr.metrics;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.image.Image;
import dev.gpusr.resample.BicubicResampler;

/**
 * The SRCNN authors' evaluation protocol (shared by {@code gpu-sr eval}, the demo and training validation): Y of
 * rgb2ycbcr as 8-bit levels / 255, cropped to a multiple of k, shrunk by 1/k and enlarged by k with MATLAB bicubic
 * (the network input and the bicubic baseline), results rounded to 8-bit levels, k pixels shaved from every border,
 * then PSNR and SSIM.
 */
public final class SrProtocol {
    private SrProtocol() {}

    /** PSNR in dB and SSIM of a restored image against its ground truth. */
    public record Scores(double psnr, double ssim) {}

    /**
     * The smallest side (after modcrop) the protocol scores at scale k: one SSIM window after shaving k pixels from
     * each border.
     */
    public static int minSide(int k) {
        return Metrics.SSIM_WINDOW + 2 * k;
    }

    /** Crops a plane to width and height that are multiples of k, keeping the top-left corner (MATLAB modcrop). */
    public static Plane modcrop(float[] plane, int width, int height, int k) {
        Plane source = new Plane(plane, width, height);
        if (k < 1) throw new IllegalArgumentException("scale factor must be >= 1, got " + k);
        int croppedWidth = width - width % k;
        int croppedHeight = height - height % k;
        if (croppedWidth == 0 || croppedHeight == 0) {
            throw new IllegalArgumentException("a " + source.sizeString() + " image is smaller than the scale factor "
                    + k + " and has nothing left after cropping to a multiple of it");
        }
        if (croppedWidth == width && croppedHeight == height) return new Plane(plane.clone(), width, height);
        float[] cropped = new float[croppedWidth * croppedHeight];
        for (int y = 0; y < croppedHeight; y++) System.arraycopy(plane, y * width, cropped, y * croppedWidth, croppedWidth);
        return new Plane(cropped, croppedWidth, croppedHeight);
    }

    public static Plane modcrop(Plane plane, int k) {
        return modcrop(plane.data(), plane.width(), plane.height(), k);
    }

    /**
     * The luminance the protocol scores: MATLAB rgb2ycbcr's Y rounded to uint8, divided by 255 (for a gray image the
     * gray plane itself, rounded to 8-bit levels). Not cropped.
     */
    public static Plane lumaLevels(Image img) {
        float[] luma = img.isGray() ? img.planes()[0] : ColorConversion.rgbToYcbcr(img.planes())[0];
        return new Plane(unitLevels(luma), img.width(), img.height());
    }

    /**
     * A plane rounded to 8-bit levels ({@link Metrics#toUint8Levels}) and brought back to [0, 1]: single(uint8) / 255
     * in single precision, as the SRCNN code prepares its input.
     */
    public static float[] unitLevels(float[] plane) {
        float[] levels = Metrics.toUint8Levels(plane);
        for (int i = 0; i < levels.length; i++) levels[i] /= 255f;
        return levels;
    }

    /**
     * The bicubic baseline and network input made from a ground-truth plane: modcrop to k, imresize by 1/k
     * (antialiased), imresize by k; float throughout, no rounding in between. Same size as {@code modcrop(hr, k)}.
     */
    public static Plane degrade(Plane hr, int k) {
        Plane cropped = modcrop(hr, k);
        int w = cropped.width();
        int h = cropped.height();
        return new Plane(BicubicResampler.upscale(shrink(cropped, k), w / k, h / k, k), w, h);
    }

    /**
     * The low-resolution plane {@link #degrade} enlarges: modcrop to k, imresize by 1/k (antialiased), float;
     * (width / k) x (height / k) of the modcropped plane.
     */
    public static float[] shrink(Plane hr, int k) {
        // a plane already cropped (as degrade's and the training set's are) is read as it is, not copied again
        Plane cropped = hr.width() % k == 0 && hr.height() % k == 0 ? hr : modcrop(hr, k);
        return BicubicResampler.downscale(cropped.data(), cropped.width(), cropped.height(), k);
    }

    /**
     * PSNR and SSIM of {@code restored} against {@code hr} (both [0, 1], same size: pass the modcropped ground
     * truth), after rounding both to 8-bit levels and shaving k pixels from every border.
     */
    public static Scores score(Plane hr, Plane restored, int k) {
        if (!hr.sameSize(restored)) {
            throw new IllegalArgumentException("ground truth is " + hr.sizeString() + " but the restored image is "
                    + restored.sizeString() + "; crop the ground truth with modcrop(hr, " + k + ") first");
        }
        if (k < 1) throw new IllegalArgumentException("scale factor must be >= 1, got " + k);
        float[] truth = Metrics.toUint8Levels(hr.data());
        float[] result = Metrics.toUint8Levels(restored.data());
        int w = hr.width();
        int h = hr.height();
        return new Scores(Metrics.psnr(truth, result, w, h, k), Metrics.ssim(truth, result, w, h, k));
    }
}
