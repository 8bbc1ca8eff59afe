package dev.gpusr.cpu;

import java.util.Arrays;

/** One worker's reusable buffers: the tap list of a row, a spare output row and the rings of shifted rows. */
final class Scratch {
    float[][] tapRows = new float[0][];
    int[] tapIndex = new int[0];
    int[] tapShift = new int[0];
    float[] row = new float[0];
    final float[] sums = new float[16];
    final int[] live = new int[ConvLayer.GATHER_PIXELS];
    private float[][] pixelTaps = new float[0][];
    private float[][] gradientRows = new float[0][];
    /** One ring per filter size (index f), so layers with different filters keep their buffers. */
    private ShiftRing[] rings = new ShiftRing[0];

    private float[][] outputRows = new float[0][];

    /** {@code count} spare rows of at least {@code length} floats (one per output channel of a chunked row). */
    float[][] outputRows(int count, int length) {
        outputRows = atLeast(outputRows, count, length);
        return outputRows;
    }

    private float[][] shiftRows = new float[0][];

    /** {@code count} rows of at least {@code length} floats for the shifted copies of one input row. */
    float[][] shiftRows(int count, int length) {
        shiftRows = atLeast(shiftRows, count, length);
        return shiftRows;
    }

    /** {@code rows} if it has {@code count} rows of {@code length} floats, else new rows (never fewer or shorter). */
    private static float[][] atLeast(float[][] rows, int count, int length) {
        if (rows.length >= count && rows.length > 0 && rows[0].length >= length) return rows;
        return new float[Math.max(count, rows.length)][Math.max(length, rows.length == 0 ? 0 : rows[0].length)];
    }

    private float[] lanes = new float[0];

    /** At least {@code count} floats: the vector dot products' lanes. */
    float[] lanes(int count) {
        if (lanes.length < count) lanes = new float[count];
        return lanes;
    }

    private float[] transposed = new float[0];

    /** At least {@code count} floats: a tile of the output gradient, pixel-major. */
    float[] transposed(int count) {
        if (transposed.length < count) transposed = new float[count];
        return transposed;
    }

    private float[] tapSums = new float[0];

    /** At least {@code count} floats: one row's weight-gradient sums, [tap][output channel]. */
    float[] tapSums(int count) {
        if (tapSums.length < count) tapSums = new float[count];
        return tapSums;
    }

    private float[][] rowRefs = new float[0][];

    /** Room for {@code count} row references (filled by the caller). */
    float[][] rowRefs(int count) {
        if (rowRefs.length < count) rowRefs = new float[count][];
        return rowRefs;
    }

    /** {@code pixels} arrays of at least {@code taps} floats: the gathered taps of each pixel. */
    float[][] pixelTaps(int pixels, int taps) {
        if (pixelTaps.length < pixels || pixelTaps[0].length < taps) pixelTaps = new float[pixels][taps];
        return pixelTaps;
    }

    /** {@code outputs} arrays of at least {@code taps} floats: one row of weight-gradient sums per output channel. */
    float[][] gradientRows(int outputs, int taps) {
        gradientRows = atLeast(gradientRows, outputs, taps);
        return gradientRows;
    }

    /** Room for {@code taps} taps and a spare row of {@code length}. */
    void prepare(int taps, int length) {
        if (tapRows.length < taps) {
            tapRows = new float[taps][];
            tapIndex = new int[taps];
            tapShift = new int[taps];
        }
        if (row.length < length) row = new float[length];
    }

    /** An emptied ring for {@code cin} channels of filter {@code f} and rows of {@code length}. */
    ShiftRing ring(int cin, int f, int length) {
        if (rings.length <= f) rings = Arrays.copyOf(rings, f + 1);
        if (rings[f] == null) rings[f] = new ShiftRing(f);
        rings[f].reset(cin, length);
        return rings[f];
    }

    /**
     * Input rows shifted by each kx - pad, made once when a row is first needed and kept while the f output rows
     * that read it are computed (slot = row mod f).
     */
    static final class ShiftRing {
        private final int f;
        private final int pad;
        /** [channel][slot][kx]; kx == pad is never stored (the row itself is used). */
        private float[][][][] shifted = new float[0][][][];
        private int[][] heldRow = new int[0][];
        private int length;

        ShiftRing(int f) {
            this.f = f;
            this.pad = f / 2;
        }

        void reset(int cin, int length) {
            if (length > this.length) {
                shifted = new float[0][][][];
                heldRow = new int[0][];
                this.length = length;
            }
            if (shifted.length < cin) {
                float[][][][] grown = Arrays.copyOf(shifted, cin);
                int[][] grownHeld = Arrays.copyOf(heldRow, cin);
                for (int i = shifted.length; i < cin; i++) {
                    grown[i] = new float[f][f][];
                    grownHeld[i] = new int[f];
                }
                shifted = grown;
                heldRow = grownHeld;
            }
            for (int[] slots : heldRow) Arrays.fill(slots, Integer.MIN_VALUE);
        }

        /** {@code base} (input row {@code inRow} of channel i) shifted by kx - pad over [from, to). */
        float[] get(int i, int inRow, int kx, float[] base, int from, int to) {
            int slot = Math.floorMod(inRow, f);
            float[][] shifts = shifted[i][slot];
            if (heldRow[i][slot] != inRow) {
                for (int s = 0; s < f; s++) {
                    if (s == pad) continue;
                    if (shifts[s] == null) shifts[s] = new float[length];
                    System.arraycopy(base, from + s - pad, shifts[s], from, to - from);
                }
                heldRow[i][slot] = inRow;
            }
            return shifts[kx];
        }
    }
}
