package dev.gpusr.pipeline;

/**
 * Progress of a batch, as events: the one progress model, rendered by the CLI as a bar (or JSON lines). Calls come
 * from the pipeline's threads but never at the same time (they are serialised); a listener should return quickly.
 * An exception thrown by a listener ends the run with that error.
 */
public interface BatchListener {
    /** The run begins with this many images. */
    default void started(int images) {}

    /** One image is done: written, or failed with its reason (the rest goes on). */
    void imageFinished(ImageResult result);

    /** A one-line remark about an image that still succeeds (e.g. transparency dropped for JPEG). */
    default void notice(String line) {}

    /** The run is over (also after a cancel, a lost device or an error). */
    default void finished(BatchResult result) {}

    /** A listener that ignores everything. */
    BatchListener NONE = r -> {};
}
