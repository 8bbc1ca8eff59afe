package dev.gpusr.model;


/**
 * A dense float batch in NCHW order: what the engines take and return. Image values are in [0, 1].
 */
public final class Tensor {
    public final int n;
    public final int c;
    public final int h;
    public final int w;
    public final float[] data;

    public Tensor(int n, int c, int h, int w) {
        this(n, c, h, w, new float[checkedSize(n, c, h, w)]);
    }

    public Tensor(int n, int c, int h, int w, float[] data) {
        if (data.length != checkedSize(n, c, h, w)) {
            throw new IllegalArgumentException("data has " + data.length + " floats, shape " + n + "x" + c + "x" + h
                    + "x" + w + " needs " + (long) n * c * h * w);
        }
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.data = data;
    }

    private static int checkedSize(int n, int c, int h, int w) {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("bad tensor shape " + n + "x" + c + "x" + h + "x" + w);
        }
        long size = (long) n * c * h * w;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + n + "x" + c + "x" + h + "x" + w + " is too large for one array");
        }
        return (int) size;
    }

    public int size() {
        return data.length;
    }

    public int planeSize() {
        return h * w;
    }

    public int index(int ni, int ci, int y, int x) {
        return ((ni * c + ci) * h + y) * w + x;
    }

    public float get(int ni, int ci, int y, int x) {
        return data[index(ni, ci, y, x)];
    }

    public void set(int ni, int ci, int y, int x, float v) {
        data[index(ni, ci, y, x)] = v;
    }

    public boolean sameShape(Tensor o) {
        return n == o.n && c == o.c && h == o.h && w == o.w;
    }

    public String shapeString() {
        return n + "x" + c + "x" + h + "x" + w;
    }

    public Tensor copy() {
        return new Tensor(n, c, h, w, data.clone());
    }

    @Override
    public String toString() {
        return "Tensor[" + shapeString() + "]";
    }
}
