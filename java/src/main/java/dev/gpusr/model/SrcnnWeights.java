package dev.gpusr.model;

import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.SrcnnConfig.Param;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

/**
 * SRCNN parameters: a config and one flat float array in {@link Param} order (PyTorch nn.Conv2d layouts), so the
 * engines can upload, update and checkpoint them as one block.
 */
public final class SrcnnWeights {
    private final SrcnnConfig config;
    private final float[] params;

    public SrcnnWeights(SrcnnConfig config, float[] params) {
        if (params.length != config.paramCount()) {
            throw new IllegalArgumentException(config + " has " + config.paramCount() + " parameters, got " + params.length);
        }
        this.config = config;
        this.params = params;
    }

    public SrcnnConfig config() {
        return config;
    }

    /** The flat parameter array itself (not a copy). */
    public float[] params() {
        return params;
    }

    public SrcnnWeights copy() {
        return new SrcnnWeights(config, params.clone());
    }

    /** A copy of one parameter tensor. */
    public float[] tensor(Param p) {
        int off = config.offset(p);
        return Arrays.copyOfRange(params, off, off + config.size(p));
    }

    /**
     * The same network with larger filters (e.g. a 9-1-5 grown into a 9-5-5): each filter sits at the centre of the
     * larger one, the new taps are zero and the biases are kept, so with 'same' zero padding the grown model computes
     * the same image as this one and training starts from its quality instead of from scratch.
     */
    public SrcnnWeights widened(SrcnnConfig larger) {
        SrcnnConfig c = config;
        if (larger.channels() != c.channels() || larger.n1() != c.n1() || larger.n2() != c.n2()
                || larger.color() != c.color()) {
            throw new IllegalArgumentException("only filters can grow: " + c + " cannot become " + larger);
        }
        float[] out = new float[larger.paramCount()];
        for (Param t : Param.values()) {
            int from = c.offset(t);
            int to = larger.offset(t);
            if (!t.isWeight) {
                System.arraycopy(params, from, out, to, c.size(t));
                continue;
            }
            int f = c.filter(t.layer);
            int g = larger.filter(t.layer);
            if (g < f) {
                throw new IllegalArgumentException("filters can only grow: layer " + (t.layer + 1) + " is " + f + "x" + f
                        + ", not shrinkable to " + g + "x" + g);
            }
            int m = (g - f) / 2; // both odd, so the difference is even
            int kernels = c.outChannels(t.layer) * c.inChannels(t.layer);
            for (int k = 0; k < kernels; k++) {
                for (int y = 0; y < f; y++) {
                    System.arraycopy(params, from + (k * f + y) * f, out, to + (k * g + y + m) * g + m, f);
                }
            }
        }
        return new SrcnnWeights(larger, out);
    }

    /** The paper's initialisation: weights from N(0, std^2), biases zero. */
    public static SrcnnWeights gaussian(SrcnnConfig config, double std, long seed) {
        return zeroMeanGaussian(config, seed, layer -> std);
    }

    /**
     * He (Kaiming) initialisation: weights from N(0, gain / fan_in) with fan_in = input channels x filter area, gain 2
     * for the two layers a ReLU follows and 1 for the linear output layer; biases zero. Unlike the paper's N(0, 0.001^2)
     * it keeps every layer's activations at the scale of its input, so few ReLU units start (and stay) dead.
     */
    public static SrcnnWeights he(SrcnnConfig config, long seed) {
        return zeroMeanGaussian(config, seed, layer -> {
            int f = config.filter(layer);
            double gain = layer == 2 ? 1.0 : 2.0;
            return Math.sqrt(gain / ((double) config.inChannels(layer) * f * f));
        });
    }

    /** Weights from N(0, std(layer)^2) drawn in storage order from one generator, biases zero. */
    private static SrcnnWeights zeroMeanGaussian(SrcnnConfig config, long seed, IntToDoubleFunction stdOfLayer) {
        float[] p = new float[config.paramCount()];
        Random rng = new Random(seed);
        for (Param t : Param.values()) {
            if (!t.isWeight) continue;
            double std = stdOfLayer.applyAsDouble(t.layer);
            int off = config.offset(t);
            for (int i = 0; i < config.size(t); i++) p[off + i] = (float) (rng.nextGaussian() * std);
        }
        return new SrcnnWeights(config, p);
    }

    /** Index of the first non-finite parameter, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) return i;
        }
        return -1;
    }

    /** The tensor a flat index belongs to (for messages). */
    public Param paramAt(int index) {
        for (Param p : Param.values()) {
            int off = config.offset(p);
            if (index >= off && index < off + config.size(p)) return p;
        }
        throw new IndexOutOfBoundsException(index);
    }

    // ---------------------------------------------------------------- files

    public void save(Path file) throws IOException {
        Safetensors.writeF32(file, config.metadata(), entries());
    }

