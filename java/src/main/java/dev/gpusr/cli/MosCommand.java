package dev.gpusr.cli;

import dev.gpusr.mos.MosChart;
import dev.gpusr.mos.MosReport;
import dev.gpusr.mos.MosStatistics;
import dev.gpusr.mos.RatingServer;
import dev.gpusr.mos.RatingStore;
import dev.gpusr.mos.Study;
import dev.gpusr.mos.StudyMethods;
import dev.gpusr.mos.StudyPreparer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mos", mixinStandardHelpOptions = true,
        description = {"Mean opinion score studies: prepare the images, serve a blind rating page, report MOS with 95%% CIs.",
                "  gpu-sr mos prepare --scale 3 --methods bicubic,srcnn photos/ -o study",
                "  gpu-sr mos serve study --db ratings.db",
                "  gpu-sr mos report --db ratings.db --plot mos.png"},
        subcommands = {MosCommand.Prepare.class, MosCommand.Serve.class, MosCommand.Report.class})
final class MosCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: prepare, serve or report");
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = {"Make a blind rating study from HR images.",
                    "Each image is cropped to a multiple of K and shrunk by K (MATLAB bicubic: the evaluation protocol),",
                    "then enlarged by every method; the cropped original is kept as the reference. Images get random ids",
                    "(file names say nothing of the method); manifest.json lists them with their SHA-256."})
    static final class Prepare implements Callable<Integer> {
        @Option(names = {"-s", "--scale"}, required = true, paramLabel = "K", description = ScaleOption.HELP)
        int scale;

        @Option(names = "--methods", split = ",", defaultValue = "bicubic,srcnn", paramLabel = "M",
                description = "bicubic, srcnn (the bundled model for K), original (the hidden reference, rated blindly) or "
                        + "MODEL.safetensors (named after the file). Default: ${DEFAULT-VALUE}.")
        List<String> methods;

        @Mixin
        EngineOptions engine;

        @Option(names = "--max-pixels", defaultValue = "100000000", paramLabel = "N", description = "Refuse larger inputs. Default: ${DEFAULT-VALUE}.")
        long maxPixels;

        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "HR image files or folders.")
        List<Path> inputs;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "STUDY", description = "A new or empty folder.")
        Path output;

        @Override
        public Integer call() {
            ScaleOption.check(scale);
            if (scale == 1) throw new UsageException("--scale 1 leaves the images as they are: nothing to compare");
            if (maxPixels < 1) throw new UsageException("--max-pixels must be positive, got " + maxPixels);
            PrintStream err = System.err;
            Inputs in = Inputs.collect(inputs, err);
            StudyMethods ms;
            try {
                ms = StudyMethods.open(methods, scale, engine::open);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            try (ms) {
                StudyPreparer.Outcome out = StudyPreparer.prepare(in.files, ms, output, maxPixels, err);
                in.failures.addAll(out.failures());
                if (out.study() == null) {
                    err.println("gpu-sr mos: no image could be used; no study was written");
                    return Main.SOME_FAILED;
                }
                Study s = out.study();
                err.printf("gpu-sr mos: study %s in %s: %d sources x %d methods = %d images to rate (x%d)%n", s.id(), output,
                        s.sources().size(), s.methods().size(), s.rated().size(), s.scale());
                return in.failures.isEmpty() ? Main.OK : Main.SOME_FAILED;
            } catch (IOException e) {
                err.println("gpu-sr mos: " + e.getMessage());
                return Main.SOME_FAILED;
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the blind rating page (absolute category rating 1-5) until stopped (Ctrl-C).",
                    "Ratings go to an SQLite file (created, or appended to). Binds 127.0.0.1 unless --host.",
                    "A rater rates each image once; a second rating of the same image is refused, the first one stands."})
    static final class Serve implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "STUDY", description = "A study folder from gpu-sr mos prepare.")
        Path study;

        @Option(names = "--db", required = true, paramLabel = "FILE", description = "The ratings database (SQLite).")
        Path db;

        @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "TCP port (0: any free port). Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "H",
                description = "Address to bind, e.g. 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
        String host;

        @Override
        public Integer call() throws InterruptedException {
            if (port < 0 || port > 65535) throw new UsageException("--port must be 0..65535, got " + port);
            PrintStream err = System.err;
            Study s;
            try {
                s = Study.read(study);
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            RatingStore store;
            try {
                store = RatingStore.open(db);
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            RatingServer server;
            try {
                server = RatingServer.start(s, store, host, port, err);
            } catch (IOException e) {
                store.close();
                throw new UsageException(e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                store.close();
                stopped.countDown();
            }, "gpu-sr mos shutdown"));
            err.printf("gpu-sr mos: study %s (%d images per rater) at %s ; ratings in %s ; Ctrl-C stops%n", s.id(),
                    s.rated().size(), server.url(), db);
            stopped.await();
            return Main.OK;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"MOS per method and per image with 95%% confidence intervals (Student's t).",
                    "Also rater counts and rater screening: each rater's Pearson r with the other raters' mean score on the",
                    "same images; raters below --min-correlation, or with one score for everything, are dropped."})
    static final class Report implements Callable<Integer> {
        @Option(names = "--db", required = true, paramLabel = "FILE", description = "The ratings database.")
        Path db;

        @Option(names = "--study", paramLabel = "STUDY", description = "Study folder or id; needed when the database holds several.")
        String study;

        @Option(names = "--json", description = "Print exactly one JSON object on stdout instead of the tables.")
        boolean json;

        @Option(names = "--plot", paramLabel = "FILE.png", description = "Also write a bar chart of the MOS per method with 95%% CIs.")
        Path plot;

        @Option(names = "--min-correlation", defaultValue = "" + MosStatistics.DEFAULT_MIN_CORRELATION, paramLabel = "R",
                description = "Screening threshold on Pearson r. Default: ${DEFAULT-VALUE}.")
        double minCorrelation;

        @Option(names = "--no-screening", description = "Keep every rater.")
        boolean noScreening;

        @Override
        public Integer call() {
            if (!(minCorrelation >= -1 && minCorrelation <= 1)) throw new UsageException("--min-correlation must be -1..1, got " + minCorrelation);
            if (!java.nio.file.Files.isRegularFile(db)) throw new UsageException("database " + db + " does not exist");
            if (plot != null) refuseToReplace(plot, db);
            MosReport report;
            try (RatingStore store = RatingStore.open(db)) {
                report = MosReport.of(store, study, noScreening ? Double.NaN : minCorrelation);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (json) System.out.println(report.json());
            else System.out.print(report.text());
            if (plot != null) {
                System.setProperty("java.awt.headless", "true");
                try {
                    MosChart.write(report, plot);
                } catch (IOException e) {
                    System.err.println("gpu-sr mos: cannot write " + plot + ": " + e.getMessage());
                    return Main.SOME_FAILED;
                }
            }
            if (report.result().methods().isEmpty()) System.err.println("gpu-sr mos: no ratings (kept) in this study yet");
            return Main.OK;
        }

        /** The chart may replace an earlier chart (a PNG file), never the database or any other file. */
        private static void refuseToReplace(Path plot, Path db) {
            if (!java.nio.file.Files.exists(plot)) return;
            try {
                if (java.nio.file.Files.isSameFile(plot, db)) throw new UsageException("--plot " + plot + " is the database");
                byte[] head = new byte[8];
                int n;
                try (var in = java.nio.file.Files.newInputStream(plot)) {
                    n = in.readNBytes(head, 0, 8);
                }
                boolean png = n == 8 && java.util.Arrays.equals(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
                if (!png || java.nio.file.Files.isDirectory(plot)) {
                    throw new UsageException("--plot " + plot + " exists and is not a PNG file; it was not replaced");
                }
            } catch (IOException e) {
                throw new UsageException("--plot " + plot + ": " + e.getMessage());
            }
        }
    }
}
