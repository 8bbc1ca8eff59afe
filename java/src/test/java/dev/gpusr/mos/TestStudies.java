package dev.gpusr.mos;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small studies for the tests: synthetic photos-like images, methods that need no engine (bicubic, original). */
final class TestStudies {
    private TestStudies() {}

    /** A w x h RGB image with smooth gradients and sharp edges (so bicubic visibly differs from the original). */
    static Image pattern(int w, int h, int seed, boolean gray) {
        float[][] planes = new float[gray ? 1 : 3][w * h];
        for (int c = 0; c < planes.length; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0.5 + 0.3 * Math.sin((x + seed) * 0.37 + c) * Math.cos(y * 0.21 - seed);
                    if (((x / 5) + (y / 7) + seed) % 3 == 0) v = 1 - v;
                    planes[c][y * w + x] = (float) (Math.round(v * 255) / 255.0);
                }
            }
        }
        return new Image(w, h, planes, null, 8);
    }

    static List<Path> writeInputs(Path dir, int count, int w, int h) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("photo" + i + ".png");
            ImageWriter.write(pattern(w, h, i, false), p, ImageFormat.PNG, 100);
            out.add(p);
        }
        return out;
    }

    /** A study of {@code sources} images 48x36 at x3 with bicubic and the hidden reference: 2 rated images each. */
    static Study make(Path dir, int sources) throws IOException {
        List<Path> inputs = writeInputs(dir.resolve("inputs"), sources, 48, 36);
        try (StudyMethods m = StudyMethods.open(List.of("bicubic", "original"), 3, w -> {
            throw new AssertionError("no engine needed");
        })) {
            StudyPreparer.Outcome o = StudyPreparer.prepare(inputs, m, dir.resolve("study"), 1_000_000,
                    new PrintStream(new ByteArrayOutputStream()));
            if (!o.failures().isEmpty()) throw new AssertionError(o.failures());
            return Study.read(dir.resolve("study"));
        }
    }
}
