package dev.gpusr.train;

import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training checkpoint: ONE safetensors file holding the model's tensors under the model file's names (so a
 * checkpoint also loads as a model with {@link SrcnnWeights#load}), the optimizer's buffers ({@code optimizer.m},
 * {@code optimizer.v} for Adam) and in {@code __metadata__} the model metadata, the optimizer settings, the training
 * position ({@link TrainingState}), the run's options ({@code option.*}, informative) and, once a validation has run,
 * the best-validating weights so far ({@code train.best_params}, flat), which the resumed run's model file gets.
 */
public record Checkpoint(SrcnnWeights weights, OptimizerConfig optimizer, OptimizerState optimizerState,
        TrainingState progress, Map<String, String> options, float[] bestParams) {

    /** Marks a file as a checkpoint (its value is the format version). */
    public static final String MARKER = "gpusr.checkpoint";
    public static final String VERSION = "1";
    public static final String OPTIMIZER_M = "optimizer.m";
    public static final String OPTIMIZER_V = "optimizer.v";
    public static final String BEST_PARAMS = "train.best_params";
    private static final String OPTION_PREFIX = "option.";

    /** A checkpoint without best weights (no validation yet). */
    public Checkpoint(SrcnnWeights weights, OptimizerConfig optimizer, OptimizerState optimizerState,
            TrainingState progress, Map<String, String> options) {
        this(weights, optimizer, optimizerState, progress, options, null);
    }

    public Checkpoint {
        int n = weights.config().paramCount();
        if (optimizerState.m().length != n) {
            throw new IllegalArgumentException("optimizer state has " + optimizerState.m().length + " values, the model "
                    + n);
        }
        if (optimizer.kind() == OptimizerConfig.Kind.ADAM && optimizerState.v().length != n) {
            throw new IllegalArgumentException("Adam state needs a second moment of " + n + " values");
        }
        options = Map.copyOf(options);
        if (bestParams != null && bestParams.length != n) {
            throw new IllegalArgumentException("best weights have " + bestParams.length + " values, the model " + n);
        }
    }

    /** The best-validating weights so far, or null. */
    public SrcnnWeights bestWeights() {
        return bestParams == null ? null : new SrcnnWeights(weights.config(), bestParams.clone());
    }

    public void write(Path file) throws IOException {
        Safetensors.writeF32(file, metadata(), tensors());
    }

    public byte[] toBytes() {
        return Safetensors.toBytes(metadata(), tensors());
    }

    private List<Safetensors.F32> tensors() {
        SrcnnConfig c = weights.config();
        List<Safetensors.F32> out = new ArrayList<>();
        for (Param p : Param.values()) out.add(new Safetensors.F32(p.tensorName, c.shape(p), weights.tensor(p)));
        int[] flat = {c.paramCount()};
        out.add(new Safetensors.F32(OPTIMIZER_M, flat, optimizerState.m()));
        if (optimizer.kind() == OptimizerConfig.Kind.ADAM) out.add(new Safetensors.F32(OPTIMIZER_V, flat, optimizerState.v()));
        if (bestParams != null) out.add(new Safetensors.F32(BEST_PARAMS, flat, bestParams));
        return out;
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>(weights.config().metadata());
        m.put(MARKER, VERSION);
        m.putAll(optimizerMetadata(optimizer));
        m.put("optimizer.step", Long.toString(optimizerState.step()));
        m.put("train.step", Long.toString(progress.step()));
        m.put("train.epoch", Long.toString(progress.epoch()));
        m.put("train.epoch_position", Integer.toString(progress.epochPosition()));
        m.put("train.epoch_rng_state", Long.toString(progress.epochRngState()));
        if (progress.hasBest()) {
            m.put("train.best_val_psnr", Double.toString(progress.bestPsnr()));
            m.put("train.best_val_step", Long.toString(progress.bestStep()));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
            m.put(OPTION_PREFIX + e.getKey(), e.getValue());
        }
        return m;
    }

    /** The optimizer settings as metadata strings (floats written so they read back bit for bit). */
    public static Map<String, String> optimizerMetadata(OptimizerConfig o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("optimizer", o.kind().name().toLowerCase());
        StringBuilder lr = new StringBuilder();
        for (float v : o.lr()) lr.append(lr.length() == 0 ? "" : ",").append(Float.toString(v));
        m.put("optimizer.lr", lr.toString());
        m.put("optimizer.momentum", Float.toString(o.momentum()));
        m.put("optimizer.beta1", Float.toString(o.beta1()));
        m.put("optimizer.beta2", Float.toString(o.beta2()));
        m.put("optimizer.eps", Float.toString(o.eps()));
        return m;
    }

    public static Checkpoint read(Path file) throws IOException {
        Safetensors st = Safetensors.read(file);
        Map<String, String> meta = st.metadata();
        if (!meta.containsKey(MARKER)) {
            throw new IOException(file + " is not a gpu-sr training checkpoint (a model file? use --init to start from it)");
        }
        if (!VERSION.equals(meta.get(MARKER))) {
            throw new IOException(file + " is a checkpoint of format " + meta.get(MARKER) + "; this gpu-sr reads "
                    + VERSION);
        }
        try {
            SrcnnWeights weights = SrcnnWeights.fromSafetensors(st, 0);
            OptimizerConfig optimizer = readOptimizer(meta);
            int n = weights.config().paramCount();
            float[] m = flatTensor(st, OPTIMIZER_M, n);
            float[] v = optimizer.kind() == OptimizerConfig.Kind.ADAM ? flatTensor(st, OPTIMIZER_V, n) : new float[0];
            OptimizerState state = new OptimizerState(m, v, longOf(meta, "optimizer.step"));
            double best = meta.containsKey("train.best_val_psnr")
                    ? Double.parseDouble(meta.get("train.best_val_psnr")) : Double.NaN;
            long bestStep = meta.containsKey("train.best_val_step") ? longOf(meta, "train.best_val_step") : -1;
            TrainingState progress = new TrainingState(longOf(meta, "train.step"), longOf(meta, "train.epoch"),
                    (int) longOf(meta, "train.epoch_position"), longOf(meta, "train.epoch_rng_state"), best, bestStep);
            Map<String, String> options = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                if (e.getKey().startsWith(OPTION_PREFIX)) options.put(e.getKey().substring(OPTION_PREFIX.length()), e.getValue());
            }
            float[] bestParams = st.tensors().containsKey(BEST_PARAMS) ? flatTensor(st, BEST_PARAMS, n) : null;
            return new Checkpoint(weights, optimizer, state, progress, options, bestParams);
        } catch (IllegalArgumentException | IOException e) { // NumberFormatException included
            throw new IOException("checkpoint " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static OptimizerConfig readOptimizer(Map<String, String> meta) throws IOException {
        String kind = required(meta, "optimizer");
        OptimizerConfig.Kind k = switch (kind) {
            case "sgd" -> OptimizerConfig.Kind.SGD;
            case "adam" -> OptimizerConfig.Kind.ADAM;
            default -> throw new IOException("unknown optimizer '" + kind + "'");
        };
        String[] parts = required(meta, "optimizer.lr").split(",");
        if (parts.length != SrcnnConfig.LAYERS) throw new IOException("optimizer.lr needs " + SrcnnConfig.LAYERS + " values");
        float[] lr = new float[parts.length];
        for (int i = 0; i < lr.length; i++) lr[i] = Float.parseFloat(parts[i]);
        return new OptimizerConfig(k, lr, floatOf(meta, "optimizer.momentum"), floatOf(meta, "optimizer.beta1"),
                floatOf(meta, "optimizer.beta2"), floatOf(meta, "optimizer.eps"));
    }

    private static float[] flatTensor(Safetensors st, String name, int n) throws IOException {
        if (!st.tensors().containsKey(name)) throw new IOException("tensor '" + name + "' is missing");
        Safetensors.Entry e = st.get(name);
        if (!e.dtype().equals("F32") || e.elementCount() != n) {
            throw new IOException("tensor '" + name + "' should be F32 of " + n + " values, is " + e.dtype() + " of "
                    + e.elementCount());
        }
        return e.floats();
    }

    private static String required(Map<String, String> meta, String key) throws IOException {
        String v = meta.get(key);
        if (v == null) throw new IOException("metadata '" + key + "' is missing");
        return v;
    }

    private static long longOf(Map<String, String> meta, String key) throws IOException {
        return Long.parseLong(required(meta, key).trim());
    }

    private static float floatOf(Map<String, String> meta, String key) throws IOException {
        return Float.parseFloat(required(meta, key).trim());
    }
}