    public byte[] toBytes() {
        return Safetensors.toBytes(config.metadata(), entries());
    }

    private List<Safetensors.F32> entries() {
        List<Safetensors.F32> out = new ArrayList<>();
        for (Param p : Param.values()) out.add(new Safetensors.F32(p.tensorName, config.shape(p), tensor(p)));
        return out;
    }

    /**
     * Loads a model file. {@code expectedScale} (0 = any) must agree with the file's scale; a file without a scale in
     * its metadata takes {@code expectedScale}. Every problem is an IOException that says what is wrong.
     */
    public static SrcnnWeights load(Path file, int expectedScale) throws IOException {
        return fromSafetensors(Safetensors.read(file), expectedScale);
    }

    /** Loads a model bundled in the jar, e.g. {@code /dev/gpusr/models/srcnn_x3.safetensors}. */
    public static SrcnnWeights loadResource(String resource, int expectedScale) throws IOException {
        try (InputStream in = SrcnnWeights.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("bundled model " + resource + " is missing from the jar");
            return fromSafetensors(Safetensors.parse(in.readAllBytes()), expectedScale);
        }
    }

    public static SrcnnWeights fromSafetensors(Safetensors st, int expectedScale) throws IOException {
        Map<String, String> meta = st.metadata();
        String arch = meta.get("arch");
        if (arch != null && !arch.equalsIgnoreCase(SrcnnConfig.ARCH)) {
            throw new IOException("model arch is '" + arch + "', not " + SrcnnConfig.ARCH);
        }
        String padding = meta.get("padding");
        if (padding != null && !padding.equalsIgnoreCase(SrcnnConfig.PADDING) && !padding.equalsIgnoreCase("zero")) {
            throw new IOException("model uses padding '" + padding + "'; gpu-sr implements only zero 'same' padding");
        }
        for (Param p : Param.values()) {
            if (!st.tensors().containsKey(p.tensorName)) {
                throw new IOException("model has no tensor '" + p.tensorName + "' (has " + st.tensors().keySet() + ")");
            }
        }
        long[] w1 = st.get("conv1.weight").shape();
        long[] w2 = st.get("conv2.weight").shape();
        long[] w3 = st.get("conv3.weight").shape();
        for (long[] s : new long[][] {w1, w2, w3}) {
            if (s.length != 4 || s[2] != s[3]) {
                throw new IOException("conv weights must be [out, in, f, f], got " + Arrays.toString(s));
            }
        }
        int channels = (int) w1[1];
        int scale = expectedScale;
        if (meta.containsKey("scale")) {
            try {
                scale = Integer.parseInt(meta.get("scale").trim());
            } catch (NumberFormatException e) {
                throw new IOException("metadata scale '" + meta.get("scale") + "' is not a number");
            }
            if (expectedScale != 0 && scale != expectedScale) {
                throw new IOException("model is for x" + scale + " but x" + expectedScale + " was asked for");
            }
        }
        if (scale == 0) throw new IOException("model metadata has no scale: pass --scale");
        ColorSpace color = channels == 3 ? ColorSpace.RGB : ColorSpace.Y;
        if (meta.containsKey("color")) {
            try {
                color = ColorSpace.parse(meta.get("color"));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage());
            }
        }
        SrcnnConfig config;
        try {
            config = new SrcnnConfig(channels, (int) w1[0], (int) w2[0], (int) w1[2], (int) w2[2], (int) w3[2], scale, color);
        } catch (IllegalArgumentException e) {
            throw new IOException("model shapes do not make an SRCNN: " + e.getMessage());
        }
        float[] params = new float[config.paramCount()];
        for (Param p : Param.values()) {
            Safetensors.Entry e = st.get(p.tensorName);
            int[] want = config.shape(p);
            if (!Arrays.equals(Arrays.stream(want).asLongStream().toArray(), e.shape())) {
                throw new IOException("tensor '" + p.tensorName + "' has shape " + Arrays.toString(e.shape()) + ", "
                        + config.filterName() + " with n1=" + config.n1() + " n2=" + config.n2() + " c=" + channels
                        + " needs " + Arrays.toString(want));
            }
            if (!e.dtype().equals("F32") && !e.dtype().equals("F64")) {
                throw new IOException("tensor '" + p.tensorName + "' is " + e.dtype() + "; F32 expected");
            }
            System.arraycopy(e.floats(), 0, params, config.offset(p), config.size(p));
        }
        SrcnnWeights w = new SrcnnWeights(config, params);
        int bad = w.firstNonFinite();
        if (bad >= 0) {
            Param p = w.paramAt(bad);
            throw new IOException("tensor '" + p.tensorName + "' holds a non-finite value (" + params[bad]
                    + " at element " + (bad - config.offset(p)) + ")");
        }
        return w;
    }
}
