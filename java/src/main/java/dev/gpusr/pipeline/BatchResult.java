package dev.gpusr.pipeline;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a batch. {@code notRun} images were never finished because the run stopped early (cancelled,
 * device lost, or an error). Stage shares are busy time / (wall time x threads of that stage), 0 to 1.
 *
 * @param deviceLost the message of the device fault that stopped the run, or null
 * @param error      an unexpected error that ended the run, or null
 */
public record BatchResult(int total, int succeeded, List<ImageResult> failures, int notRun, double seconds,
        long outputPixels, Stage decode, Stage device, Stage encode, boolean cancelled, String deviceLost,
        Throwable error) {

    /** One stage's threads and how busy they were. */
    public record Stage(String name, int threads, double busySeconds, double share) {}

    public BatchResult {
        failures = List.copyOf(failures);
    }

    public int failed() {
        return failures.size();
    }

    public double imagesPerSecond() {
        return succeeded / Math.max(seconds, 1e-9);
    }

    /** Output megapixels written per second. */
    public double megapixelsPerSecond() {
        return outputPixels / 1e6 / Math.max(seconds, 1e-9);
    }

    /** True when every image was written. */
    public boolean allSucceeded() {
        return succeeded == total && error == null && deviceLost == null && !cancelled;
    }

    /** "24 images in 3.1 s: 7.74 images/s, 28.5 Mpix/s out; busy: decode 12% of 1, device 40% of 1, encode 98% of 2" */
    public String summaryLine() {
        return String.format(Locale.ROOT, "%d of %d images in %.1f s: %.2f images/s, %.1f Mpix/s out; busy: %s, %s, %s",
                succeeded, total, seconds, imagesPerSecond(), megapixelsPerSecond(), share(decode), share(device),
                share(encode));
    }

    private static String share(Stage s) {
        return String.format(Locale.ROOT, "%s %.0f%% of %d", s.name(), 100 * s.share(), s.threads());
    }
}
