package dev.gpusr.pipeline;

import dev.gpusr.engine.PixelPath;
import dev.gpusr.image.Pixels;
import java.util.Locale;

/** Refuses, before any work, an image whose upscale cannot fit one array or the Java heap. */
final class HeapCheck {
    private HeapCheck() {}

    /** Null when it fits, else one line naming the memory needed and how to give more. */
    static String refusal(Pixels lr, PixelPath path, int outputBitDepth, long maxHeap) {
        long outW = (long) lr.width() * path.scale(), outH = (long) lr.height() * path.scale();
        long outBytes = Pixels.byteCount(outW, outH, lr.channels(), outputBitDepth);
        if (outBytes > Pixels.MAX_BYTES) {
            return String.format(Locale.ROOT, "output %dx%d is %.2f GB of samples, more than one image may hold"
                    + " (%.2f GB); use a smaller scale or split the image", outW, outH, outBytes / 1e9, Pixels.MAX_BYTES / 1e9);
        }
        long need = lr.samples().length + path.workingBytes(lr.width(), lr.height(), lr.channels(), outputBitDepth);
        if (need > maxHeap) {
            long gib = (need + (1L << 30) - 1 + (512L << 20)) >> 30;
            return String.format(Locale.ROOT, "needs about %.2f GB of Java heap for %dx%d -> %dx%d, the limit is"
                    + " %.2f GB; raise it with GPUSR_JAVA_OPTS=-Xmx%dg", need / 1e9, lr.width(), lr.height(), outW, outH,
                    maxHeap / 1e9, gib);
        }
        return null;
    }

    /** The line for an OutOfMemoryError in one image. */
    static String outOfMemory(String stage, long maxHeap) {
        return String.format(Locale.ROOT, "out of memory while %s (Java heap limit %.2f GB); other images go on; give"
                + " more with GPUSR_JAVA_OPTS=-Xmx<size> or use fewer -j threads", stage, maxHeap / 1e9);
    }
}
