package dev.gpusr.resample;

import dev.gpusr.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * golden/reference.json (numpy port of MATLAB imresize, rgb2ycbcr and the SRCNN metrics; see golden/README.md),
 * parsed once. Arrays there are row-major lists of rows.
 */
public final class GoldenReference {
    /** A 2-D array from the reference file as a row-major plane of doubles. */
    public record Grid(int width, int height, double[] values) {
        public float[] asFloats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            return f;
        }
    }

    private static final Map<String, Object> ROOT = load();

    private GoldenReference() {}

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try (InputStream in = GoldenReference.class.getResourceAsStream("/golden/reference.json")) {
            if (in == null) throw new IllegalStateException("test resource /golden/reference.json is missing");
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value at a dotted path such as "upscale.outputs.2". */
    @SuppressWarnings("unchecked")
    public static Object at(String path) {
        Object node = ROOT;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new IllegalArgumentException("golden reference has no key " + path);
            }
            node = ((Map<String, Object>) m).get(key);
        }
        return node;
    }

    public static double number(String path) {
        return ((Number) at(path)).doubleValue();
    }

    public static Grid grid(String path) {
        List<?> rows = (List<?>) at(path);
        int height = rows.size();
        int width = ((List<?>) rows.get(0)).size();
        double[] values = new double[width * height];
        for (int y = 0; y < height; y++) {
            List<?> row = (List<?>) rows.get(y);
            if (row.size() != width) throw new IllegalStateException(path + " is ragged at row " + y);
            for (int x = 0; x < width; x++) values[y * width + x] = ((Number) row.get(x)).doubleValue();
        }
        return new Grid(width, height, values);
    }
}
