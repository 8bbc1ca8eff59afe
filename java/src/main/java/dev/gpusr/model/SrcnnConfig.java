package dev.gpusr.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of one SRCNN: the single source of truth for tensor shapes, parameter layout, the receptive-field
 * halo and the metadata written beside the weights.
 *
 * <p>Parameters live in one flat float array in PyTorch {@code nn.Conv2d} order and layout (weights
 * {@code [out, in, f, f]}, cross-correlation), see {@link Param}.
 */
public record SrcnnConfig(int channels, int n1, int n2, int f1, int f2, int f3, int scale, ColorSpace color) {

    /** Which channels the model restores. */
    public enum ColorSpace {
        /** Y of MATLAB's rgb2ycbcr; Cb and Cr are upscaled bicubically. */
        Y("y"),
        /** All three RGB channels at once. */
        RGB("rgb");

        public final String id;

        ColorSpace(String id) {
            this.id = id;
        }

        public static ColorSpace parse(String s) {
            for (ColorSpace c : values()) {
                if (c.id.equalsIgnoreCase(s)) return c;
            }
            throw new IllegalArgumentException("unknown colour space '" + s + "' (expected y or rgb)");
        }
    }

    /** The one padding mode the engines implement: zero 'same' padding on all three layers (PyTorch's name). */
    public static final String PADDING = "zeros";
    public static final String ARCH = "srcnn";

    /** The largest enlargement factor a model may have (the smallest is 1). */
    public static final int MAX_SCALE = 8;

    public SrcnnConfig {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        if (n1 < 1 || n2 < 1) throw new IllegalArgumentException("n1 and n2 must be >= 1, got " + n1 + ", " + n2);
        for (int f : new int[] {f1, f2, f3}) {
            if (f < 1 || f % 2 == 0) {
                throw new IllegalArgumentException("filter sizes must be odd and >= 1 for 'same' padding, got " + f1
                        + "-" + f2 + "-" + f3);
            }
        }
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("scale must be 1.." + MAX_SCALE + ", got " + scale);
        }
        // In double: the exact count of absurd shapes would overflow a long too.
        double params = (double) n1 * channels * f1 * f1 + n1 + (double) n2 * n1 * f2 * f2 + n2
                + (double) channels * n2 * f3 * f3 + channels;
        if (params > Integer.MAX_VALUE - 8L) {
            throw new IllegalArgumentException(n1 + "/" + n2 + " filters of " + f1 + "-" + f2 + "-" + f3
                    + " are more parameters than one array holds");
        }
        if (color == ColorSpace.Y && channels != 1) {
            throw new IllegalArgumentException("a Y model has 1 channel, got " + channels);
        }
        if (color == ColorSpace.RGB && channels != 3) {
            throw new IllegalArgumentException("an RGB model has 3 channels, got " + channels);
        }
    }

    /** The paper's default 9-1-5 network on Y with n1=64, n2=32. */
    public static SrcnnConfig defaults(int scale) {
        return new SrcnnConfig(1, 64, 32, 9, 1, 5, scale, ColorSpace.Y);
    }

    /** Pixels each output pixel reaches on one side: the overlap tiles need and the smallest useful image. */
    public int halo() {
        return f1 / 2 + f2 / 2 + f3 / 2;
    }

    /** Multiply-adds per output pixel of one forward pass. */
    public long macsPerPixel() {
        return (long) f1 * f1 * channels * n1 + (long) f2 * f2 * n1 * n2 + (long) f3 * f3 * n2 * channels;
    }

    /** "9-1-5" etc. */
    public String filterName() {
        return f1 + "-" + f2 + "-" + f3;
    }

    /** Number of layers (always three; here so loops over layers do not spell the number). */
    public static final int LAYERS = 3;

    public int inChannels(int layer) {
        return switch (layer) {
            case 0 -> channels;
            case 1 -> n1;
            case 2 -> n2;
            default -> throw new IllegalArgumentException("layer " + layer);
        };
    }

    public int outChannels(int layer) {
        return switch (layer) {
            case 0 -> n1;
            case 1 -> n2;
            case 2 -> channels;
            default -> throw new IllegalArgumentException("layer " + layer);
        };
    }

    public int filter(int layer) {
        return switch (layer) {
            case 0 -> f1;
            case 1 -> f2;
            case 2 -> f3;
            default -> throw new IllegalArgumentException("layer " + layer);
        };
    }

    /** The six parameter tensors, in storage order. */
    public enum Param {
        CONV1_WEIGHT("conv1.weight", 0, true),
        CONV1_BIAS("conv1.bias", 0, false),
        CONV2_WEIGHT("conv2.weight", 1, true),
        CONV2_BIAS("conv2.bias", 1, false),
        CONV3_WEIGHT("conv3.weight", 2, true),
        CONV3_BIAS("conv3.bias", 2, false);

        public final String tensorName;
        public final int layer;
        public final boolean isWeight;

        Param(String tensorName, int layer, boolean isWeight) {
            this.tensorName = tensorName;
            this.layer = layer;
            this.isWeight = isWeight;
        }

        public static Param weight(int layer) {
            return values()[2 * layer];
        }

        public static Param bias(int layer) {
            return values()[2 * layer + 1];
        }
    }

    /** PyTorch shape of a parameter tensor. */
    public int[] shape(Param p) {
        int out = outChannels(p.layer);
        if (!p.isWeight) return new int[] {out};
        int f = filter(p.layer);
        return new int[] {out, inChannels(p.layer), f, f};
    }

    public int size(Param p) {
        int n = 1;
        for (int d : shape(p)) n *= d;
        return n;
    }

    /** Offset of a parameter tensor in the flat parameter array. */
    public int offset(Param p) {
        int off = 0;
        for (Param q : Param.values()) {
            if (q == p) return off;
            off += size(q);
        }
        throw new AssertionError(p);
    }

    public int paramCount() {
        int n = 0;
        for (Param p : Param.values()) n += size(p);
        return n;
    }

    /** For each flat parameter index range, the layer it belongs to: [start, end) of layer l. */
    public int layerStart(int layer) {
        return offset(Param.weight(layer));
    }

    public int layerEnd(int layer) {
        return offset(Param.bias(layer)) + size(Param.bias(layer));
    }

    /** The {@code __metadata__} map written into safetensors files. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", ARCH);
        m.put("scale", Integer.toString(scale));
        m.put("channels", Integer.toString(channels));
        m.put("color", color.id);
        m.put("n1", Integer.toString(n1));
        m.put("n2", Integer.toString(n2));
        m.put("f1", Integer.toString(f1));
        m.put("f2", Integer.toString(f2));
        m.put("f3", Integer.toString(f3));
        m.put("padding", PADDING);
        return m;
    }

    @Override
    public String toString() {
        return "SRCNN " + filterName() + " n1=" + n1 + " n2=" + n2 + " c=" + channels + " (" + color.id + ") x" + scale;
    }
}
