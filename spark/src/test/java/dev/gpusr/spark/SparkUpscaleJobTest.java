package dev.gpusr.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cli.Main;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job in local mode (local[2], up to 3 attempts per task) against gpu-sr's own CLI run in this JVM on the same
 * files: outputs must be the CLI's bytes under the CLI's names; bad files are rows with the CLI's reasons; a re-run
 * skips; an injected task failure is retried without partial or duplicate files; an unwritable output is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkUpscaleJobTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path in;

    @BeforeAll
    static void start() throws IOException {
        in = tmp.resolve("in");
        makeInputs(in);
        spark = SparkSession.builder().master("local[2,3]").appName("gpu-sr spark test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @Test
    @Order(6)
    void aRemoteStoreTakesTheCopyAndRenamePathWithTheSameResults() throws IOException {
        // hdfslike:// is local disk with HDFS's rename rule: inputs are copied to scratch, outputs renamed into place
        spark.sparkContext().hadoopConfiguration().set("fs." + HdfsLikeFileSystem.SCHEME + ".impl",
                HdfsLikeFileSystem.class.getName());
        Path out = tmp.resolve("out-hdfslike");
        Files.createDirectories(out.resolve("sub"));
        Files.writeString(out.resolve("sub/rgba.png"), "an earlier output, kept");
        Run r = job(HdfsLikeFileSystem.SCHEME + "://" + in, "-o", HdfsLikeFileSystem.SCHEME + "://" + out,
                "--device", "cpu", "-m", "x2");
        RunSummary s = r.outcome().summary();
        assertNotNull(s, r.err());
        assertEquals(6, s.ok(), r.err());
        assertEquals(1, s.skipped(), r.err());
        assertEquals(4, s.failed(), r.err());
        assertTrue(s.results().startsWith(HdfsLikeFileSystem.SCHEME + ":"), s.results());
        Map<String, byte[]> want = files(tmp.resolve("expected"));
        want.put("sub/rgba.png", "an earlier output, kept".getBytes(StandardCharsets.UTF_8));
        assertSameFiles(want, files(out));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
        System.clearProperty(FaultInjection.PROPERTY);
    }

    static void makeInputs(Path root) throws IOException {
        Random rnd = new Random(12);
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.createDirectories(root.resolve("bad"));
        ImageIO.write(noise(40, 30, BufferedImage.TYPE_INT_RGB, rnd), "png", root.resolve("top-rgb.png").toFile());
        ImageIO.write(noise(33, 27, BufferedImage.TYPE_BYTE_GRAY, rnd), "png", root.resolve("gray.png").toFile());
        ImageIO.write(noise(28, 24, BufferedImage.TYPE_INT_ARGB, rnd), "png", root.resolve("sub/rgba.png").toFile());
        ImageIO.write(noise(48, 36, BufferedImage.TYPE_INT_RGB, rnd), "jpeg", root.resolve("sub/photo.jpg").toFile());
        ImageIO.write(rgb16(26, 22, rnd), "png", root.resolve("sub/deeper/deep16.png").toFile());
        ImageIO.write(noise(20, 18, BufferedImage.TYPE_USHORT_GRAY, rnd), "png",
                root.resolve("sub/deeper/gray 16 bit.png").toFile());
        ImageIO.write(noise(21, 19, BufferedImage.TYPE_INT_RGB, rnd), "gif", root.resolve("sub/deeper/anim.gif").toFile());
        byte[] good = Files.readAllBytes(root.resolve("top-rgb.png"));
        Files.write(root.resolve("bad/truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.writeString(root.resolve("bad/not-an-image.jpg"), "just some text, not a JPEG\n");
        Files.write(root.resolve("bad/empty.png"), new byte[0]);
        ImageIO.write(noise(6, 6, BufferedImage.TYPE_INT_RGB, rnd), "png", root.resolve("bad/tiny.png").toFile());
        Files.writeString(root.resolve("sub/readme.txt"), "not an image name; never listed\n");
    }

    static BufferedImage noise(int w, int h, int type, Random rnd) {
        BufferedImage img = new BufferedImage(w, h, type);
        WritableRaster r = img.getRaster();
        int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < r.getNumBands(); b++) {
                    // smooth ramps plus noise: something a super-resolution network changes visibly
                    int v = (int) ((x * 7 + y * 5 + b * 40) % 256 / 255.0 * max);
                    v = Math.max(0, Math.min(max, v + rnd.nextInt(max / 8 + 1) - max / 16));
                    if (b == 3) v = 64 + rnd.nextInt(192);
                    r.setSample(x, y, b, v);
                }
            }
        }
        return img;
    }

    static BufferedImage rgb16(int w, int h, Random rnd) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {16, 16, 16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int b = 0; b < 3; b++) {
            r.setSample(x, y, b, (x * 2500 + y * 1700 + b * 9000 + rnd.nextInt(3000)) % 65536);
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** gpu-sr upscale -r on {@code root} (folders kept under {@code out}) in this JVM; returns its stderr. */
    static String cli(Path root, Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("upscale", "-r"));
        args.addAll(List.of(options));
        args.addAll(List.of(root.toString(), "-o", out.toString()));
        StringWriter sw = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(sw, true));
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            cl.execute(args.toArray(new String[0]));
        } finally {
            System.setErr(old);
        }
        return captured.toString(StandardCharsets.UTF_8) + sw;
    }

    /** Every regular file under {@code root} except the run tables, by relative path. */
    static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith(JobRunner.RUNS_FOLDER)) continue;
                m.put(rel, Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** A Hadoop path string (as the result table holds it) as a local path. */
    static Path local(String hadoopPath) {
        return Path.of(new org.apache.hadoop.fs.Path(hadoopPath).toUri());
    }

    record Run(UpscaleJob.Outcome outcome, String err) {}

    static Run job(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        UpscaleJob.Outcome o = UpscaleJob.execute(spark, err, args);
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Run(o, text);
    }

    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "output file names");
        for (String k : expected.keySet()) assertArrayEquals(expected.get(k), actual.get(k), "bytes of " + k);
    }

    @Test
    @Order(1)
    void outputsAreTheClisBytesBadFilesAreListedAndARerunSkips() throws IOException {
        Path expected = tmp.resolve("expected");
        String cliErr = cli(in, expected, "--device", "cpu", "-m", "x2");
        Path out = tmp.resolve("out");

        Run first = job(in.toString(), "-o", out.toString(), "--device", "cpu", "-m", "x2");
        assertEquals(Main.SOME_FAILED, first.outcome().exitCode(), first.err());
        RunSummary s = first.outcome().summary();
        assertNotNull(s, first.err());
        assertEquals(7, s.ok(), first.err());
        assertEquals(4, s.failed(), first.err());
        assertEquals(0, s.skipped());
        Map<String, byte[]> want = files(expected);
        assertEquals(7, want.size(), "the CLI's outputs: " + want.keySet());
        assertSameFiles(want, files(out));

        // each bad file is a row whose reason is the CLI's reason for it, word for word
        Map<String, String> reasons = new TreeMap<>();
        for (Row r : spark.read().parquet(s.results()).filter("status = 'failed'").select("input", "reason").collectAsList()) {
            reasons.put(new org.apache.hadoop.fs.Path(r.getString(0)).getName(), r.getString(1));
        }
        assertEquals(List.of("empty.png", "not-an-image.jpg", "tiny.png", "truncated.png"), new ArrayList<>(reasons.keySet()));
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            assertTrue(cliErr.contains(e.getKey() + ": " + e.getValue()), e + " not in the CLI's messages:\n" + cliErr);
            assertTrue(first.err().contains(e.getKey() + ": " + e.getValue()), "driver summary lists " + e);
        }
        assertTrue(reasons.get("truncated.png").contains("truncated"), reasons.toString());

        List<Row> okRows = spark.read().parquet(s.results()).filter("status = 'ok'")
                .select("device", "executor", "inputBytes", "outputBytes", "millis", "storeMs", "output").collectAsList();
        assertEquals(7, okRows.size());
        for (Row r : okRows) {
            assertTrue(r.getString(0).startsWith("cpu ("), r.toString()); // "cpu (2 threads)": the CPU engine
            assertEquals("driver", r.getString(1)); // local mode: the driver is the executor
            assertTrue(r.getLong(2) > 0 && r.getLong(5) <= r.getLong(4), r.toString());
            assertEquals(Files.size(local(r.getString(6))), r.getLong(3), r.toString());
        }

        Run second = job(in.toString(), "-o", out.toString(), "--device", "cpu", "-m", "x2");
        RunSummary s2 = second.outcome().summary();
        assertEquals(0, s2.ok(), second.err());
        assertEquals(7, s2.skipped(), second.err());
        assertEquals(4, s2.failed(), second.err());
        assertFalse(s2.results().equals(s.results()), "each run has its own result table");
        assertTrue(Files.isDirectory(local(s.results())), "first table kept");
        assertSameFiles(want, files(out));
        assertEquals(1, EngineCache.open(), "one resident engine for every task and partition of both runs");
    }

    @Test
    @Order(2)
    void aTaskThatFailsOnceIsRetriedWithoutPartialOrDuplicateOutputs() throws IOException {
        Path good = tmp.resolve("good");
        for (String f : List.of("top-rgb.png", "gray.png", "sub/rgba.png", "sub/photo.jpg", "sub/deeper/deep16.png")) {
            Files.createDirectories(good.resolve(f).getParent());
            Files.copy(in.resolve(f), good.resolve(f));
        }
        Path expected = tmp.resolve("expected-png");
        cli(good, expected, "--device", "cpu", "-m", "x2", "-f", "png", "--png-compression", "1");
        assertEquals(5, files(expected).size());
        Path out = tmp.resolve("out-retry");
        int before = FaultInjection.injected();
        System.setProperty(FaultInjection.PROPERTY, "sub/rgba.png");
        Run r;
        try {
            r = job(good.toString(), "-o", out.toString(), "--device", "cpu", "-m", "x2", "-f", "png", "--png-compression", "1", "--partitions", "2");
        } finally {
            System.clearProperty(FaultInjection.PROPERTY);
        }
        assertEquals(before + 1, FaultInjection.injected(), "the failure was injected once");
        assertEquals(Main.OK, r.outcome().exitCode(), r.err());
        RunSummary s = r.outcome().summary();
        assertEquals(5, s.ok(), r.err());
        assertEquals(0, s.failed() + s.skipped(), r.err());
        Map<String, byte[]> got = files(out);
        assertSameFiles(files(expected), got); // no temporary file left, nothing written twice under another name
        Row rgba = spark.read().parquet(s.results()).filter("input like '%sub/rgba.png'").first();
        assertEquals(1, rgba.<Integer>getAs("attempt"), "the row comes from the retried attempt");
        assertEquals("ok", rgba.getAs("status"));
    }

    @Test
    @Order(3)
    void anOutputLocationThatCannotBeWrittenFailsWithAClearMessage() throws IOException {
        Path blocker = tmp.resolve("a-regular-file");
        Files.writeString(blocker, "x");
        Run r = job(in.toString(), "-o", blocker.resolve("out").toString(), "--device", "cpu", "-m", "x2");
        assertEquals(Main.SOME_FAILED, r.outcome().exitCode());
        assertTrue(r.err().contains("cannot create output folder") && r.err().contains("a-regular-file is a file, not a folder"),
                r.err());
        Run onFile = job(in.toString(), "-o", blocker.toString(), "--device", "cpu");
        assertTrue(onFile.err().contains("is a file, not a folder"), onFile.err());
        assertEquals("x", Files.readString(blocker), "the file in the way is untouched");
    }

    @Test
    @Order(4)
    void refusesAnOutputInsideAnInputFolderAndBadOptions() {
        Run inside = job(in.toString(), "-o", in.resolve("sub/out").toString(), "--device", "cpu");
        assertEquals(Main.SOME_FAILED, inside.outcome().exitCode());
        assertTrue(inside.err().contains("is inside input folder"), inside.err());
        assertFalse(Files.exists(in.resolve("sub/out/gray.png")));

        Run quality = job(in.toString(), "-o", tmp.resolve("q").toString(), "-q", "0");
        assertEquals(Main.USAGE, quality.outcome().exitCode());
        assertTrue(quality.err().contains("--quality must be 1..100"), quality.err());
        Run model = job(in.toString(), "-o", tmp.resolve("m").toString(), "-m", "x7");
        assertEquals(Main.USAGE, model.outcome().exitCode());
        assertTrue(model.err().contains("no bundled model for x7"), model.err());
    }

    @Test
    @Order(5)
    void globsAndFiltersSelectInputsAndMissingInputsAreRows() throws IOException {
        Path out = tmp.resolve("out-glob");
        Run r = job(in.resolve("sub").toString() + "/*", "-o", out.toString(), "--glob", "*.png", "--method",
                "bicubic", "-s", "2", in.resolve("no-such-folder").toString());
        RunSummary s = r.outcome().summary();
        assertNotNull(s, r.err());
        // sub/rgba.png and sub/deeper/{deep16.png, gray 16 bit.png}; not photo.jpg, anim.gif or readme.txt
        assertEquals(3, s.ok(), r.err());
        assertEquals(1, s.failed(), r.err());
        assertTrue(r.err().contains("no-such-folder: no such file or folder"), r.err());
        assertEquals(List.of("deeper/deep16.png", "deeper/gray 16 bit.png", "rgba.png"),
                new ArrayList<>(files(out).keySet()));
    }
}
