package dev.gpusr.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The pretrained models packed in the jar ("x2", "x3", "x4") and model files given by path. */
public final class BundledModels {
    public static final int[] SCALES = {2, 3, 4};

    private BundledModels() {}

    public static String resource(int scale) {
        return "/dev/gpusr/models/srcnn_x" + scale + ".safetensors";
    }

    /**
     * Resolves --model: null or "xK" for a bundled model, else a file path. {@code scale} (0 = any) must agree with
     * the model. Problems are IOExceptions with a one-line reason.
     */
    public static SrcnnWeights load(String model, int scale) throws IOException {
        String m = model == null ? "x" + (scale == 0 ? 3 : scale) : model.trim();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.matches("x[0-9]+") && !Files.exists(Path.of(m))) {
            int k = Integer.parseInt(lower.substring(1));
            boolean known = false;
            for (int s : SCALES) known |= s == k;
            if (!known) throw new IOException("no bundled model for " + m + " (bundled: x2, x3, x4)");
            if (scale != 0 && scale != k) throw new IOException("--model " + m + " is for x" + k + " but --scale is " + scale);
            return SrcnnWeights.loadResource(resource(k), k);
        }
        Path p = Path.of(m);
        if (!Files.isRegularFile(p)) throw new IOException("model file " + m + " does not exist");
        try {
            return SrcnnWeights.load(p, scale);
        } catch (IOException e) {
            throw new IOException("model " + m + ": " + e.getMessage(), e);
        }
    }
}
