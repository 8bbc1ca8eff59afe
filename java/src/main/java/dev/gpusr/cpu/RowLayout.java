package dev.gpusr.cpu;

/**
 * How a group of equally sized images shares one set of activation rows: the {@code items} images sit side by side
 * in every row, each {@code width} pixels wide, with {@code pad} zero columns before the first, between
 * neighbours and after the last. Zero columns stand in for the convolutions' zero padding (pad >= f/2 of every
 * layer), so a filter tap is a whole-row shift and the kernels need no edge cases.
 */
record RowLayout(int items, int height, int width, int pad) {
    RowLayout {
        if (items < 1 || height < 1 || width < 1 || pad < 0) {
            throw new IllegalArgumentException("bad row layout: " + items + " images of " + height + "x" + width
                    + ", pad " + pad);
        }
    }

    int stride() {
        return width + pad;
    }

    /** Floats in one row. */
    int length() {
        return items * stride() + pad;
    }

    /** Index of pixel x of item g in a row. */
    int column(int item, int x) {
        return pad + item * stride() + x;
    }

    /** The columns kernels compute: from the first pixel of the first item to the last pixel of the last one. */
    int first() {
        return pad;
    }

    int end() {
        return length() - pad;
    }

    /** Zeroes the padding columns of {@code row} that lie in [from, to). */
    void clearPadding(float[] row, int from, int to) {
        int stride = stride();
        for (int gap = 0; gap <= items; gap++) {
            int start = gap * stride; // the zero columns before item `gap` (gap == items: after the last)
            int a = Math.max(start, from);
            int b = Math.min(start + pad, to);
            for (int j = a; j < b; j++) row[j] = 0f;
        }
    }
}
