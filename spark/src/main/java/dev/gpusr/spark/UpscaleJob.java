package dev.gpusr.spark;

import dev.gpusr.cli.Main;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.device.Engines;
import dev.gpusr.engine.Upscaler;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.model.BundledModels;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Spark job: {@code spark-submit --class dev.gpusr.spark.UpscaleJob gpu-sr-spark.jar IN... -o OUT [options]}.
 * Options are those of {@code gpu-sr upscale}; outputs are byte-identical to it. Exit codes as the CLI's: 0 all done
 * (or skipped), 1 some images failed or nothing to do, 2 usage, 3 engine unavailable.
 */
@Command(name = "gpu-sr-spark", mixinStandardHelpOptions = true,
        description = {"Enlarge a dataset of images by K with SRCNN on a Spark cluster, one resident engine per executor"
                + " GPU (or the CPU).",
                "Folders are read recursively; outputs keep their path below the input folder; existing outputs are"
                        + " skipped, so a re-run does only what is missing."})
public final class UpscaleJob implements Callable<Integer> {
    @Option(names = {"-s", "--scale"}, paramLabel = "K", description = "Enlargement factor (2, 3, 4). Default: the model's, else 3.")
    Integer scale;

    @Option(names = {"-m", "--model"}, paramLabel = "x2|x3|x4|FILE",
            description = "Bundled model or a .safetensors file readable on every executor. Default: the bundled model for K.")
    String model;

    @Option(names = "--method", defaultValue = "srcnn", description = "srcnn or bicubic. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|N",
            description = "auto: the task's GPU from Spark's resource scheduling, else gpu-sr's auto (GPU 0 when usable,"
                    + " else the CPU); gpu: the task's GPU (fails without one); cpu; or a GPU index. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--math", defaultValue = "fma", paramLabel = "fma|tf32",
            description = "GPU convolution math: fma (true fp32, matches the CPU) or tf32 (tensor cores). Default: ${DEFAULT-VALUE}.")
    String math;

    @Option(names = "--deterministic", description = "GPU: only algorithms cuDNN reports as deterministic (bit-identical reruns).")
    boolean deterministic;

    @Option(names = {"-f", "--format"}, paramLabel = "png|jpg|bmp|tiff", description = "Output format. Default: the input's (png for gif).")
    String format;

    @Option(names = {"-q", "--quality"}, defaultValue = "95", description = "JPEG quality 1-100. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--png-compression", defaultValue = "" + WriteOptions.DEFAULT_PNG_COMPRESSION, paramLabel = "0-9",
            description = "PNG zlib level: 1 fastest, 9 smallest. Default: ${DEFAULT-VALUE} (Pillow's default).")
    int pngCompression;

    @Option(names = "--max-pixels", defaultValue = "" + ImageReader.DEFAULT_MAX_PIXELS, paramLabel = "N",
            description = "Refuse inputs with more pixels than this, from the header. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--glob", paramLabel = "PATTERN",
            description = "Only files whose name matches (Spark's pathGlobFilter, e.g. '*.png'). Default: png, jpg,"
                    + " jpeg, bmp, tif, tiff, gif by extension.")
    String glob;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Tasks to split the inputs into, by equal byte totals. Default: 2 x spark.default.parallelism.")
    int partitions;

    @Option(names = "--tile", defaultValue = "" + Upscaler.DEFAULT_TILE, paramLabel = "PIXELS", hidden = true)
    int tile;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files, folders or globs (any Hadoop file system URI).")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output folder (any Hadoop file system URI).")
    String output;

    /** Set by {@link #execute}: the session to run in (tests, embedders); null means get or create one. */
    private SparkSession session;
    private PrintStream err = System.err;
    private RunSummary summary;

    /** The validated settings every task gets; throws JobException (exit 2) for bad options. */
    JobSettings settings(String runId, long startMillis) {
        if (quality < 1 || quality > 100) throw usage("--quality must be 1..100, got " + quality);
        if (scale != null && (scale < 1 || scale > 8)) throw usage("--scale must be 1..8, got " + scale);
        if (pngCompression < 0 || pngCompression > 9) {
            throw usage("--png-compression must be 0..9, got " + pngCompression);
        }
        if (maxPixels < 1) throw usage("--max-pixels must be positive, got " + maxPixels);
        if (partitions < 0) throw usage("--partitions must be >= 0, got " + partitions);
        if (!method.equals("srcnn") && !method.equals("bicubic")) throw usage("--method takes srcnn or bicubic, got " + method);
        boolean bicubic = method.equals("bicubic");
        if (bicubic && model != null) throw usage("--model is for --method srcnn; bicubic takes only --scale");
        if (format != null) {
            try {
                ImageFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        String d = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("auto") && !d.equals("cpu") && !d.equals("gpu") && !d.matches("[0-9]+")) {
            throw usage("--device takes auto, cpu, gpu or a GPU index, got '" + device + "'");
        }
        try {
            CudaOptions.MathMode.parse(math);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!bicubic) {
            try {
                BundledModels.load(model, scale == null ? 0 : scale); // fail on the driver, before any task
            } catch (IOException e) {
                throw usage(e.getMessage());
            }
        }
        return new JobSettings(bicubic, scale, model, d, format, quality, pngCompression, maxPixels, tile, math,
                deterministic, runId, startMillis);
    }

    private static JobException usage(String message) {
        return new JobException(message, Main.USAGE);
    }

    static String newRunId(Instant now) {
        String t = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
        return t + "-" + Long.toString(new SecureRandom().nextInt(36 * 36 * 36 * 36), 36);
    }

    @Override
    public Integer call() {
        Instant start = Instant.now();
        try {
            JobSettings s = settings(newRunId(start), start.toEpochMilli());
            SparkSession spark = session != null ? session : SparkSession.builder().appName("gpu-sr upscale")
                    .master(System.getProperty("spark.master", "local[*]")).getOrCreate();
            summary = JobRunner.run(spark, inputs, output, glob, partitions, s, err);
            summary.print(err);
            return summary.failed() > 0 ? Main.SOME_FAILED : Main.OK;
        } catch (JobException e) {
            err.println("gpu-sr-spark: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("gpu-sr-spark: " + ImageTask.reason(e));
            return Main.SOME_FAILED;
        } catch (RuntimeException e) {
            Throwable engine = causeOf(e, Engines.EngineUnavailableException.class);
            if (engine != null) {
                err.println("gpu-sr-spark: " + engine.getMessage());
                return Main.ENGINE_UNAVAILABLE;
            }
            if (causeOf(e, SparkException.class) != null) {
                err.println("gpu-sr-spark: the Spark job failed: " + ImageTask.reason(e));
                return Main.SOME_FAILED;
            }
            throw e;
        }
    }

    private static Throwable causeOf(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return c;
        return null;
    }

    /** A finished run: the exit code and, when the run got that far, its summary. */
    public record Outcome(int exitCode, RunSummary summary) {}

    /** Runs the job in an existing session (tests, embedders), messages to {@code err}. */
    public static Outcome execute(SparkSession spark, PrintStream err, String... args) {
        UpscaleJob job = new UpscaleJob();
        job.session = spark;
        job.err = err;
        CommandLine cl = new CommandLine(job);
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, job.summary);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new UpscaleJob()).execute(args);
        if (SparkSession.getActiveSession().isDefined()) SparkSession.getActiveSession().get().stop();
        System.exit(code);
    }
}
