package dev.gpusr.cpu;

/**
 * One activation tensor of a {@link RowLayout} group: {@code channels} planes, of which the image rows
 * [top, top + rows) are held as separate float arrays (the vector kernels need one array per row so that every
 * operand shares the loop index). Rows outside the image [0, height) read as the shared zero row, which is how
 * the convolutions see zero padding above and below. Storage is kept and reused while the shapes fit.
 */
final class Canvas {
    private float[][][] data = new float[0][][];
    private int channels;
    private int top;
    private int rows;
    private int height;
    private float[] zero;
    private int rowLength;

    /** Makes rows [top, top+rows) of an image of {@code height} rows addressable, growing storage if needed. */
    void layout(int channels, int top, int rows, int height, int length, float[] zero) {
        if (zero.length < length) throw new IllegalArgumentException("zero row shorter than rows");
        if (length > rowLength) {
            data = new float[0][][]; // all rows must grow: drop the old ones before allocating
            rowLength = length;
        }
        if (data.length < channels) {
            float[][][] grown = new float[channels][][];
            System.arraycopy(data, 0, grown, 0, data.length);
            for (int c = data.length; c < channels; c++) grown[c] = new float[0][];
            data = grown;
        }
        for (int c = 0; c < channels; c++) {
            float[][] planeRows = data[c];
            if (planeRows.length < rows) {
                float[][] grown = new float[rows][];
                System.arraycopy(planeRows, 0, grown, 0, planeRows.length);
                for (int r = planeRows.length; r < rows; r++) grown[r] = new float[rowLength];
                data[c] = grown;
            }
        }
        this.channels = channels;
        this.top = top;
        this.rows = rows;
        this.height = height;
        this.zero = zero;
    }

    int channels() {
        return channels;
    }

    float[] zero() {
        return zero;
    }

    /** Row r of channel c for reading: the zero row outside the image. */
    float[] row(int c, int r) {
        if (r < 0 || r >= height) return zero;
        return writable(c, r);
    }

    /** Row r (inside the image and the held range) of channel c, for writing. */
    float[] writable(int c, int r) {
        int k = r - top;
        if (c < 0 || c >= channels || k < 0 || k >= rows) {
            throw new IllegalStateException("row " + r + " of channel " + c + " is outside the held rows [" + top
                    + ", " + (top + rows) + ") x " + channels + " channels");
        }
        return data[c][k];
    }
}
