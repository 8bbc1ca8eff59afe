package dev.gpusr.spark;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's plan: which files to upscale (listed with Spark's binaryFile source, recursively, names and sizes
 * only: no image bytes reach the driver), where each output goes, and how they are grouped into tasks of about equal
 * byte totals.
 *
 * <p>An output keeps the input's path below its root: the folder given, or for a glob the folder before its first
 * wildcard, or for a single file its folder. So {@code in/a/b.png} given as {@code in} lands at {@code out/a/b.png}.
 */
final class InputPlan {
    final List<List<WorkItem>> groups;
    final int images;
    final long bytes;
    /** INPUT arguments that matched nothing (each also a failed row). */
    final List<String> missing;

    private InputPlan(List<List<WorkItem>> groups, int images, long bytes, List<String> missing) {
        this.groups = groups;
        this.images = images;
        this.bytes = bytes;
        this.missing = missing;
    }

    /** Globs in Hadoop paths: *, ?, [...] and {a,b}. */
    static boolean hasGlob(String s) {
        for (char ch : s.toCharArray()) if (ch == '*' || ch == '?' || ch == '[' || ch == '{') return true;
        return false;
    }

    /**
     * Lists the inputs and plans the run. {@code out} is the qualified output folder; a folder input that contains
     * it is refused (the outputs would be inputs of the next run).
     */
    static InputPlan make(SparkSession spark, List<String> inputs, String glob, Path out, ImageFormat fixed,
                          int partitions) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<String> load = new ArrayList<>();
        Map<String, String> roots = new LinkedHashMap<>(); // listed path -> the root outputs are relative to
        List<String> missing = new ArrayList<>();
        for (String arg : inputs) {
            Path p = new Path(arg);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                missing.add(arg);
                continue;
            }
            Path globRoot = hasGlob(arg) ? fs.makeQualified(globFreePrefix(p)) : null;
            for (FileStatus m : matches) {
                Path q = fs.makeQualified(m.getPath());
                if (m.isDirectory() && isUnder(out, q)) {
                    throw new JobException("output folder " + out + " is inside input folder " + q
                            + ": its outputs would become inputs; choose another output location");
                }
                Path root = globRoot != null ? globRoot : m.isDirectory() ? q : q.getParent();
                if (roots.putIfAbsent(q.toString(), root.toString()) == null) load.add(q.toString());
            }
        }
        TreeMap<String, Long> files = new TreeMap<>();
        if (!load.isEmpty()) {
            var reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
            if (glob != null) reader = reader.option("pathGlobFilter", glob);
            Dataset<Row> listing = reader.load(load.toArray(new String[0]));
            // The scan gives sizes but drops empty files (no split to read); the file index behind it lists them all.
            for (String uri : listing.inputFiles()) files.put(new Path(URI.create(uri)).toString(), 0L);
            for (Row r : listing.select("path", "length").collectAsList()) files.put(new Path(r.getString(0)).toString(), r.getLong(1));
            if (glob == null) {
                files.keySet().removeIf(f -> !ImageReader.hasImageExtension(java.nio.file.Path.of(new Path(f).getName())));
            }
        }
        List<WorkItem> items = new ArrayList<>();
        Map<String, String> claimed = new HashMap<>();
        long total = 0;
        for (Map.Entry<String, Long> f : files.entrySet()) {
            String root = rootOf(f.getKey(), roots);
            String rel = f.getKey().substring(root.length()).replaceFirst("^/+", "");
            int slash = rel.lastIndexOf('/');
            String dir = slash < 0 ? "" : rel.substring(0, slash);
            String name = ImageTask.outputName(rel.substring(slash + 1), fixed);
            String target = (dir.isEmpty() ? new Path(out, name) : new Path(new Path(out, dir), name)).toString();
            String earlier = claimed.putIfAbsent(target, f.getKey());
            String refused = earlier == null ? null
                    : "output " + target + " is also the output of " + earlier + " in this run; skipped";
            items.add(new WorkItem(f.getKey(), f.getValue(), target, refused));
            total += f.getValue();
        }
        for (String m : missing) items.add(new WorkItem(m, 0, "", "no such file or folder"));
        int n = Math.max(1, Math.min(partitions, items.size()));
        return new InputPlan(balance(items, n), files.size(), total, missing);
    }

    /**
     * Longest-processing-time-first: the largest file goes to the group with the smallest byte total so far, so the
     * groups' totals differ by at most about one file. Each group is then in path order.
     */
    static List<List<WorkItem>> balance(List<WorkItem> items, int n) {
        List<List<WorkItem>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) groups.add(new ArrayList<>());
        long[] load = new long[n];
        PriorityQueue<Integer> lightest = new PriorityQueue<>(
                Comparator.<Integer>comparingLong(i -> load[i]).thenComparingInt(i -> i));
        for (int i = 0; i < n; i++) lightest.add(i);
        List<WorkItem> bySize = new ArrayList<>(items);
        bySize.sort(Comparator.comparingLong(WorkItem::bytes).reversed().thenComparing(WorkItem::input));
        for (WorkItem w : bySize) {
            int g = lightest.poll();
            groups.get(g).add(w);
            load[g] += Math.max(1, w.bytes());
            lightest.add(g);
        }
        for (List<WorkItem> g : groups) g.sort(Comparator.comparing(WorkItem::input));
        return groups;
    }

    private static String rootOf(String file, Map<String, String> roots) {
        String best = null;
        for (Map.Entry<String, String> e : roots.entrySet()) {
            String listed = e.getKey();
            if ((file.equals(listed) || file.startsWith(listed + "/")) && (best == null || listed.length() > best.length())) {
                best = listed;
            }
        }
        if (best == null) throw new IllegalStateException("listed file " + file + " is under no input");
        return roots.get(best);
    }

    private static Path globFreePrefix(Path p) {
        Path cur = p;
        Path prefix = null;
        while (cur != null) {
            if (!hasGlob(cur.toString())) {
                prefix = cur;
                break;
            }
            cur = cur.getParent();
        }
        return prefix == null ? new Path("/") : prefix;
    }

    static boolean isUnder(Path child, Path folder) {
        String c = child.toString();
        String f = folder.toString();
        return c.equals(f) || c.startsWith(f.endsWith("/") ? f : f + "/");
    }
}
