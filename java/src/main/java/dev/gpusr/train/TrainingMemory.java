package dev.gpusr.train;

import dev.gpusr.image.ImageException;
import dev.gpusr.image.ImageReader;
import dev.gpusr.resample.BicubicResampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * What a training folder will take of the Java heap, estimated from the images' headers before anything is decoded:
 * what the {@link PatchDataset} keeps (pictures, patch index, one epoch's plan) and what loading needs on top while
 * the pictures are decoded and made compact, several at once.
 *
 * @param kept bytes the dataset keeps for the whole run
 * @param loading bytes the pictures in flight take at the peak of loading (freed once loaded)
 * @param pictures images counted (those loading would read)
 */
public record TrainingMemory(long kept, long loading, int pictures) {
    /**
     * Bytes a pixel of one picture in flight takes at most while it is made compact: the decoded image and its
     * raster (16), and per plane the float plane, its shrunk copies (2.3x), crops, the float label and the
     * low-resolution plane (28).
     */
    static final int LOADING_BYTES_PER_PIXEL = 16;
    static final int LOADING_BYTES_PER_PIXEL_AND_PLANE = 28;

    public long total() {
        return kept + loading;
    }

    /** The estimate for the images under {@code dir}: non-images, unreadable headers and images over the pixel limit skipped, as loading skips them. */
    public static TrainingMemory of(Path dir, PatchDataset.Options options) throws IOException {
        long kept = 0;
        long largest = 0;
        int pictures = 0;
        for (Path file : ImageFolder.list(dir, "training")) {
            if (!ImageReader.hasImageExtension(file)) continue;
            ImageReader.Dimensions d;
            try {
                d = ImageReader.probe(file);
            } catch (ImageException e) {
                continue; // skipped with a warning when the folder is read
            }
            if (d.pixels() > ImageReader.DEFAULT_MAX_PIXELS) continue;
            kept += keptBytes(d.width(), d.height(), options);
            largest = Math.max(largest, d.pixels());
            pictures++;
        }
        // ImageFolder.read decodes on a parallel stream: the common pool's threads and the calling one
        long inFlight = Math.min(pictures, ForkJoinPool.getCommonPoolParallelism() + 1);
        long loading = inFlight * largest * (LOADING_BYTES_PER_PIXEL
                + (long) LOADING_BYTES_PER_PIXEL_AND_PLANE * options.channels());
        return new TrainingMemory(kept, loading, pictures);
    }

    /**
     * Bytes a width x height 8-bit picture takes in the dataset, its augmented copies included: {@link
     * PatchDataset#bytes} of it plus its share of an epoch's plan. A 16-bit picture's labels take 4 bytes a value,
     * not 1 (the loading's out-of-memory line covers that case).
     */
    public static long keptBytes(int width, int height, PatchDataset.Options options) {
        int k = options.scale();
        int p = options.patchSize();
        List<Double> scales = new ArrayList<>(List.of(1.0));
        if (options.augment().scales) for (double s : PatchDataset.AUGMENT_SCALES) scales.add(s);
        long bytes = 0;
        for (double s : scales) {
            // the shrunk copies' sizes as TrainingPlanes.resize makes them
            long w = TrainingPlanes.modcrop(s == 1.0 ? width : BicubicResampler.contributions(width, s).outLength(), k);
            long h = TrainingPlanes.modcrop(s == 1.0 ? height : BicubicResampler.contributions(height, s).outLength(), k);
            if (w < p || h < p) continue;
            // Y labels stay on the 8-bit grid in the shrunk copies too; RGB ones do not
            int labelBytes = s == 1.0 || options.channels() == 1 ? 1 : 4;
            bytes += options.channels() * (labelBytes * w * h + 4 * (w / k) * (h / k));
            long patches = (long) PatchDataset.patchesAlong((int) w, p, options.stride())
                    * PatchDataset.patchesAlong((int) h, p, options.stride());
            bytes += patches * (PatchDataset.INDEX_BYTES + PatchDataset.planBytes(options.augment()));
        }
        return bytes;
    }
}
