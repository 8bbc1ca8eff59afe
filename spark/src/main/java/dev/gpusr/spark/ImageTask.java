package dev.gpusr.spark;

import dev.gpusr.api.SrUpscaler;
import dev.gpusr.engine.EngineLostException;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.pipeline.BatchJob;
import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.ImageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The work on images, and the only place in this module that calls gpu-sr: a group of local files goes through
 * gpu-sr's own batch pipeline ({@link SrUpscaler#run}: decoding, the engine and encoding at once, with the CLI's
 * decisions on names, formats, quality, limits and refusals), each output into a private scratch folder, so the bytes
 * are those of {@code gpu-sr upscale}. Each finished image is handed to a {@link Sink} (which publishes it) and its
 * scratch file removed.
 */
public final class ImageTask {
    /** One image: its local file, its original name (for the output's name and format) and the caller's key. */
    public record Job(int key, Path local, String name) {}

    /** Receives each image as it finishes, on the pipeline's (serialised) listener calls. */
    public interface Sink {
        /**
         * @param encoded the output file in the scratch folder, or null when the image failed
         * @param reason  why it failed, or a note on a success ("" when none)
         * @param millis  from the start of its decoding to the end of its encoding
         */
        void done(Job job, Path encoded, String reason, long millis) throws IOException;
    }

    private final SrUpscaler upscaler;
    private final ImageFormat fixedFormat;

    /** @param fixedFormat --format, or null for the input's own (png for gif) */
    public ImageTask(SrUpscaler upscaler, ImageFormat fixedFormat) {
        this.upscaler = upscaler;
        this.fixedFormat = fixedFormat;
    }

    /** The output file name for an input name, as gpu-sr upscale names outputs in a folder. */
    public static String outputName(String inputName, ImageFormat fixed) {
        return SrUpscaler.outputFor(Path.of(inputName), Path.of("."), fixed).getFileName().toString();
    }

    /**
     * Upscales {@code jobs} through the pipeline, calling {@code sink} for each. Returns the batch's result (stage
     * times); a bad image is a failed {@code done}, never an exception. A lost device ({@link EngineLostException})
     * or an error that ended the run (one thrown by the sink included) is thrown, so the task fails and Spark
     * retries it.
     */
    public BatchResult run(List<Job> jobs, Path scratch, Sink sink) {
        Map<Path, Job> byInput = new HashMap<>();
        List<BatchJob> batch = new ArrayList<>();
        for (Job j : jobs) {
            // one folder per image: outputs of equal names from different input folders cannot meet
            Path out = scratch.resolve("o" + j.key()).resolve(outputName(j.name(), fixedFormat));
            byInput.put(j.local(), j);
            batch.add(new BatchJob(j.local(), out, SrUpscaler.formatFor(Path.of(j.name()), fixedFormat)));
        }
        Map<Path, String> notes = new HashMap<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void imageFinished(ImageResult r) {
                Job j = byInput.get(r.input());
                try {
                    if (r.ok()) {
                        sink.done(j, r.output(), notes.getOrDefault(r.input(), ""), r.millis());
                    } else {
                        sink.done(j, null, r.reason(), r.millis());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    if (r.output() != null) deleteQuietly(r.output());
                }
            }

            @Override
            public void notice(String line) {
                // "<input> has transparency, which JPG cannot hold; it is dropped": kept as the image's note
                for (Path p : byInput.keySet()) {
                    String prefix = p + " ";
                    if (line.startsWith(prefix)) notes.put(p, line.substring(prefix.length()));
                }
            }
        };
        for (BatchJob b : batch) {
            try {
                Files.createDirectories(b.output().getParent());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        BatchResult result = upscaler.run(batch, listener);
        if (result.error() instanceof RuntimeException e) throw e;
        if (result.error() instanceof Error e) throw e;
        if (result.error() != null) throw new IllegalStateException("the batch stopped: " + result.error(), result.error());
        if (result.deviceLost() != null) throw new EngineLostException(result.deviceLost(), null);
        return result;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // scratch space; the task removes its folder at the end
        }
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
