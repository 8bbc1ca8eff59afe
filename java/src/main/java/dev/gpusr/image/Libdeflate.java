package dev.gpusr.image;

/**
 * The JNI functions of gpu-sr's native libdeflate binding ({@code native/src/gpusr_deflate.c}, built by
 * {@code native/CMakeLists.txt}, which makes its C header from this file with {@code javac -h}: keep this class free
 * of other gpu-sr types so that works on its own). Loaded by {@link NativeDeflate}; use it only after
 * {@link NativeDeflate#available()}.
 *
 * <p>A context (a native pointer) collects bytes, compresses them into one zlib stream and hands the stream back in
 * pieces. One thread at a time per context; close it exactly once.
 */
final class Libdeflate {
    private Libdeflate() {
    }

    /** A context compressing at libdeflate's level 0 (stored) to 12 (smallest); OutOfMemoryError without memory. */
    static native long open(int level);

    /** Adds src[off, off + len) to the bytes to compress. */
    static native void append(long ctx, byte[] src, int off, int len);

    /** Compresses all bytes appended since the last compress or reset into a zlib stream; returns its length. */
    static native long compress(long ctx);

    /** Copies len bytes of the last compressed stream, from its byte {@code from}, into dst[off..]. */
    static native void read(long ctx, long from, byte[] dst, int off, int len);

    /** Forgets appended and compressed bytes, freeing large buffers. */
    static native void reset(long ctx);

    static native void close(long ctx);

    /** The libdeflate version linked in, e.g. "1.14". */
    static native String version();
}
