package dev.gpusr.train;

import dev.gpusr.util.AtomicFiles;
import dev.gpusr.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics file of a training run: one JSON object per line, appended (and flushed to the file) as the run goes:
 * {@code step}, {@code epoch}, {@code loss} (mean of the losses read since the previous line, or null), {@code lr}
 * (the per-layer rates of the last update), {@code sub_images_per_s} (since the previous line, validation and
 * checkpoints left out), and on validation lines {@code val_psnr}, {@code val_ssim}, {@code bicubic_psnr},
 * {@code bicubic_ssim}, {@code best_psnr}, {@code best_step}. A resumed run first drops the lines past the step it
 * resumes from (a run killed after its last checkpoint wrote some), so the file reads as one run.
 */
public final class TrainingMetrics {
    private final Path file;

    private TrainingMetrics(Path file) {
        this.file = file;
    }

    /** A new run: the file starts empty. */
    public static TrainingMetrics fresh(Path file) throws IOException {
        AtomicFiles.write(file, new byte[0]);
        return new TrainingMetrics(file);
    }

    /** A run resumed at {@code step}: lines of later steps are dropped, new ones appended. */
    public static TrainingMetrics resumed(Path file, long step) throws IOException {
        if (!Files.exists(file)) return fresh(file);
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Object> m = parseLine(file, line);
            if (m == null) continue;
            if (((Number) m.get("step")).longValue() <= step) kept.append(line).append('\n');
        }
        AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        return new TrainingMetrics(file);
    }

    public Path file() {
        return file;
    }

    /** Appends one line (the map's entries in order). */
    public void append(Map<String, Object> line) throws IOException {
        Files.writeString(file, Json.write(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                StandardOpenOption.CREATE);
    }

    /** The lines of a metrics file; lines that do not parse as a JSON object with a step are skipped. */
    public static List<Map<String, Object>> read(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Object> m = parseLine(file, line);
            if (m != null) out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseLine(Path file, String line) {
        try {
            Object v = Json.parse(line);
            if (v instanceof Map<?, ?> m && m.get("step") instanceof Number) return (Map<String, Object>) m;
        } catch (RuntimeException e) {
            // a line cut short by a crash: not a metric
        }
        return null;
    }

    /** A line's number field, NaN when missing or null. */
    public static double number(Map<String, Object> line, String key) {
        return line.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Starts a line with the fields every line has. */
    static Map<String, Object> line(long step, long epoch, double loss, float[] lr, double subImagesPerSecond) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("epoch", epoch);
        m.put("loss", Double.isNaN(loss) ? null : loss);
        List<Object> rates = new ArrayList<>();
        for (float r : lr) rates.add(Double.parseDouble(Float.toString(r)));
        m.put("lr", rates);
        m.put("sub_images_per_s", Double.isFinite(subImagesPerSecond) ? Math.round(subImagesPerSecond * 10) / 10.0 : null);
        return m;
    }
}
