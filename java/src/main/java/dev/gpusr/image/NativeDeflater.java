package dev.gpusr.image;

/**
 * {@link PngDeflater} on libdeflate ({@link Libdeflate}), which compresses a whole buffer at once: the input is
 * collected in native memory, compressed on {@link #finish()} and then read out. Costs native memory of about the
 * filtered image plus its compressed size while an image is encoded (buffers over 64 MiB are freed after each).
 */
final class NativeDeflater implements PngDeflater {
    /**
     * libdeflate's level for each zlib-scale level 0-9: the fastest whose files were at least as compact as zlib's
     * and Pillow's at that level (zlib memLevel 8, FILTERED, as java.util.zip; Pillow's files are up to 0.1%
     * smaller than that) on every photograph of BENCHMARKS.md "PNG encoding" (results/cpu2-2026-11-28-png-native),
     * rounded up so that a higher level never means a faster one. libdeflate's levels 1-3 already beat zlib's 1-3
     * (7-11% smaller); 8-9 map to its near-optimal parser (10, 12), smaller than zlib's 8-9 and mostly faster.
     */
    private static final int[] LEVELS = {0, 1, 2, 3, 5, 6, 7, 8, 10, 12};

    /** libdeflate's level (0-12) for zlib-scale level 0-9. */
    static int libdeflateLevel(int level) {
        if (level < 0 || level > 9) throw new IllegalArgumentException("PNG compression must be 0 to 9, got " + level);
        return LEVELS[level];
    }

    private long ctx;
    private boolean finishing;
    private long length, read;

    NativeDeflater(int level) {
        if (!NativeDeflate.available()) {
            throw new IllegalStateException("native libdeflate not loaded: " + NativeDeflate.status().reason());
        }
        ctx = Libdeflate.open(libdeflateLevel(level));
    }

    @Override
    public void reset() {
        Libdeflate.reset(ctx);
        finishing = false;
        length = 0;
        read = 0;
    }

    @Override
    public void setInput(byte[] b, int off, int len) {
        if (finishing) throw new IllegalStateException("input after finish");
        Libdeflate.append(ctx, b, off, len);
    }

    @Override
    public boolean needsInput() {
        return !finishing; // setInput takes all it is given
    }

    @Override
    public void finish() {
        if (finishing) return;
        length = Libdeflate.compress(ctx);
        read = 0;
        finishing = true;
    }

    @Override
    public boolean finished() {
        return finishing && read == length;
    }

    @Override
    public int deflate(byte[] b, int off, int len) {
        if (!finishing) return 0;
        int n = (int) Math.min(len, length - read);
        Libdeflate.read(ctx, read, b, off, n);
        read += n;
        return n;
    }

    @Override
    public void close() {
        if (ctx != 0) {
            Libdeflate.close(ctx);
            ctx = 0;
        }
    }
}
