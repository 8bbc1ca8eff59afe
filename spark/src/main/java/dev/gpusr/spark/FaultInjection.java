package dev.gpusr.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;

/**
 * A test hook: with the system property {@code gpusr.spark.failOnce=NAME} (set on the executors, e.g. through
 * spark.executor.extraJavaOptions, or in the JVM of a local-mode run), the first attempt of the task that handles the
 * input whose path ends with NAME throws after that output's temporary file is complete and before it is published.
 * It shows that a retried task leaves neither a partial nor a duplicate output. Off when the property is unset.
 */
public final class FaultInjection {
    public static final String PROPERTY = "gpusr.spark.failOnce";
    private static final AtomicInteger INJECTED = new AtomicInteger();

    private FaultInjection() {}

    static void beforePublish(String input, TaskContext tc) {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isEmpty() || tc == null || tc.attemptNumber() != 0 || !input.endsWith(name)) return;
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected failure (" + PROPERTY + ") before publishing the output of " + input);
    }

    /** How many failures this JVM has injected. */
    public static int injected() {
        return INJECTED.get();
    }
}
