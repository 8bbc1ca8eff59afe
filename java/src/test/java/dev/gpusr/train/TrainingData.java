package dev.gpusr.train;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import java.nio.file.Path;
import java.util.Random;

/** Small synthetic pictures for training tests: smooth gradients plus texture, so bicubic loses something. */
final class TrainingData {
    private TrainingData() {}

    static float[] texturedPlane(int w, int h, long seed) {
        Random r = new Random(seed);
        double fx = 0.2 + r.nextDouble() * 0.8;
        double fy = 0.2 + r.nextDouble() * 0.8;
        double phase = r.nextDouble() * 6;
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0.5 + 0.3 * Math.sin(fx * x + phase) * Math.cos(fy * y) + 0.1 * (r.nextDouble() - 0.5);
                p[y * w + x] = Math.round(Math.max(0, Math.min(1, v)) * 255) / 255f;
            }
        }
        return p;
    }

    static Image rgb(int w, int h, long seed) {
        return new Image(w, h, new float[][] {texturedPlane(w, h, seed), texturedPlane(w, h, seed + 1),
            texturedPlane(w, h, seed + 2)}, null, 8);
    }

    static Image gray(int w, int h, long seed) {
        return new Image(w, h, new float[][] {texturedPlane(w, h, seed)}, null, 8);
    }

    static Path png(Path dir, String name, Image image) throws Exception {
        Path p = dir.resolve(name);
        ImageWriter.write(image, p, ImageFormat.PNG, 100);
        return p;
    }
}
