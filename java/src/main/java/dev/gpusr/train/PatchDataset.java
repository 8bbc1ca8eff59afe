package dev.gpusr.train;

import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.resample.BicubicResampler.Contributions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SRCNN training sub-images: for every HR picture (modcropped to a multiple of the scale), the network input is the
 * bicubic-degraded picture (down by k, up by k, float, unrounded) and the label the HR picture itself; patches of
 * {@code patchSize} are cut from both at the same place every {@code stride} pixels (the paper: 33 and 14). The label
 * is the whole HR patch ({@code labelMargin} 0: the loss also covers the border pixels, whose receptive field reaches
 * into the zero padding), or its centre without {@code labelMargin} pixels on every side: with the model's halo as the
 * margin that is the paper's 21x21 centre of a 33x33 sub-image (9-1-5), the pixels no padding reaches, trained as
 * they are computed inside a whole image.
 *
 * <p>Patches overlap (33 / 14 covers each pixel about 5.5 times), so the dataset keeps each picture once and a patch
 * is just (picture, offset); a batch is cut when it is assembled. A picture is kept compact, so that large folders
 * (DIV2K's 800 photographs of about 2.8 megapixels) fit in memory: the label as bytes where it lies on the 8-bit grid
 * (8-bit images; else as floats), and instead of the full-size network input the low-resolution plane it is enlarged
 * from. A patch's input is enlarged from that plane when the batch is cut, with {@link BicubicResampler#resizeRegion},
 * which gives exactly the values of the whole-image enlargement. About 1 + 4/k^2 bytes a pixel and plane instead of 8
 * (the shrunk RGB copies of augmentation are not on the 8-bit grid: 4 + 4/k^2). {@link TrainingMemory} estimates it
 * from the images' headers.
 *
 * <p>Augmentation ({@link Augment}): each picture is also used shrunk by {@link #AUGMENT_SCALES} (bicubic, before
 * modcrop), and/or each patch gets one of the 8 flips/rotations per epoch, drawn with the epoch's seeded order (see
 * {@link #plan}).
 */
public final class PatchDataset {
    public static final int DEFAULT_PATCH = 33;
    public static final int DEFAULT_STRIDE = 14;
    /** The down-scaled copies augmentation adds, as FSRCNN's training does. */
    public static final double[] AUGMENT_SCALES = {0.9, 0.8, 0.7, 0.6};
    /** The dihedral group of the square: identity, flips, rotations by 90 degrees and transposes. */
    public static final int TRANSFORMS = 8;

    /** What augmentation adds: nothing, the 8 flips/rotations, the shrunk copies, or both. */
    public enum Augment {
        NONE(false, false), FLIPS(true, false), SCALES(false, true), ALL(true, true);

        /** Each patch gets one of the {@link #TRANSFORMS} symmetries per epoch. */
        public final boolean flips;
        /** Each picture is also used shrunk by {@link #AUGMENT_SCALES}. */
        public final boolean scales;

        Augment(boolean flips, boolean scales) {
            this.flips = flips;
            this.scales = scales;
        }

        /** The name options use. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The value a checkpoint records: true and false for all and none, as every run recorded them before the
         * kinds (so an older gpu-sr resumes such a checkpoint as it was trained), else the kind's name.
         */
        public String recorded() {
            return this == ALL ? "true" : this == NONE ? "false" : id();
        }

        /** Parses an id, or the true/false that runs before the kinds recorded (true: all). */
        public static Augment parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) return ALL;
            if (t.equals("false")) return NONE;
            for (Augment a : values()) if (a.id().equals(t)) return a;
            throw new IllegalArgumentException("augmentation is none, flips, scales or all, got '" + text + "'");
        }
    }

    public record Options(int scale, ColorSpace color, int patchSize, int stride, Augment augment, int labelMargin) {
        public Options {
            if (augment == null) throw new IllegalArgumentException("augment must not be null");
            if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
            if (patchSize < 1) throw new IllegalArgumentException("patch size must be >= 1, got " + patchSize);
            if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
            if (labelMargin < 0 || 2 * labelMargin >= patchSize) {
                throw new IllegalArgumentException("a label margin of " + labelMargin + " leaves nothing of a "
                        + patchSize + "x" + patchSize + " patch: use a patch larger than " + 2 * labelMargin);
            }
        }

        /** Whole-patch labels. */
        public Options(int scale, ColorSpace color, int patchSize, int stride, Augment augment) {
            this(scale, color, patchSize, stride, augment, 0);
        }

        /** The side of a label patch. */
        public int labelSize() {
            return patchSize - 2 * labelMargin;
        }

        public int channels() {
            return color == ColorSpace.Y ? 1 : 3;
        }
    }

    /**
     * One picture as the dataset keeps it, channel planes one after the other: the low-resolution planes (width / k x
     * height / k) the network input is enlarged from, and the label, as 8-bit levels ({@code labelLevels}, value / 255)
     * or, when a value is off that grid, as floats ({@code labelFloats}); the other is null.
     */
    private record Source(String name, int width, int height, float[] low, byte[] labelLevels, float[] labelFloats) {
        float label(int i) {
            return labelLevels != null ? (labelLevels[i] & 0xff) / 255f : labelFloats[i];
        }

        long bytes() {
            return 4L * low.length + (labelLevels != null ? labelLevels.length : 4L * labelFloats.length);
        }
    }

    /** The order of one epoch: patch indices and, with flips, each position's transform (else null). */
    public record EpochPlan(int[] order, byte[] transforms) {}

    private final Options options;
    private final List<Source> sources;
    private final int[] patchSource;
    /** y * width + x of each patch's top-left corner in its source. */
    private final int[] patchOffset;
    private final int pictureCount;
    private final int tooSmall;
    /**
     * The enlargement tables of the pictures' low-resolution lengths, by length (pictures share most lengths); built
     * once, read-only after, so batches may be cut from several threads.
     */
    private final Map<Integer, Contributions> enlargements;

    private PatchDataset(Options options, List<Source> sources, int[] patchSource, int[] patchOffset, int pictureCount,
            int tooSmall) {
        this.options = options;
        this.sources = sources;
        this.patchSource = patchSource;
        this.patchOffset = patchOffset;
        this.pictureCount = pictureCount;
        this.tooSmall = tooSmall;
        Map<Integer, Contributions> tables = new HashMap<>();
        for (Source src : sources) {
            for (int length : new int[] {src.width / options.scale(), src.height / options.scale()}) {
                tables.computeIfAbsent(length, n -> BicubicResampler.contributions(n, options.scale()));
            }
        }
        this.enlargements = Map.copyOf(tables);
    }

    /**
     * Reads the images under a folder (non-images and unreadable files skipped with a warning). Each picture is made
     * compact as soon as it is decoded, so the folder never sits in memory as decoded images or float planes.
     */
    public static PatchDataset fromFolder(Path dir, Options options, PrintStream warnings) throws IOException {
        List<Kept> kept = ImageFolder.read(dir, "training",
                (name, image) -> keep(Picture.of(name, image, options.color()), options), warnings);
        return assemble(kept, options);
    }

    /** Builds the dataset from HR pictures whose channel count matches the options. */
    public static PatchDataset build(List<Picture> pictures, Options options) {
        List<Kept> kept = new ArrayList<>();
        for (Picture picture : pictures) kept.add(keep(picture, options));
        return assemble(kept, options);
    }

    /** What one picture gives: its kept versions (none when too small) and whether the picture itself was too small. */
    private record Kept(List<Source> sources, boolean tooSmall) {}

    private static Kept keep(Picture picture, Options options) {
        int k = options.scale();
        int p = options.patchSize();
        if (picture.channels() != options.channels()) {
            throw new IllegalArgumentException(picture.name() + " has " + picture.channels() + " planes, a "
                    + options.color().id + " model needs " + options.channels());
        }
        List<Source> sources = new ArrayList<>();
        boolean tooSmall = false;
        for (Picture version : versions(picture, options)) {
            int w = TrainingPlanes.modcrop(version.width(), k);
            int h = TrainingPlanes.modcrop(version.height(), k);
            if (w < p || h < p) {
                if (version == picture) tooSmall = true;
                continue;
            }
            int plane = w * h;
            int lowPlane = (w / k) * (h / k);
            float[] low = new float[options.channels() * lowPlane];
            float[] label = new float[options.channels() * plane];
            for (int c = 0; c < options.channels(); c++) {
                Plane hr = SrProtocol.modcrop(version.planes()[c], version.width(), version.height(), k);
                System.arraycopy(hr.data(), 0, label, c * plane, plane);
                System.arraycopy(SrProtocol.shrink(hr, k), 0, low, c * lowPlane, lowPlane);
            }
            byte[] levels = levels(label);
            sources.add(new Source(version.name(), w, h, low, levels, levels == null ? label : null));
        }
        return new Kept(sources, tooSmall);
    }

    /** The values as 8-bit levels when every one is exactly level / 255 (as 8-bit images give), else null. */
    static byte[] levels(float[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            int level = Math.round(v * 255f);
            if (level < 0 || level > 255 || Float.floatToIntBits(level / 255f) != Float.floatToIntBits(v)) return null;
            out[i] = (byte) level;
        }
        return out;
    }

    private static PatchDataset assemble(List<Kept> kept, Options options) {
        List<Source> sources = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        int tooSmall = 0;
        long total = 0;
        for (Kept picture : kept) {
            if (picture.tooSmall()) tooSmall++;
            for (Source source : picture.sources()) {
                int[] offsets = patchOffsets(source.width, source.height, options.patchSize(), options.stride());
                total += offsets.length;
                if (total > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("more than 2^31 patches: raise --stride or use fewer images");
                }
                positions.add(offsets);
                sources.add(source);
            }
        }
        int[] patchSource = new int[(int) total];
        int[] patchOffset = new int[(int) total];
        int at = 0;
        for (int s = 0; s < sources.size(); s++) {
            for (int offset : positions.get(s)) {
                patchSource[at] = s;
                patchOffset[at++] = offset;
            }
        }
        return new PatchDataset(options, List.copyOf(sources), patchSource, patchOffset, kept.size(), tooSmall);
    }

    /** The picture itself and, with scale augmentation, its down-scaled copies. */
    private static List<Picture> versions(Picture picture, Options options) {
        List<Picture> out = new ArrayList<>();
        out.add(picture);
        if (!options.augment().scales) return out;
        for (double s : AUGMENT_SCALES) {
            float[][] planes = new float[picture.channels()][];
            int w = 0;
            int h = 0;
            for (int c = 0; c < planes.length; c++) {
                TrainingPlanes.Resized r = TrainingPlanes.resize(picture.planes()[c], picture.width(), picture.height(), s);
                // Y labels stay on the 8-bit grid, as if the shrunk image had been saved and read back.
                planes[c] = options.color() == ColorSpace.Y ? SrProtocol.unitLevels(r.data()) : r.data();
                w = r.width();
                h = r.height();
            }
            out.add(new Picture(picture.name() + "@" + s, w, h, planes));
        }
        return out;
    }

    /** Top-left corners (y * width + x), row by row, of the patches a width x height picture gives. */
    static int[] patchOffsets(int width, int height, int patch, int stride) {
        int across = patchesAlong(width, patch, stride);
        int down = patchesAlong(height, patch, stride);
        int[] out = new int[across * down];
        int i = 0;
        for (int y = 0; y + patch <= height; y += stride) {
            for (int x = 0; x + patch <= width; x += stride) out[i++] = y * width + x;
        }
        return out;
    }

    /** floor((length - patch) / stride) + 1, or 0 when the patch does not fit. */
    public static int patchesAlong(int length, int patch, int stride) {
        return length < patch ? 0 : (length - patch) / stride + 1;
    }

    public Options options() {
        return options;
    }

    /** Number of patches. */
    public int size() {
        return patchSource.length;
    }

    public int channels() {
        return options.channels();
    }

    public int patchSize() {
        return options.patchSize();
    }

    /** Pictures given (before augmentation). */
    public int pictureCount() {
        return pictureCount;
    }

    /** Pictures smaller than one patch after modcrop, which gave no patches. */
    public int tooSmallCount() {
        return tooSmall;
    }

    /** Pictures kept, augmented copies included. */
    public int sourceCount() {
        return sources.size();
    }

    /** What the patch index takes per sub-image: its picture and its offset. */
    static final int INDEX_BYTES = 8;

    /** Bytes held: the pictures (low-resolution planes and labels) and the patch index. */
    public long bytes() {
        long n = (long) INDEX_BYTES * size();
        for (Source s : sources) n += s.bytes();
        return n;
    }

    /** What one epoch's {@link #plan} takes per sub-image: its place in the order and, with flips, its transform. */
    static int planBytes(Augment augment) {
        return 4 + (augment.flips ? 1 : 0);
    }

    /** The name of the picture (augmented copies get "@scale") patch {@code index} comes from. */
    public String sourceName(int index) {
        return sources.get(patchSource[index]).name;
    }

    /** A new epoch's order from the generator: a shuffle of all patches, then with flips one transform each. */
    public EpochPlan plan(SplitMix64 rng) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        rng.shuffle(order);
        byte[] transforms = null;
        if (options.augment().flips) {
            transforms = new byte[order.length];
            for (int i = 0; i < transforms.length; i++) transforms[i] = (byte) rng.nextInt(TRANSFORMS);
        }
        return new EpochPlan(order, transforms);
    }

    /** New batch tensors for input (n, channels, patch, patch) and target (n, channels, label, label). */
    public Tensor[] newBatch(int n) {
        int p = patchSize();
        int l = options.labelSize();
        return new Tensor[] {new Tensor(n, channels(), p, p), new Tensor(n, channels(), l, l)};
    }

    /** Fills input and target with the patches at positions {@code from .. from + input.n - 1} of a plan. */
    public void fill(Tensor input, Tensor target, EpochPlan plan, int from) {
        checkBatch(input, target);
        float[] patch = new float[patchSize() * patchSize()];
        for (int i = 0; i < input.n; i++) {
            int t = plan.transforms == null ? 0 : plan.transforms[from + i];
            copyPatch(plan.order[from + i], t, input, target, i, patch);
        }
    }

    /** Fills input and target with the given patches, untransformed. */
    public void fill(Tensor input, Tensor target, int[] indices) {
        checkBatch(input, target);
        if (indices.length != input.n) throw new IllegalArgumentException(indices.length + " indices for a batch of " + input.n);
        float[] patch = new float[patchSize() * patchSize()];
        for (int i = 0; i < indices.length; i++) copyPatch(indices[i], 0, input, target, i, patch);
    }

    private void checkBatch(Tensor input, Tensor target) {
        int p = patchSize();
        int l = options.labelSize();
        if (input.c != channels() || input.h != p || input.w != p || target.n != input.n || target.c != channels()
                || target.h != l || target.w != l) {
            throw new IllegalArgumentException("batch tensors " + input.shapeString() + " / " + target.shapeString()
                    + " do not hold " + channels() + "x" + p + "x" + p + " patches with " + l + "x" + l + " labels");
        }
    }

    /**
     * Copies patch {@code index} under transform {@code t} into batch slot {@code slot}, enlarging its input into
     * {@code patch} (p x p scratch) first. Bit 2 of t transposes, bit 1 flips vertically, bit 0 horizontally: the 8
     * combinations are the 8 symmetries of the square.
     */
    private void copyPatch(int index, int t, Tensor input, Tensor target, int slot, float[] patch) {
        Source s = sources.get(patchSource[index]);
        int p = patchSize();
        int m = options.labelMargin();
        int k = options.scale();
        int lowWidth = s.width / k;
        int lowHeight = s.height / k;
        Contributions rows = enlargements.get(lowHeight);
        Contributions columns = enlargements.get(lowWidth);
        int plane = s.width * s.height;
        int corner = patchOffset[index];
        int y0 = corner / s.width;
        int x0 = corner % s.width;
        boolean transpose = (t & 4) != 0;
        boolean flipV = (t & 2) != 0;
        boolean flipH = (t & 1) != 0;
        for (int c = 0; c < channels(); c++) {
            BicubicResampler.resizeRegion(s.low, c * lowWidth * lowHeight, 0, 0, lowHeight, lowWidth, rows, columns,
                    y0, y0 + p, x0, x0 + p, patch, 0);
            int base = c * plane + corner;
            int dst = input.index(slot, c, 0, 0);
            int labelDst = target.index(slot, c, 0, 0);
            for (int y = 0; y < p; y++) {
                boolean labelRow = y >= m && y < p - m;
                for (int x = 0; x < p; x++) {
                    int a = transpose ? x : y;
                    int b = transpose ? y : x;
                    if (flipV) a = p - 1 - a;
                    if (flipH) b = p - 1 - b;
                    input.data[dst++] = patch[a * p + b];
                    if (labelRow && x >= m && x < p - m) target.data[labelDst++] = s.label(base + a * s.width + b);
                }
            }
        }
    }

    /**
     * Input and label planes of one kept picture at full size (for tests and inspection): {input, label}, channel
     * after channel; the input enlarged whole from the kept low-resolution planes.
     */
    float[][] sourcePlanes(int source) {
        Source s = sources.get(source);
        int k = options.scale();
        int lw = s.width / k, lh = s.height / k, plane = s.width * s.height;
        float[] input = new float[s.low.length * k * k];
        float[] label = new float[input.length];
        for (int c = 0; c < channels(); c++) {
            float[] low = java.util.Arrays.copyOfRange(s.low, c * lw * lh, (c + 1) * lw * lh);
            System.arraycopy(BicubicResampler.upscale(low, lw, lh, k), 0, input, c * plane, plane);
        }
        for (int i = 0; i < label.length; i++) label[i] = s.label(i);
        return new float[][] {input, label};
    }

    /** Whether a kept picture's label is held as 8-bit levels (for tests). */
    boolean labelAsLevels(int source) {
        return sources.get(source).labelLevels != null;
    }

    int[] sourceSize(int source) {
        Source s = sources.get(source);
        return new int[] {s.width, s.height};
    }

    @Override
    public String toString() {
        return size() + " patches " + patchSize() + "x" + patchSize() + " (stride " + options.stride()
                + (options.labelMargin() > 0 ? ", labels their " + options.labelSize() + "x" + options.labelSize()
                + " centre" : "") + ") from "
                + pictureCount + (pictureCount == 1 ? " picture" : " pictures") + augmentDescription();
    }

    private String augmentDescription() {
        Augment a = options.augment();
        if (a == Augment.NONE) return "";
        String scales = sourceCount() + " pictures with the scaled copies";
        String flips = TRANSFORMS + " flips/rotations";
        return " (augmented: " + (a.scales && a.flips ? scales + ", " + flips : a.scales ? scales : flips) + ")";
    }
}
