package dev.gpusr.cuda;

import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.resample.BicubicResampler.Contributions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-side arithmetic of the device pixel path's tile walk, kept apart from the JCuda calls so that it is
 * tested without a GPU: how the k-times-larger output is cut into tiles with the model's halo, which low-resolution
 * window each tile's bicubic reads, and the bicubic tables of each tile band rebased onto its window (the full
 * image's MATLAB tables, rows [cropStart, cropEnd) of them, input indices minus the window's start).
 *
 * <p>Tiles are bands along each side ({@link Span}): a tile is one row band times one column band, so an image has
 * (row bands + column bands) tables, O(height + width) numbers, never O(pixels). Every crop of an image has the same
 * shape (one cuDNN plan per image) and every device float buffer is sized by {@link #maxWindowPixels()} and
 * {@link #cropPixels()}, which depend on the tile side and the factor, not on the image size (once the image is
 * larger than a tile).
 *
 * <p>The tables go to the device with the image's samples in one upload, laid out by {@link #writeTables}: for each
 * row band its indices (int32) and weights (float32), then for each column band its indices, weights and the first
 * window column of each {@link Plans#ENLARGE_TILE}-wide block of the bicubic kernel (int32), all little-endian.
 */
final class DeviceTilePlan {
    /**
     * One tile band along one side of the output: the network reads [cropStart, cropStart + cropLength) and its
     * outputs [coreStart, coreStart + coreLength) are kept.
     */
    record Span(int cropStart, int cropLength, int coreStart, int coreLength) {
        int coreOffset() {
            return coreStart - cropStart;
        }
    }

    /**
     * One band with its low-resolution window [windowStart, windowStart + windowLength) and the bicubic table of its
     * crop rebased onto the window; {@code blockStart}/{@code span}: the column blocks' first window columns and the
     * widest block (column bands only, else empty and 0). {@code tableOffset}: where its table starts in the blob.
     */
    record Band(Span span, int windowStart, int windowLength, Contributions table, int[] blockStart, int blockSpan,
            long tableOffset) {
        /** Byte offset of the indices, weights and block starts of this band in the table blob. */
        long indexOffset() {
            return tableOffset;
        }

        long weightOffset() {
            return tableOffset + 4L * table.index().length;
        }

        long blockStartOffset() {
            return weightOffset() + 4L * table.weight().length;
        }

        long tableBytes() {
            return 4L * (table.index().length + table.weight().length + blockStart.length);
        }
    }

    /** A tile: a row band and a column band. */
    record Tile(Band rows, Band cols) {}

    private final int width, height, scale, halo, tile;
    private final List<Band> rowBands, colBands;
    private final long tableBytes;

    private DeviceTilePlan(int width, int height, int scale, int halo, int tile, List<Band> rowBands,
            List<Band> colBands, long tableBytes) {
        this.width = width;
        this.height = height;
        this.scale = scale;
        this.halo = halo;
        this.tile = tile;
        this.rowBands = rowBands;
        this.colBands = colBands;
        this.tableBytes = tableBytes;
    }

    /**
     * The plan for enlarging a {@code width} x {@code height} image by {@code scale} with output tiles of at most
     * {@code tile} kept pixels a side, each read with {@code halo} more (SrcnnConfig.halo()).
     */
    static DeviceTilePlan of(int width, int height, int scale, int halo, int tile) {
        if (width < 1 || height < 1 || scale < 1 || halo < 0 || tile < 1) {
            throw new IllegalArgumentException("image " + width + "x" + height + ", scale " + scale + ", halo " + halo
                    + ", tile " + tile);
        }
        long outW = (long) width * scale, outH = (long) height * scale;
        if (outW > Integer.MAX_VALUE / 64 || outH > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("output " + outW + "x" + outH + " is too large");
        }
        long[] offset = {0};
        List<Band> rows = bands(BicubicResampler.enlargement(height, scale), tile, halo, 0, offset);
        List<Band> cols = bands(BicubicResampler.enlargement(width, scale), tile, halo, Plans.ENLARGE_TILE.width(),
                offset);
        return new DeviceTilePlan(width, height, scale, halo, tile, rows, cols, offset[0]);
    }

    private static List<Band> bands(Contributions full, int tile, int halo, int blockWidth, long[] offset) {
        List<Band> out = new ArrayList<>();
        for (Span s : spans(full.outLength(), tile, halo)) {
            int[] window = BicubicResampler.inputSpan(full, s.cropStart(), s.cropStart() + s.cropLength());
            Contributions t = region(full, s.cropStart(), s.cropLength(), window[0], window[1] - window[0] + 1);
            Plans.ColumnTiles blocks = blockWidth > 0 ? Plans.columnTiles(t, blockWidth)
                    : new Plans.ColumnTiles(new int[0], 0);
            Band b = new Band(s, window[0], window[1] - window[0] + 1, t, blocks.start(), blocks.span(), offset[0]);
            offset[0] += b.tableBytes();
            out.add(b);
        }
        return out;
    }

    /**
     * Outputs [from, from + length) of {@code full}, reading inputs [windowStart, windowStart + windowLength) as
     * 0-based indices of that window: the same taps and weights in the same order, so each output is computed
     * exactly as in the whole-image resize.
     */
    static Contributions region(Contributions full, int from, int length, int windowStart, int windowLength) {
        int taps = full.taps();
        int[] index = new int[length * taps];
        float[] weight = new float[length * taps];
        System.arraycopy(full.weight(), from * taps, weight, 0, length * taps);
        for (int i = 0; i < index.length; i++) {
            int v = full.index()[from * taps + i] - windowStart;
            if (v < 0 || v >= windowLength) {
                throw new IllegalArgumentException("input " + (v + windowStart) + " of output " + (from + i / taps)
                        + " is outside the window " + windowStart + "+" + windowLength);
            }
            index[i] = v;
        }
        return new Contributions(windowLength, length, taps, index, weight);
    }

    /**
     * Cuts a side of {@code length} into bands of at most {@code maxCore} kept outputs, each read with {@code halo}
     * more on both sides. The side is split into equal parts (no sliver at the end), and every crop has the same
     * length -- the last one is moved back inside the image -- so one image needs one cuDNN plan. A kept output is
     * never within {@code halo} of its crop's edge unless that edge is the image's, where SRCNN's zero padding is the
     * image's own: tiles give exactly the whole-image result.
     */
    static List<Span> spans(int length, int maxCore, int halo) {
        if (length < 1 || maxCore < 1 || halo < 0) {
            throw new IllegalArgumentException("length " + length + ", tile " + maxCore + ", halo " + halo);
        }
        int parts = (length + maxCore - 1) / maxCore;
        int core = (length + parts - 1) / parts;
        int crop = Math.min(length, core + 2 * halo);
        List<Span> out = new ArrayList<>(parts);
        for (int start = 0; start < length; start += core) {
            int keep = Math.min(core, length - start);
            int cropStart = Math.max(0, Math.min(start - halo, length - crop));
            out.add(new Span(cropStart, crop, start, keep));
        }
        return out;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int outWidth() {
        return width * scale;
    }

    int outHeight() {
        return height * scale;
    }

    int halo() {
        return halo;
    }

    int tile() {
        return tile;
    }

    List<Band> rowBands() {
        return rowBands;
    }

    List<Band> colBands() {
        return colBands;
    }

    /** Every tile, row band by row band. */
    List<Tile> tiles() {
        List<Tile> out = new ArrayList<>(rowBands.size() * colBands.size());
        for (Band r : rowBands) for (Band c : colBands) out.add(new Tile(r, c));
        return out;
    }

    /** Pixels of one crop (all crops of an image have this shape). */
    long cropPixels() {
        return (long) rowBands.get(0).span().cropLength() * colBands.get(0).span().cropLength();
    }

    /** Pixels of the largest low-resolution window a tile reads. */
    long maxWindowPixels() {
        int h = 0, w = 0;
        for (Band b : rowBands) h = Math.max(h, b.windowLength());
        for (Band b : colBands) w = Math.max(w, b.windowLength());
        return (long) h * w;
    }

    /** Device bytes of float planes the walk needs for {@code planes} planes: the window's and the crop's. */
    long floatBytes(int planes) {
        return 4L * planes * (maxWindowPixels() + cropPixels());
    }

    /** Bytes of all tables, as {@link #writeTables} lays them out. */
    long tableBytes() {
        return tableBytes;
    }

    /** Writes the tables (little-endian) into {@code dst} from {@code at} on ({@link #tableBytes()} bytes). */
    void writeTables(ByteBuffer dst, long at) {
        if (at < 0 || at % 4 != 0 || at + tableBytes > dst.capacity()) {
            throw new IllegalArgumentException("tables of " + tableBytes + " bytes at " + at + " do not fit a buffer of "
                    + dst.capacity());
        }
        ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (List<Band> bands : List.of(rowBands, colBands)) {
            for (Band band : bands) {
                b.position((int) (at + band.tableOffset()));
                for (int v : band.table().index()) b.putInt(v);
                for (float v : band.table().weight()) b.putFloat(v);
                for (int v : band.blockStart()) b.putInt(v);
            }
        }
    }
}
