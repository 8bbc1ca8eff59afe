package dev.gpusr.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The driver side of a run: checks the output location, plans the inputs, runs the tasks, writes the result table to
 * {@code OUT/_gpu-sr-runs/RUN_ID} (Parquet, never overwritten) and summarises it.
 */
final class JobRunner {
    /** Folder beside the outputs holding one result table per run; '_' keeps it out of Spark's input listings. */
    static final String RUNS_FOLDER = "_gpu-sr-runs";

    private JobRunner() {}

    static RunSummary run(SparkSession spark, List<String> inputs, String output, String glob, int partitions,
                          JobSettings s, PrintStream err) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path out = prepareOutput(new Path(output), conf, s.runId());
        int n = partitions > 0 ? partitions : 2 * spark.sparkContext().defaultParallelism();
        InputPlan plan = InputPlan.make(spark, inputs, glob, out, s.fixedFormat(), n);
        for (String m : plan.missing) err.println("gpu-sr-spark: " + m + ": no such file or folder");
        if (plan.images == 0) throw new JobException("no images to upscale in " + String.join(", ", inputs));
        err.printf(java.util.Locale.ROOT, "gpu-sr-spark: run %s: %d images (%.1f MB) in %d tasks -> %s%n", s.runId(),
                plan.images, plan.bytes / 1e6, plan.groups.size(), out);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LongAccumulator[] stages = new LongAccumulator[RunSummary.STAGES.length];
        for (int i = 0; i < stages.length; i++) stages[i] = jsc.sc().longAccumulator("gpu-sr " + RunSummary.STAGES[i] + " ms");
        JavaRDD<ResultRow> rows = jsc.parallelize(plan.groups, plan.groups.size())
                .mapPartitions(new UpscalePartition(s, new HadoopConf(conf), stages));
        String results = new Path(new Path(out, RUNS_FOLDER), s.runId()).toString();
        long t0 = System.nanoTime();
        jsc.setJobDescription("gpu-sr upscale " + s.runId());
        // One shuffle to a single writer: the upscaling stage keeps all its tasks, the table gets one file.
        spark.createDataset(rows.rdd(), Encoders.bean(ResultRow.class)).repartition(1)
                .write().mode(SaveMode.ErrorIfExists).parquet(results);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] stageMillis = new long[stages.length];
        for (int i = 0; i < stages.length; i++) stageMillis[i] = stages[i].value();
        return summarize(spark, s.runId(), results, seconds, stageMillis);
    }

    /**
     * Creates the output folder and proves it writable (a probe file written and removed), or fails with one line
     * saying why: a path under a regular file, a file where the folder should be, no permission.
     */
    static Path prepareOutput(Path out, Configuration conf, String runId) {
        FileSystem fs;
        Path q;
        try {
            fs = out.getFileSystem(conf);
            q = fs.makeQualified(out);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobException("output location " + out + " cannot be used: " + ImageTask.reason(e));
        }
        try {
            FileStatus st = statusOrNull(fs, q);
            if (st != null && !st.isDirectory()) {
                throw new JobException("output location " + q + " is a file, not a folder");
            }
            for (Path p = q.getParent(); st == null && p != null; p = p.getParent()) {
                FileStatus ps = statusOrNull(fs, p);
                if (ps == null) continue;
                if (!ps.isDirectory()) {
                    throw new JobException("cannot create output folder " + q + ": " + p + " is a file, not a folder");
                }
                break;
            }
            if (!fs.mkdirs(q)) throw new JobException("cannot create output folder " + q);
            Path probe = new Path(q, "_gpu-sr-write-probe-" + runId);
            try (FSDataOutputStream o = fs.create(probe, false)) {
                o.write(0);
            }
            fs.delete(probe, false);
        } catch (JobException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new JobException("output location " + q + " is not writable: " + ImageTask.reason(e));
        }
        return q;
    }

    private static FileStatus statusOrNull(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    static RunSummary summarize(SparkSession spark, String runId, String results, double seconds, long[] stages) {
        Dataset<ResultRow> table = spark.read().parquet(results).as(Encoders.bean(ResultRow.class));
        long ok = 0, failed = 0, skipped = 0, in = 0, out = 0;
        Map<String, long[]> perExecutor = new TreeMap<>();
        for (Row r : table.groupBy("executor", "status").agg(
                org.apache.spark.sql.functions.count("*"),
                org.apache.spark.sql.functions.sum("inputBytes"),
                org.apache.spark.sql.functions.sum("outputBytes")).collectAsList()) {
            String status = r.getString(1);
            long c = r.getLong(2);
            int k = ResultRow.OK.equals(status) ? 0 : ResultRow.FAILED.equals(status) ? 1 : 2;
            perExecutor.computeIfAbsent(r.getString(0), e -> new long[3])[k] += c;
            if (k == 0) {
                ok += c;
                in += r.isNullAt(3) ? 0 : r.getLong(3);
                out += r.isNullAt(4) ? 0 : r.getLong(4);
            } else if (k == 1) {
                failed += c;
            } else {
                skipped += c;
            }
        }
        List<String> failures = new ArrayList<>();
        // only the first failures reach the driver; the table holds them all
        for (Row r : table.filter("status = 'failed'").select("input", "reason").orderBy("input")
                .limit(RunSummary.FAILURES_SHOWN).collectAsList()) {
            failures.add(r.getString(0) + ": " + r.getString(1));
        }
        return new RunSummary(runId, results, ok, failed, skipped, in, out, seconds, perExecutor, failures, stages);
    }
}
