package dev.gpusr.image;

/**
 * The deflate stream of a PNG's image data as {@link PngEncoder} drives it: the subset of
 * {@link java.util.zip.Deflater}'s calls it uses, so that java.util.zip and libdeflate are interchangeable. One
 * thread at a time; {@link #close()} frees native memory.
 */
interface PngDeflater extends AutoCloseable {
    /** Opens a deflater of the given (resolved, not AUTO) codec at zlib-scale level 0-9. */
    static PngDeflater open(PngCodec codec, int level) {
        return switch (codec) {
            case ZLIB -> new ZlibDeflater(level);
            case LIBDEFLATE -> new NativeDeflater(level);
            case AUTO -> throw new IllegalArgumentException("resolve AUTO first");
        };
    }

    /** Starts a new stream. */
    void reset();

    /** Bytes to compress; call {@link #deflate} until {@link #needsInput()} before the next. */
    void setInput(byte[] b, int off, int len);

    boolean needsInput();

    /** No more input: the rest comes out of {@link #deflate} until {@link #finished()}. */
    void finish();

    boolean finished();

    /** Writes compressed bytes into b[off, off + len), returns how many. */
    int deflate(byte[] b, int off, int len);

    @Override
    void close();
}
