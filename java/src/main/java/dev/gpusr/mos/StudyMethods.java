package dev.gpusr.mos;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.Upscaler;
import dev.gpusr.image.Image;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The upscaling methods a study compares, parsed from --methods: {@code bicubic}, {@code srcnn} (the bundled model
 * for the scale), {@code original} (the hidden reference: the original itself, rated blindly), or a model file path
 * (named after the file). The only place the MOS code runs the engine, through {@link Upscaler#upscale(Image)}.
 */
public final class StudyMethods implements AutoCloseable {
    /** One method: its name in the study and how it enlarges a low-resolution image (null: the original). */
    private record Method(String name, Upscaler upscaler, SrcnnEngine engine) {}

    private final List<Method> methods = new ArrayList<>();
    private final int scale;

    private StudyMethods(int scale) {
        this.scale = scale;
    }

    /**
     * Parses and opens the methods. {@code openEngine} makes an engine for model weights (the CLI's --device);
     * problems with the list or a model are {@link IllegalArgumentException}s with a one-line reason.
     */
    public static StudyMethods open(List<String> specs, int scale, Function<SrcnnWeights, SrcnnEngine> openEngine) {
        if (specs.isEmpty()) throw new IllegalArgumentException("--methods names no method");
        StudyMethods out = new StudyMethods(scale);
        try {
            Map<String, String> seen = new LinkedHashMap<>();
            for (String raw : specs) {
                String spec = raw.trim();
                if (spec.isEmpty()) throw new IllegalArgumentException("--methods has an empty entry");
                String lower = spec.toLowerCase(Locale.ROOT);
                String name;
                Upscaler up;
                SrcnnEngine engine = null;
                if (lower.equals("bicubic")) {
                    name = "bicubic";
                    up = new Upscaler(scale);
                } else if (lower.equals(Study.ORIGINAL)) {
                    name = Study.ORIGINAL;
                    up = null;
                } else {
                    boolean bundled = lower.equals("srcnn");
                    SrcnnWeights w;
                    try {
                        w = BundledModels.load(bundled ? "x" + scale : spec, scale);
                    } catch (IOException e) {
                        throw new IllegalArgumentException(e.getMessage(), e);
                    }
                    name = bundled ? "srcnn" : methodName(spec);
                    engine = openEngine.apply(w);
                    up = new Upscaler(engine, Upscaler.DEFAULT_TILE);
                }
                if (seen.containsKey(name)) {
                    if (engine != null) engine.close();
                    throw new IllegalArgumentException("--methods: '" + spec + "' and '" + seen.get(name)
                            + "' would both be called " + name + " in the study");
                }
                seen.put(name, spec);
                out.methods.add(new Method(name, up, engine));
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** A model file's method name: its file name without the extension, reduced to [A-Za-z0-9._-]. */
    static String methodName(String path) {
        String file = Path.of(path).getFileName().toString();
        int dot = file.lastIndexOf('.');
        String base = (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0))) base = "m" + base;
        if (base.length() > 64) base = base.substring(0, 64);
        if (!Study.isMethodName(base)) base = "model-" + base;
        return base;
    }

    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (Method m : methods) n.add(m.name());
        return n;
    }

    /** The smallest low-resolution side every method accepts. */
    public int minInputSide() {
        int min = 1;
        for (Method m : methods) if (m.upscaler() != null) min = Math.max(min, m.upscaler().minInputSide());
        return min;
    }

    public int scale() {
        return scale;
    }

    /** The method's result for a low-resolution image whose original (cropped to a multiple of the scale) is hr. */
    public Image apply(int index, Image lr, Image hr) {
        Method m = methods.get(index);
        return m.upscaler() == null ? hr : m.upscaler().upscale(lr);
    }

    @Override
    public void close() {
        for (Method m : methods) {
            if (m.engine() != null) {
                try {
                    m.engine().close();
                } catch (Exception ignored) {
                    // closing an engine frees memory; nothing to report on the way out
                }
            }
        }
    }
}
