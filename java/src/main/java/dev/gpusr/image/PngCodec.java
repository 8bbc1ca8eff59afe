package dev.gpusr.image;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Which deflate implementation compresses PNG image data ({@code --png-codec}). Both write standard PNG at the same
 * {@code --png-compression} level 0-9; their bytes differ, each is deterministic (same pixels and level, same file).
 *
 * <ul>
 * <li>{@link #LIBDEFLATE}: gpu-sr's native library (libdeflate, linked into {@code libgpusr_deflate.so} in the jar;
 *     Linux x86-64). Level N runs libdeflate's level {@link NativeDeflater#libdeflateLevel(int)}, chosen so that files
 *     are at least as compact as zlib's (and Pillow's) level N on photographs; at the default level it compresses
 *     in 0.55 of zlib's CPU time, files 1.5% smaller than Pillow's (BENCHMARKS.md "PNG encoding").</li>
 * <li>{@link #ZLIB}: java.util.zip (the JDK's zlib), pure Java, everywhere.</li>
 * <li>{@link #AUTO} (default): libdeflate when its library loads, else zlib, saying so once per run.</li>
 * </ul>
 */
public enum PngCodec {
    AUTO, LIBDEFLATE, ZLIB;

    private static final AtomicBoolean FALLBACK_SAID = new AtomicBoolean();

    /** "auto", "libdeflate" or "zlib" (any case). */
    public static PngCodec parse(String s) {
        for (PngCodec c : values()) if (c.label().equalsIgnoreCase(s.trim())) return c;
        throw new IllegalArgumentException("PNG codec must be auto, libdeflate or zlib, got '" + s + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The codec that will run: AUTO becomes LIBDEFLATE when its library is loaded, else ZLIB, and then the first
     * call in this JVM hands {@code notice} one line naming the reason. LIBDEFLATE without the library throws
     * IllegalArgumentException with the reason.
     */
    public PngCodec resolve(Consumer<String> notice) {
        return resolve(NativeDeflate.status(), notice, FALLBACK_SAID);
    }

    /** As {@link #resolve(Consumer)} with the given library status and once-flag (for tests). */
    PngCodec resolve(NativeDeflate.Status status, Consumer<String> notice, AtomicBoolean said) {
        switch (this) {
            case ZLIB:
                return ZLIB;
            case LIBDEFLATE:
                if (!status.loaded()) {
                    throw new IllegalArgumentException("PNG codec libdeflate is not available: " + status.reason()
                            + " (--png-codec auto or zlib writes PNG with java.util.zip)");
                }
                return LIBDEFLATE;
            default:
                if (status.loaded()) return LIBDEFLATE;
                if (said.compareAndSet(false, true)) notice.accept(fallbackNotice(status));
                return ZLIB;
        }
    }

    static String fallbackNotice(NativeDeflate.Status status) {
        return "gpu-sr: native libdeflate not loaded (" + status.reason() + "): writing PNG with java.util.zip"
                + " (slower; same level, slightly different bytes; --png-codec zlib silences this)";
    }
}
