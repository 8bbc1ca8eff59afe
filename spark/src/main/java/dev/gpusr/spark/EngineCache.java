package dev.gpusr.spark;

import dev.gpusr.api.Options;
import dev.gpusr.api.SrUpscaler;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.pipeline.Jobs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engines of one executor JVM: one {@link SrUpscaler} (one engine) per device and settings, opened by the first
 * task that has work and reused by every later task and partition, closed by a shutdown hook when the executor
 * exits. Tasks sharing it take turns (one batch at a time); each batch runs decoding, the engine and encoding at once
 * on the executor's cores.
 */
public final class EngineCache {
    /** An open upscaler and the engine it runs on, as its description names it ("cpu (2 threads)", "cuda:0 ..."). */
    public record Resident(SrUpscaler upscaler, String device) {}

    private static final Map<String, Resident> OPEN = new HashMap<>();
    private static final List<Resident> CLOSE_ORDER = new ArrayList<>();
    private static boolean hookAdded;

    private EngineCache() {}

    /**
     * The resident upscaler for these settings on {@code device} (cpu, auto or a GPU index), opening it on first
     * use. A model that cannot be loaded or an engine that cannot start fails the task, not an image.
     */
    public static synchronized Resident get(String device, JobSettings s) throws IOException {
        String key = (s.bicubic() ? "bicubic|" + s.bicubicScale() : device + "|" + s.model() + "|" + s.scale() + "|"
                + s.cudaOptions()) + "|" + s.tile() + "|" + s.format() + "|" + s.quality() + "|" + s.pngCompression()
                + "|" + s.maxPixels();
        Resident r = OPEN.get(key);
        if (r != null) return r;
        Options.Builder b = Options.builder().device(device).tile(s.tile()).maxPixels(s.maxPixels())
                .writeOptions(new WriteOptions(s.quality()).withPngCompression(s.pngCompression()))
                .jobs(Jobs.defaults()).notices(System.err);
        if (s.bicubic()) {
            b.method(Options.Method.BICUBIC).scale(s.bicubicScale());
        } else {
            b.method(Options.Method.SRCNN).model(s.model()).cuda(s.cudaOptions());
            if (s.scale() != null) b.scale(s.scale());
        }
        if (s.format() != null) b.format(s.fixedFormat());
        SrUpscaler up = SrUpscaler.open(b.build());
        String described = up.describe();
        int on = described.lastIndexOf(" on ");
        r = new Resident(up, s.bicubic() ? "bicubic" : on < 0 ? described : described.substring(on + 4));
        OPEN.put(key, r);
        CLOSE_ORDER.add(r);
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(EngineCache::closeAll, "gpu-sr engine cache close"));
            hookAdded = true;
        }
        System.err.println("gpu-sr-spark: " + described + " (resident in this executor)");
        return r;
    }

    /** How many upscalers this JVM has opened and still holds (tests check reuse across partitions and runs). */
    public static synchronized int open() {
        return CLOSE_ORDER.size();
    }

    /** Closes every upscaler; the shutdown hook calls this. */
    public static synchronized void closeAll() {
        for (Resident r : CLOSE_ORDER) {
            try {
                r.upscaler().cancel();
                r.upscaler().close();
            } catch (RuntimeException e) {
                System.err.println("gpu-sr-spark: closing " + r.device() + ": " + e.getMessage());
            }
        }
        CLOSE_ORDER.clear();
        OPEN.clear();
    }
}
