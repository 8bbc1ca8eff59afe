package dev.gpusr.spark;

import dev.gpusr.device.Engines;
import dev.gpusr.pipeline.BatchResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
import org.apache.spark.util.LongAccumulator;

/**
 * The task: upscales the images of one partition (a size-balanced group of {@link WorkItem}s) and returns one
 * {@link ResultRow} per input. Existing outputs are skipped before any work; the rest go through gpu-sr's pipeline
 * ({@link ImageTask}) in chunks (remote inputs are copied to the task's scratch folder a chunk at a time), and each
 * finished image is published through {@link OutputStore}. The engine is taken from the executor's
 * {@link EngineCache} only when something is to be done, so a re-run of a finished job opens no engine at all.
 */
final class UpscalePartition implements FlatMapFunction<Iterator<List<WorkItem>>, ResultRow> {
    /** Images per pipeline batch: bounds the scratch space for copied inputs. */
    static final int CHUNK = 32;

    private final JobSettings settings;
    private final HadoopConf conf;
    /** Busy milliseconds summed over tasks: decode, engine, encode (the pipeline's stages), store. */
    private final LongAccumulator[] stageMillis;

    UpscalePartition(JobSettings settings, HadoopConf conf, LongAccumulator[] stageMillis) {
        this.settings = settings;
        this.conf = conf;
        this.stageMillis = stageMillis;
    }

    /** What one task knows about itself. */
    private record Task(TaskContext tc, String executor, int attempt, String tag, String device) {}

    @Override
    public Iterator<ResultRow> call(Iterator<List<WorkItem>> groups) throws Exception {
        TaskContext tc = TaskContext.get();
        Task task = new Task(tc, SparkEnv.get() == null ? "?" : SparkEnv.get().executorId(),
                tc == null ? 0 : tc.attemptNumber(),
                settings.runId() + "-" + (tc == null ? "0-0" : tc.stageId() + "-" + tc.partitionId() + "-" + tc.taskAttemptId()),
                engineDevice(settings.device(), tc));
        List<ResultRow> rows = new ArrayList<>();
        java.nio.file.Path scratch = scratchFolder();
        try {
            List<WorkItem> chunk = new ArrayList<>();
            while (groups.hasNext()) {
                for (WorkItem item : groups.next()) {
                    chunk.add(item);
                    if (chunk.size() == CHUNK) {
                        chunk(chunk, task, scratch, rows);
                        chunk.clear();
                    }
                }
            }
            if (!chunk.isEmpty()) chunk(chunk, task, scratch, rows);
        } finally {
            deleteTree(scratch);
        }
        return rows.iterator();
    }

    private void chunk(List<WorkItem> items, Task task, java.nio.file.Path scratch, List<ResultRow> rows)
            throws IOException {
        // a killed task (the slower copy of a speculative pair, a cancelled job) stops between chunks
        if (task.tc() != null) task.tc().killTaskIfInterrupted();
        Configuration c = conf.get();
        Map<Integer, WorkItem> todo = new LinkedHashMap<>();
        Map<Integer, Long> started = new LinkedHashMap<>();
        List<ImageTask.Job> jobs = new ArrayList<>();
        for (WorkItem item : items) {
            long t0 = System.nanoTime();
            if (item.refused() != null) {
                rows.add(row(item, ResultRow.FAILED, item.refused(), 0, ms(t0), task, ""));
                continue;
            }
            Path target = new Path(item.output());
            FileStatus existing = new OutputStore(target.getFileSystem(c)).status(target);
            if (existing != null) {
                rows.add(existingRow(item, existing, ms(t0), task));
                continue;
            }
            java.nio.file.Path local;
            try {
                local = localCopy(new Path(item.input()), c, scratch);
            } catch (IOException e) {
                rows.add(row(item, ResultRow.FAILED, "cannot read the file: " + ImageTask.reason(e), 0, ms(t0), task, ""));
                continue;
            }
            int key = jobs.size();
            todo.put(key, item);
            started.put(key, t0);
            jobs.add(new ImageTask.Job(key, local, new Path(item.output()).getName()));
        }
        if (jobs.isEmpty()) return;
        EngineCache.Resident engine = EngineCache.get(task.device(), settings);
        ImageTask images = new ImageTask(engine.upscaler(), settings.fixedFormat());
        long[] storeNanos = new long[1];
        try {
            BatchResult r = images.run(jobs, scratch, (job, encoded, reason, millis) -> {
                WorkItem item = todo.get(job.key());
                if (encoded == null) {
                    rows.add(row(item, ResultRow.FAILED, reason, 0, millis, task, engine.device()));
                    return;
                }
                long s0 = System.nanoTime();
                rows.add(publish(item, Files.readAllBytes(encoded), reason, millis, task, engine.device()));
                storeNanos[0] += System.nanoTime() - s0;
            });
            add(0, r.decode().busySeconds() * 1000);
            add(1, r.device().busySeconds() * 1000);
            add(2, r.encode().busySeconds() * 1000);
            add(3, storeNanos[0] / 1e6);
        } finally {
            for (ImageTask.Job j : jobs) if (j.local().startsWith(scratch)) Files.deleteIfExists(j.local());
        }
    }

    private void add(int stage, double millis) {
        if (stageMillis != null) stageMillis[stage].add(Math.round(millis));
    }

    /** Publishes one encoded output (never over an existing file) and says how it went. */
    private ResultRow publish(WorkItem item, byte[] bytes, String note, long millis, Task task, String device)
            throws IOException {
        Path target = new Path(item.output());
        OutputStore store = new OutputStore(target.getFileSystem(conf.get()));
        long t0 = System.nanoTime();
        OutputStore.Outcome outcome;
        try {
            outcome = store.write(target, bytes, task.tag(),
                    () -> FaultInjection.beforePublish(item.input(), task.tc()));
        } catch (IOException e) {
            return row(item, ResultRow.FAILED, "cannot write " + target + ": " + ImageTask.reason(e), 0, millis, task,
                    device);
        }
        long storeMs = (System.nanoTime() - t0) / 1_000_000;
        if (outcome == OutputStore.Outcome.EXISTS) {
            FileStatus now = store.status(target);
            if (now != null) return existingRow(item, now, millis + storeMs, task);
        }
        return row(item, ResultRow.OK, note, bytes.length, millis + storeMs, task, device).stored(storeMs);
    }

    /**
     * An output that is already there: from an earlier run (skipped), or written during this run by another attempt
     * of the same task (a failed try or a speculative copy), which counts as done.
     */
    private ResultRow existingRow(WorkItem item, FileStatus existing, long millis, Task task) {
        if (existing.getModificationTime() >= settings.runStartMillis()) {
            return row(item, ResultRow.OK, "written by another attempt of this task", existing.getLen(), millis, task, "");
        }
        return row(item, ResultRow.SKIPPED, "output exists", existing.getLen(), millis, task, "");
    }

    private static ResultRow row(WorkItem item, String status, String reason, long outBytes, long millis, Task task,
                                 String device) {
        return new ResultRow(item.input(), item.output(), status, reason == null ? "" : reason, item.bytes(), outBytes,
                millis, task.executor(), device, task.attempt());
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
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
        // the name's end is kept: the pipeline's messages name the file, and its extension is the image's
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
