package dev.gpusr.spark;

import dev.gpusr.engine.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;

/**
 * The task: upscales the images of one partition (a size-balanced group of {@link WorkItem}s) and returns one
 * {@link ResultRow} per input. Existing outputs are skipped before any work; the engine is taken from the executor's
 * {@link EngineCache} only when something is to be done, so a re-run of a finished job opens no engine at all.
 */
final class UpscalePartition implements FlatMapFunction<Iterator<List<WorkItem>>, ResultRow> {
    private final JobSettings settings;
    private final HadoopConf conf;

    UpscalePartition(JobSettings settings, HadoopConf conf) {
        this.settings = settings;
        this.conf = conf;
    }

    @Override
    public Iterator<ResultRow> call(Iterator<List<WorkItem>> groups) throws Exception {
        TaskContext tc = TaskContext.get();
        String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        String tag = settings.runId() + "-" + (tc == null ? "0-0" : tc.stageId() + "-" + tc.partitionId() + "-" + tc.taskAttemptId());
        String device = engineDevice(settings.device(), tc);
        List<ResultRow> rows = new ArrayList<>();
        java.nio.file.Path scratch = scratchFolder();
        try {
            while (groups.hasNext()) {
                for (WorkItem item : groups.next()) {
                    // a killed task (the slower copy of a speculative pair, a cancelled job) stops between images
                    if (tc != null) tc.killTaskIfInterrupted();
                    rows.add(one(item, device, executor, attempt, tag, scratch, tc));
                }
            }
        } finally {
            deleteTree(scratch);
        }
        return rows.iterator();
    }

    private ResultRow one(WorkItem item, String device, String executor, int attempt, String tag,
                          java.nio.file.Path scratch, TaskContext tc) throws IOException {
        long t0 = System.nanoTime();
        if (item.refused() != null) {
            return row(item, ResultRow.FAILED, item.refused(), 0, t0, executor, "", attempt);
        }
        Path target = new Path(item.output());
        Configuration c = conf.get();
        OutputStore store = new OutputStore(target.getFileSystem(c));
        FileStatus existing = store.status(target);
        if (existing != null) return existingRow(item, existing, t0, executor, attempt);

        EngineCache.Resident engine = EngineCache.get(device, settings);
        ImageTask task = new ImageTask(engine.upscaler(), engine.lock(), settings.fixedFormat(), settings.quality(),
                settings.maxPixels());
        java.nio.file.Path local;
        try {
            local = localCopy(new Path(item.input()), c, scratch);
        } catch (IOException e) {
            return row(item, ResultRow.FAILED, "cannot read the file: " + ImageTask.reason(e), 0, t0, executor,
                    engine.device(), attempt);
        }
        ImageTask.Result result;
        try {
            result = task.run(local, target.getName(), scratch);
        } finally {
            if (local.startsWith(scratch)) Files.deleteIfExists(local);
        }
        if (!result.ok()) return row(item, ResultRow.FAILED, result.reason(), 0, t0, executor, engine.device(), attempt);
        OutputStore.Outcome outcome;
        long storeStart = System.nanoTime();
        try {
            outcome = store.write(target, result.encoded(), tag, () -> FaultInjection.beforePublish(item.input(), tc));
        } catch (IOException e) {
            return row(item, ResultRow.FAILED, "cannot write " + target + ": " + ImageTask.reason(e), 0, t0, executor,
                    engine.device(), attempt);
        }
        long storeMs = (System.nanoTime() - storeStart) / 1_000_000;
        if (outcome == OutputStore.Outcome.EXISTS) {
            FileStatus now = store.status(target);
            if (now != null) return existingRow(item, now, t0, executor, attempt);
        }
        return row(item, ResultRow.OK, result.reason(), result.encoded().length, t0, executor, engine.device(), attempt)
                .timed(result, storeMs);
    }

    /**
     * An output that is already there: from an earlier run (skipped), or written during this run by another attempt
     * of the same task (a failed try or a speculative copy), which counts as done.
     */
    private ResultRow existingRow(WorkItem item, FileStatus existing, long t0, String executor, int attempt) {
        if (existing.getModificationTime() >= settings.runStartMillis()) {
            return row(item, ResultRow.OK, "written by another attempt of this task", existing.getLen(), t0, executor,
                    "", attempt);
        }
        return row(item, ResultRow.SKIPPED, "output exists", existing.getLen(), t0, executor, "", attempt);
    }

    private static ResultRow row(WorkItem item, String status, String reason, long outBytes, long t0, String executor,
                                 String device, int attempt) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new ResultRow(item.input(), item.output(), status, reason == null ? "" : reason, item.bytes(), outBytes,
                ms, executor, device, attempt);
    }

    /**
     * The engine device for this task: with --device auto or gpu, the GPU Spark's resource scheduling gave the task
     * (its first address); auto without one is gpu-sr's own auto (GPU 0 when usable, else the CPU).
     */
    static String engineDevice(String requested, TaskContext tc) {
        String d = requested == null ? "auto" : requested.trim().toLowerCase(java.util.Locale.ROOT);
        String gpu = null;
        if (tc != null) {
            Map<String, ResourceInformation> res = tc.resourcesJMap();
            ResourceInformation info = res == null ? null : res.get("gpu");
            if (info != null && info.addresses().length > 0) gpu = info.addresses()[0];
        }
        return switch (d) {
            case "cpu" -> "cpu";
            case "auto" -> gpu != null ? gpu : "auto";
            case "gpu" -> {
                if (gpu == null) {
                    throw new Engines.EngineUnavailableException("--device gpu, but Spark gave this task no GPU; set"
                            + " spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a discovery"
                            + " script (see README, Spark)", null);
                }
                yield gpu;
            }
            default -> d;
        };
    }

    /** The input as a local file: itself on the local file system, else a copy in the task's scratch folder. */
    private static java.nio.file.Path localCopy(Path input, Configuration c, java.nio.file.Path scratch) throws IOException {
        FileSystem fs = input.getFileSystem(c);
        if (fs instanceof LocalFileSystem local) fs = local.getRaw();
        if (fs instanceof RawLocalFileSystem raw && "file".equals(raw.getUri().getScheme())) {
            return raw.pathToFile(input).toPath();
        }
        java.nio.file.Path copy = Files.createTempFile(scratch, "in-", "-" + input.getName());
        try (InputStream in = fs.open(input)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private static java.nio.file.Path scratchFolder() throws IOException {
        java.nio.file.Path root;
        try {
            root = java.nio.file.Path.of(SparkFiles.getRootDirectory());
        } catch (RuntimeException e) {
            root = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        }
        return Files.createTempDirectory(root, "gpusr-task-");
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space of this executor; Spark removes its folder when the application ends
        }
    }
}
