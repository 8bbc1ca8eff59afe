package dev.gpusr.spark;

import dev.gpusr.engine.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.Upscaler;
import dev.gpusr.model.BundledModels;
import dev.gpusr.model.SrcnnWeights;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engines of one executor JVM: one per (device, model, scale, tile), opened by the first task that needs it and
 * reused by every later task and partition, closed by a shutdown hook when the executor exits. Tasks share an engine
 * under its lock ({@link Resident#lock}), so several tasks on one GPU (spark.task.resource.gpu.amount below 1)
 * decode and encode in parallel while the engine serves them one at a time.
 */
public final class EngineCache {
    /** An open upscaler, its lock (null for bicubic: no engine to share) and its device ("cpu", "cuda:0", "bicubic"). */
    public record Resident(Upscaler upscaler, Object lock, String device, SrcnnEngine engine) {}

    private static final Map<String, Resident> OPEN = new HashMap<>();
    private static final List<Resident> CLOSE_ORDER = new ArrayList<>();
    private static boolean hookAdded;

    private EngineCache() {}

    /**
     * The resident upscaler for these settings on {@code device} (cpu, auto or a GPU index, as Engines.open takes
     * it), opening it on first use. Engine start failures propagate (EngineUnavailableException): they fail the task,
     * not an image.
     */
    public static synchronized Resident get(String device, JobSettings s) throws IOException {
        if (s.bicubic()) {
            return OPEN.computeIfAbsent("bicubic|" + s.bicubicScale(),
                    k -> new Resident(new Upscaler(s.bicubicScale()), null, "bicubic", null));
        }
        String key = device + "|" + s.model() + "|" + s.scale() + "|" + s.tile() + "|" + s.cudaOptions();
        Resident r = OPEN.get(key);
        if (r != null) return r;
        SrcnnWeights w = BundledModels.load(s.model(), s.scale() == null ? 0 : s.scale());
        SrcnnEngine eng = Engines.open(device, w, System.err, s.cudaOptions());
        r = new Resident(new Upscaler(eng, s.tile()), new Object(), eng.id(), eng);
        OPEN.put(key, r);
        CLOSE_ORDER.add(r);
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(EngineCache::closeAll, "gpu-sr engine cache close"));
            hookAdded = true;
        }
        System.err.println("gpu-sr-spark: " + w.config() + " on " + eng.name() + " (resident in this executor)");
        return r;
    }

    /** How many engines this JVM has opened and still holds (tests check reuse across partitions). */
    public static synchronized int openEngines() {
        return CLOSE_ORDER.size();
    }

    /** Closes every engine (each under its lock, so no task is mid-call); the shutdown hook calls this. */
    public static synchronized void closeAll() {
        for (Resident r : CLOSE_ORDER) {
            synchronized (r.lock()) {
                try {
                    r.engine().close();
                } catch (Exception e) {
                    System.err.println("gpu-sr-spark: closing " + r.device() + ": " + e.getMessage());
                }
            }
        }
        CLOSE_ORDER.clear();
        OPEN.clear();
    }
}
