package dev.gpusr.cli;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.device.Engines;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.train.Checkpoint;
import dev.gpusr.train.ImageFolder;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.train.LrSchedule;
import dev.gpusr.train.PatchDataset;
import dev.gpusr.train.TrainingMemory;
import dev.gpusr.train.Trainer;
import dev.gpusr.train.TrainingState;
import dev.gpusr.train.ValidationSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gpu-sr train}: trains an SRCNN on the sub-images of a folder of high-resolution pictures, as the paper does,
 * with checkpoints that continue exactly. Exit codes: 0 done (or stopped by Ctrl-C after writing a checkpoint), 1
 * failure, 2 usage error, 3 engine unavailable.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an SRCNN on 33x33 sub-images of the high-resolution images in a folder (the paper's "
                + "recipe: bicubic-degraded input, MSE on Y, SGD with momentum 0.9 at 1e-4/1e-4/1e-5).",
            "Checkpoints hold weights, optimizer state and the shuffling generator: --resume continues exactly "
                + "(bit for bit on the CPU; on a GPU with --deterministic). Ctrl-C writes a "
                + "checkpoint and stops."})
public final class TrainCommand implements Callable<Integer> {
    private static final int DEFAULT_BATCH = 128;
    private static final double DEFAULT_INIT_STD = 0.001;
    private static final long DEFAULT_SEED = 1;
    private static final float DEFAULT_MOMENTUM = 0.9f;

    @Spec
    CommandSpec spec;

    @Option(names = "--scale", required = true, paramLabel = "K", description = "Upscaling factor, " + ScaleOption.RANGE + ".")
    int scale;

    @Option(names = "--train", required = true, paramLabel = "DIR",
            description = "Folder of high-resolution training images (sub-folders included).")
    Path trainDir;

    @Option(names = "--val", paramLabel = "DIR", description = "Folder of validation images (e.g. Set5), scored by "
            + "PSNR/SSIM on Y with the SRCNN protocol.")
    Path valDir;

    @Mixin
    TrainOptions.Length length = new TrainOptions.Length();

    @Option(names = "--batch", paramLabel = "B", description = "Sub-images per update (default " + DEFAULT_BATCH + ").")
    Integer batch;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", converter = TrainOptions.OptimizerKind.class,
            description = "Optimizer (default sgd).")
    OptimizerConfig.Kind optimizerKind;

    @Option(names = "--lr", paramLabel = "LIST", converter = TrainOptions.LayerRates.Converter.class,
            description = "Learning rate: one for all layers or three comma-separated (default 1e-4,1e-4,1e-5).")
    TrainOptions.LayerRates lr;

    @Option(names = "--lr-schedule", paramLabel = "constant|cosine|step", converter = TrainOptions.ScheduleKind.class,
            description = "How the learning rate changes: constant (default), cosine (down to ~0 at the last step) or "
            + "step (x0.1 at --lr-steps, else at 1/2 and 3/4 of the run).")
    LrSchedule.Kind lrSchedule;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Ramp the learning rate up linearly over the first "
            + "STEPS updates (default 0).")
    Long warmup;

    @Option(names = "--lr-steps", paramLabel = "LIST", converter = TrainOptions.Milestones.Converter.class,
            description = "Step schedule: the update counts where the rate drops x0.1, comma-separated.")
    TrainOptions.Milestones lrSteps;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default 0.9).")
    Float momentum;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation and shuffling (default "
            + DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from existing weights (e.g. fine-tune x2 "
            + "from x3) with a fresh optimizer; a larger odd --f1/--f2/--f3 grows the model's filters (zero taps "
            + "around them: the same image to start from).")
    Path init;

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    @Option(names = "--threads", paramLabel = "N", description = "CPU engine threads (default: all processors).")
    Integer threads;

    @Mixin
    TrainOptions.Architecture architecture = new TrainOptions.Architecture();

    @Option(names = "--patch", paramLabel = "P", description = "Sub-image size (default " + PatchDataset.DEFAULT_PATCH
            + ").")
    Integer patch;

    @Option(names = "--stride", paramLabel = "S", description = "Sub-image stride (default "
            + PatchDataset.DEFAULT_STRIDE + ").")
    Integer stride;

    @Option(names = "--augment", paramLabel = "all|flips|scales|none", arity = "0..1", fallbackValue = "all",
            converter = TrainOptions.AugmentKind.class, description = "Augmentation: all (the default when given "
            + "without a value) trains also on the images shrunk by 0.9..0.6 and flips/rotates each sub-image at "
            + "random per epoch; flips or scales only one of the two; none (the default without --augment, or the "
            + "resumed run's).")
    PatchDataset.Augment augment;

    @Option(names = "--labels", paramLabel = "centre|full", converter = TrainOptions.Labels.class, description = "What the loss covers: the label's centre, "
            + "without the model's halo on every side (the paper's 21x21 of a 33x33 sub-image for 9-1-5: pixels no "
            + "zero padding reaches; CPU engine only), or the full sub-image (default: full, or the resumed run's).")
    TrainOptions.Labels.Kind labels;

    @Option(names = "--init-std", paramLabel = "STD", description = "Std of the Gaussian initial weights (default "
            + DEFAULT_INIT_STD + ").")
    Double initStd;

    @Option(names = "--init-scheme", paramLabel = "gaussian|he", converter = TrainOptions.InitScheme.class,
            description = "Fresh weights: gaussian (the paper's N(0, STD^2), default) or he (N(0, 2/fan_in), 1/fan_in "
                    + "for the last layer: fewer dead ReLU units).")
    TrainOptions.InitScheme.Kind initScheme;

    @Option(names = "--val-every", paramLabel = "N", description = "Validate every N steps (default: every epoch; "
            + "always at the end).")
    Long valEvery;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "10",
            description = "Read the loss every N steps (default 10; reading makes a GPU wait).")
    int logEvery;

    @ArgGroup(exclusive = false, heading = "%nCheckpoints:%n")
    TrainOptions.Checkpoints checkpoints = new TrainOptions.Checkpoints();

    @Option(names = "--overwrite", description = "Replace an existing -o model or checkpoint (never a training or "
            + "validation image).")
    boolean overwrite;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Metrics written as training runs, one JSON line "
            + "per --metrics-every steps and per validation: step, loss, lr, val PSNR/SSIM, sub-images/s (default "
            + "<output>.metrics.jsonl).")
    Path metrics;

    @Option(names = "--metrics-every", paramLabel = "N", defaultValue = "100",
            description = "Steps between metrics lines (default 100; validations and checkpoints add lines).")
    long metricsEvery;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the training loss and validation PSNR "
            + "against the step (bicubic as a line), redrawn at each validation.")
    Path plot;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL.safetensors",
            description = "The trained model: the best-validating weights with --val (written when they are reached "
                    + "and at the end), else the last.")
    Path output;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    public TrainCommand() {
        this(System.out, System.err, System.console() != null);
    }

    /** For tests and embedding: where messages go, and whether the progress line may redraw itself with '\r'. */
    public TrainCommand(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** A failure to report in one line (exit 1). */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        try {
            return train();
        } catch (Failure | IOException | Trainer.DivergedException | IllegalArgumentException e) {
            err.println("gpu-sr train: " + e.getMessage());
            return Main.SOME_FAILED;
        } catch (Engines.EngineUnavailableException e) {
            err.println("gpu-sr train: " + e.getMessage());
            return Main.ENGINE_UNAVAILABLE;
        } catch (UsageException e) {
            err.println("gpu-sr train: " + e.getMessage());
            return Main.USAGE;
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int train() throws Failure, IOException {
        checkUsage();
        Path resume = checkpoints.resume;
        Path checkpointFile = checkpoints.fileFor(output);
        if (checkpointFile.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw usage("--checkpoint and -o name the same file");
        }
        OutputFiles.checkWritable(output, "-o");
        OutputFiles.checkWritable(checkpointFile, "--checkpoint");
        Path metricsFile = metrics != null ? metrics : siblingOf(output, ".metrics.jsonl");
        OutputFiles.checkWritable(metricsFile, "--metrics");
        if (plot != null) OutputFiles.checkWritable(plot, "--plot");

        Checkpoint resumed = resume != null ? StartingModel.readCheckpoint(resume) : null;
        Map<String, String> previous = resumed != null ? resumed.options() : Map.of();
        SrcnnWeights weights = startingWeights(resumed);
        SrcnnConfig config = weights.config();
        OptimizerConfig optimizer = optimizerConfig(resumed);
        LrSchedule schedule = schedule(previous);

        int batchSize = pick(batch, previous, "batch", DEFAULT_BATCH, "--batch");
        int patchSize = pick(patch, previous, "patch", PatchDataset.DEFAULT_PATCH, "--patch");
        int strideSize = pick(stride, previous, "stride", PatchDataset.DEFAULT_STRIDE, "--stride");
        PatchDataset.Augment recorded = recordedAugment(previous);
        PatchDataset.Augment augmented = augment != null ? augment : recorded;
        if (resumed != null && augment != null && previous.containsKey("augment") && augment != recorded) {
            err.println("gpu-sr train: note: --augment differs from the checkpoint's run; it will not repeat exactly");
        }
        boolean centreLabels = centreLabels(previous);
        int labelMargin = centreLabels ? config.halo() : 0;
        if (2 * labelMargin >= patchSize) {
            throw usage("--labels centre leaves nothing of a " + patchSize + "x" + patchSize + " sub-image: the "
                    + config + " model's halo is " + labelMargin + " pixels a side; raise --patch above "
                    + 2 * labelMargin + " or use --labels full");
        }
        long seedValue = seed != null ? seed : DEFAULT_SEED;
        if (resumed != null && seed != null) {
            err.println("gpu-sr train: note: --seed is ignored on resume; the checkpoint holds the generator's state");
        }

        // The slow loading comes after the engine; fail early on a bad path. Outputs never replace these files.
        List<Path> inputs = new ArrayList<>(ImageFolder.list(trainDir, "training"));
        if (valDir != null) inputs.addAll(ImageFolder.list(valDir, "validation"));
        // Resuming into the same checkpoint continues that run: its model (-o) may be written again.
        boolean sameRun = resume != null && OutputFiles.realPath(checkpointFile).equals(OutputFiles.realPath(resume));
        OutputFiles.check(output, "-o", overwrite, sameRun ? output : null, inputs);
        OutputFiles.check(checkpointFile, "--checkpoint", overwrite, resume, inputs);
        PatchDataset.Options dataOptions = new PatchDataset.Options(config.scale(), config.color(), patchSize,
                strideSize, augmented, labelMargin);
        TrainingMemory memory = checkDataFits(dataOptions);
        try (SrcnnEngine engine = openEngine(weights)) {
            if (centreLabels && !engine.id().equals("cpu")) {
                throw usage("--labels centre is built on the CPU engine only (the " + engine.id() + " engine trains "
                        + "on whole sub-images): use --labels full, or --device cpu");
            }
            OutputFiles.createFolders(output);
            OutputFiles.createFolders(checkpointFile);
            PatchDataset data = loadData(dataOptions, memory);
            if (resumed != null && previous.containsKey("patches")
                    && !previous.get("patches").equals(Integer.toString(data.size()))) {
                err.println("gpu-sr train: note: the training set now has " + data.size() + " sub-images, the "
                        + "checkpoint's run had " + previous.get("patches") + "; the order will not repeat exactly");
            }
            ValidationSet validation;
            try {
                validation = valDir != null ? ValidationSet.fromFolder(valDir, config.scale(), config.color(), err) : null;
            } catch (OutOfMemoryError e) {
                throw new Failure("the validation set in " + valDir + " ran out of memory while loading, beside the "
                        + "training set (" + size(data.bytes()) + "): raise the heap (GPUSR_JAVA_OPTS=-Xmx..) or "
                        + "validate on fewer or smaller pictures");
            }
            if (batchSize > data.size()) {
                throw new Failure("the training set has " + data.size() + " sub-images, fewer than one batch of "
                        + batchSize + ": lower --batch or add images");
            }
            int perEpoch = data.size() / batchSize;
            long target = targetSteps(perEpoch, previous);
            long validateEvery = valEvery != null ? valEvery : perEpoch;
            long checkpointInterval = checkpoints.every != null ? checkpoints.every : validateEvery;

            Map<String, String> options = new LinkedHashMap<>();
            options.put("train", trainDir.toString());
            if (valDir != null) options.put("val", valDir.toString());
            options.put("batch", Integer.toString(batchSize));
            options.put("patch", Integer.toString(patchSize));
            options.put("stride", Integer.toString(strideSize));
            options.put("augment", augmented.recorded());
            options.put("labels", centreLabels ? "centre" : "full");
            options.put("patches", Integer.toString(data.size()));
            options.put("seed", resumed != null ? previous.getOrDefault("seed", "?") : Long.toString(seedValue));
            options.put("target_steps", Long.toString(target));
            schedule.putOptions(options);
            if (init != null) options.put("init", init.toString());
            else if (resumed == null && initScheme == TrainOptions.InitScheme.Kind.HE) options.put("init_scheme", "he");
            else if (resumed == null) options.put("init_std", Double.toString(initStd != null ? initStd : DEFAULT_INIT_STD));
            else if (previous.containsKey("init")) options.put("init", previous.get("init"));
            else if (previous.containsKey("init_std")) options.put("init_std", previous.get("init_std"));
            else if (previous.containsKey("init_scheme")) options.put("init_scheme", previous.get("init_scheme"));

            out.println("gpu-sr train: " + config + ", " + config.paramCount() + " parameters");
            out.println("  optimizer " + optimizer + ", schedule " + schedule + ", batch " + batchSize + ", seed "
                    + options.get("seed"));
            out.println("  data " + data + ", " + mib(data.bytes()) + " MiB"
                    + (data.tooSmallCount() > 0 ? "; " + data.tooSmallCount() + " pictures smaller than one sub-image "
                    + "skipped" : ""));
            if (validation != null) {
                ValidationSet.Scores bicubic = validation.bicubicScores();
                out.println(String.format(Locale.ROOT, "  validation %d picture%s from %s, bicubic PSNR %s dB SSIM %.4f",
                        validation.size(), validation.size() == 1 ? "" : "s", valDir,
                        dev.gpusr.metrics.Metrics.psnrText(bicubic.bicubicPsnr(), 3),
                        bicubic.bicubicSsim()));
            }
            out.println("  engine " + engine.name());
            if (engine instanceof CpuSrcnn cpu && cpu.trainsWithWinograd() && Runtime.version().feature() < SETTLED_JAVA) {
                out.println("  note: Java " + Runtime.version().feature() + ": on Java 17 the JIT sometimes compiles the CPU "
                        + "engine's Winograd kernels without their vector instructions, and such a run trains 1.4-3x slower");
                out.println("        (Java " + SETTLED_JAVA + " never did in our runs: GPUSR_JAVA for ./gpu-sr, GPUSR_RUNTIME_JDK "
                        + "for the dist's runtime); if steps/s reads well below an earlier run's, Ctrl-C and --resume "
                        + "(README, \"A JDK 17 caveat\")");
            }
            TrainingState start = resumed != null ? resumed.progress() : TrainingState.fresh(seedValue);
            out.println(String.format(Locale.ROOT, "  steps %d to %d (%d per epoch, %.2f epochs in all); model -> %s, "
                    + "checkpoint -> %s", start.step(), target, perEpoch, (double) target / perEpoch, output,
                    checkpointFile));
            out.flush();

            Trainer.Settings settings = new Trainer.Settings(batchSize, target, logEvery, validateEvery,
                    checkpointInterval, checkpointFile, output, options, terminal, 5.0)
                    .withSchedule(schedule).withMetrics(metricsFile, metricsEvery, plot);
            Trainer trainer = new Trainer(engine, data, validation, optimizer, settings, out, err);
            // -o was checked before training; a file that appears there meanwhile (another run's) is not replaced
            if (!overwrite && !sameRun) trainer.refuseExistingOutput();
            Trainer.Result result = StopOnShutdown.run(trainer, start, resumed != null ? resumed.optimizerState() : null,
                    resumed != null ? resumed.bestWeights() : null);
            report(result, checkpointFile);
            return Main.OK;
        }
    }

    /** The checks picocli's types cannot say (ranges, combinations), each a one-line usage error (exit 2). */
    private void checkUsage() {
        ScaleOption.check(scale);
        if (!length.given() && checkpoints.resume == null) throw usage("give --steps N or --epochs N");
        if (length.steps != null && length.steps < 1) throw usage("--steps must be >= 1, got " + length.steps);
        if (length.epochs != null && length.epochs < 1) throw usage("--epochs must be >= 1, got " + length.epochs);
        if (checkpoints.resume != null && init != null) throw usage("--resume and --init exclude each other");
        if (batch != null && batch < 1) throw usage("--batch must be >= 1, got " + batch);
        if (patch != null && patch < 1) throw usage("--patch must be >= 1, got " + patch);
        if (stride != null && stride < 1) throw usage("--stride must be >= 1, got " + stride);
        if (threads != null && threads < 1) throw usage("--threads must be >= 1, got " + threads);
        if (logEvery < 1) throw usage("--log-every must be >= 1, got " + logEvery);
        if (valEvery != null && valEvery < 0) throw usage("--val-every must be >= 0, got " + valEvery);
        if (checkpoints.every != null && checkpoints.every < 0) {
            throw usage("--checkpoint-every must be >= 0, got " + checkpoints.every);
        }
        if (initScheme != null && (init != null || checkpoints.resume != null)) {
            throw usage("--init-scheme sets fresh weights; it does not go with " + (init != null ? "--init" : "--resume"));
        }
        if (initScheme == TrainOptions.InitScheme.Kind.HE && initStd != null) {
            throw usage("--init-std is the std of --init-scheme gaussian; he derives its own from each layer's fan-in");
        }
        if (initStd != null && !(initStd > 0 && Double.isFinite(initStd))) {
            throw usage("--init-std must be a positive number, got " + initStd);
        }
        if (momentum != null && !(momentum >= 0 && momentum < 1)) throw usage("--momentum must be in [0, 1), got " + momentum);
        if (warmup != null && warmup < 0) throw usage("--warmup must be >= 0, got " + warmup);
        if (metricsEvery < 0) throw usage("--metrics-every must be >= 0, got " + metricsEvery);
        if (lrSteps != null && lrSchedule != LrSchedule.Kind.STEP) throw usage("--lr-steps goes with --lr-schedule step");
        if (optimizerKind == OptimizerConfig.Kind.ADAM && momentum != null && checkpoints.resume == null) {
            throw usage("--momentum applies to sgd; Adam uses its betas");
        }
        if (Files.isDirectory(output)) throw usage("-o " + output + " is a folder; name the model file");
    }

    static Path defaultCheckpoint(Path output) {
        return siblingOf(output, ".ckpt.safetensors");
    }

    /** model.safetensors -> model{suffix} beside it. */
    static Path siblingOf(Path output, String suffix) {
        String name = output.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".safetensors")
                ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return output.resolveSibling(stem + suffix);
    }

    /** The schedule: given, else the resumed run's (a change on resume is noted: the run will not repeat exactly). */
    private LrSchedule schedule(Map<String, String> previous) {
        LrSchedule before = LrSchedule.fromOptions(previous);
        if (lrSchedule == null && warmup == null && lrSteps == null) return before;
        boolean resumed = checkpoints.resume != null;
        LrSchedule.Kind kind = lrSchedule != null ? lrSchedule : resumed ? before.kind() : LrSchedule.Kind.CONSTANT;
        long w = warmup != null ? warmup : resumed ? before.warmup() : 0;
        long[] drops = lrSteps != null ? lrSteps.steps().clone()
                : kind == LrSchedule.Kind.STEP && resumed ? before.milestones() : null;
        LrSchedule s = new LrSchedule(kind, w, drops);
        if (resumed && !s.equals(before)) {
            err.println("gpu-sr train: note: the schedule " + s + " differs from the checkpoint's " + before
                    + "; the run will not repeat an uninterrupted one exactly");
        }
        return s;
    }

    /** The model the run starts from: the checkpoint's, --init's (rescaled to --scale) or fresh (--init-scheme). */
    private SrcnnWeights startingWeights(Checkpoint resumed) throws Failure {
        if (resumed != null) return StartingModel.fromCheckpoint(resumed, checkpoints.resume, architecture, scale);
        if (init != null) return StartingModel.fromInit(init, architecture, scale, err);
        SrcnnConfig c;
        try {
            c = architecture.fresh(scale);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        long seedValue = seed != null ? seed : DEFAULT_SEED;
        if (initScheme == TrainOptions.InitScheme.Kind.HE) return SrcnnWeights.he(c, seedValue);
        return SrcnnWeights.gaussian(c, initStd != null ? initStd : DEFAULT_INIT_STD, seedValue);
    }

    private OptimizerConfig optimizerConfig(Checkpoint resumed) throws Failure {
        if (resumed != null) {
            OptimizerConfig c = resumed.optimizer();
            if (optimizerKind != null && optimizerKind != c.kind()) {
                throw new Failure("the checkpoint " + checkpoints.resume + " trains with " + TrainOptions.name(c.kind())
                        + "; its state does not fit --optimizer " + TrainOptions.name(optimizerKind));
            }
            if (lr != null) {
                c = c.withLr(lr.values());
                err.println("gpu-sr train: note: learning rates changed to " + lr.text() + " on resume");
            }
            if (momentum != null && momentum != c.momentum()) {
                c = new OptimizerConfig(c.kind(), c.lr(), momentum, c.beta1(), c.beta2(), c.eps());
                err.println("gpu-sr train: note: momentum changed to " + momentum + " on resume");
            }
            return c;
        }
        float[] rates = lr != null ? lr.values().clone() : OptimizerConfig.paperSgd().lr();
        if (optimizerKind == OptimizerConfig.Kind.ADAM) return OptimizerConfig.adam(rates);
        OptimizerConfig paper = OptimizerConfig.paperSgd();
        return new OptimizerConfig(OptimizerConfig.Kind.SGD, rates, momentum != null ? momentum : DEFAULT_MOMENTUM,
                paper.beta1(), paper.beta2(), paper.eps());
    }

    /** An option's value: given, else the resumed run's, else the default; a change on resume is noted. */
    private int pick(Integer given, Map<String, String> previous, String key, int fallback, String option) {
        String before = previous.get(key);
        if (given != null) {
            if (before != null && !before.equals(given.toString())) {
                err.println("gpu-sr train: note: " + option + " " + given + " differs from the checkpoint's " + before
                        + "; the run will not repeat an uninterrupted one exactly");
            }
            return given;
        }
        if (before != null) {
            try {
                return Integer.parseInt(before);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    private long targetSteps(int perEpoch, Map<String, String> previous) throws Failure {
        if (length.steps != null) return length.steps;
        if (length.epochs != null) return Math.multiplyExact(length.epochs, (long) perEpoch);
        String before = previous.get("target_steps");
        if (before == null) throw new Failure("the checkpoint does not say how long its run was: give --steps or --epochs");
        return Long.parseLong(before);
    }

    /** --labels: given, else the resumed run's, else full; a change on resume is noted. */
    private boolean centreLabels(Map<String, String> previous) {
        String before = previous.get("labels");
        if (labels == null) return "centre".equals(before);
        String given = TrainOptions.name(labels);
        if (before != null && !before.equals(given)) {
            err.println("gpu-sr train: note: --labels " + given + " differs from the checkpoint's " + before
                    + "; the run will not repeat an uninterrupted one exactly");
        }
        return labels == TrainOptions.Labels.Kind.CENTRE;
    }

    /** The checkpoint's augmentation (none without one); a value no gpu-sr writes is a one-line failure. */
    private PatchDataset.Augment recordedAugment(Map<String, String> previous) throws Failure {
        String value = previous.getOrDefault("augment", "false");
        try {
            return PatchDataset.Augment.parse(value);
        } catch (IllegalArgumentException e) {
            throw new Failure("the checkpoint " + checkpoints.resume + " records augment '" + value + "', which is "
                    + "not true, false, all, flips, scales or none: resume with --augment KIND to say which");
        }
    }

    private PatchDataset loadData(PatchDataset.Options options, TrainingMemory memory) throws IOException, Failure {
        PatchDataset data;
        try {
            data = PatchDataset.fromFolder(trainDir, options, err);
        } catch (OutOfMemoryError e) {
            // the pictures decoded so far are garbage now; Main exits after the one line
            long heap = Runtime.getRuntime().maxMemory();
            throw new Failure("the training set in " + trainDir + " ran out of memory while loading (estimated "
                    + size(memory.total()) + ", this Java's heap is " + size(heap) + "): raise the heap, say to "
                    + xmx(Math.max(2 * heap, (long) (memory.total() / DATA_HEAP_SHARE))) + ", or train on fewer or "
                    + "smaller pictures");
        }
        if (data.size() == 0) {
            throw new Failure("no usable sub-images in " + trainDir + ": all " + data.pictureCount() + " pictures are "
                    + "smaller than " + options.patchSize() + "x" + options.patchSize() + " after cropping to a multiple "
                    + "of " + options.scale() + " (lower --patch?)");
        }
        return data;
    }

    /** The share of the heap the training set may take (the rest: the engine, batches, validation, decoding). */
    static final double DATA_HEAP_SHARE = 0.7;

    /**
     * Refuses, before the engine starts and anything is decoded, a training set that would take more than
     * {@link #DATA_HEAP_SHARE} of the heap, with the heap it needs.
     */
    private TrainingMemory checkDataFits(PatchDataset.Options options) throws IOException, Failure {
        TrainingMemory memory = TrainingMemory.of(trainDir, options);
        long heap = Runtime.getRuntime().maxMemory();
        if (memory.total() <= DATA_HEAP_SHARE * heap) return memory;
        String augmentNote = options.augment().scales ? "; --augment " + options.augment().id() + " keeps the shrunk "
                + "copies too, 3.3x the pixels (--augment flips does not)" : "";
        throw new Failure("the training set in " + trainDir + " needs about " + size(memory.total()) + " of heap ("
                + size(memory.kept()) + " kept, " + size(memory.loading()) + " more while loading), and it may take "
                + Math.round(DATA_HEAP_SHARE * 100) + "% of this Java's " + size(heap) + ": raise the heap to "
                + xmx((long) Math.ceil(memory.total() / DATA_HEAP_SHARE)) + " or more, or train on fewer or smaller "
                + "pictures" + augmentNote);
    }

    /** MiB below a GiB, else GiB with one decimal. */
    static String size(long bytes) {
        double mib = bytes / (1024.0 * 1024.0);
        return mib < 1024 ? String.format(Locale.ROOT, "%.0f MiB", mib) : String.format(Locale.ROOT, "%.1f GiB", mib / 1024);
    }

    /** The -Xmx option for at least {@code bytes}, as gpu-sr's launcher takes it. */
    static String xmx(long bytes) {
        long mib = (bytes + (1 << 20) - 1) >> 20;
        String value = mib < 1024 ? mib + "m" : ((mib + 1023) / 1024) + "g";
        return "GPUSR_JAVA_OPTS=-Xmx" + value;
    }

    /** The first Java on which no JVM ran the Winograd kernels slowly (measured: 17 does, 25 does not). */
    static final int SETTLED_JAVA = 25;

    private SrcnnEngine openEngine(SrcnnWeights weights) {
        String d = engineOptions.device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) return new CpuSrcnn(weights, threads != null ? threads : 0);
        SrcnnEngine engine;
        try {
            engine = engineOptions.open(weights);
        } catch (UsageException | IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (threads != null && engine.id().equals("cpu")) { // auto fell back to the CPU: honour --threads
            engine.close();
            return new CpuSrcnn(weights, threads);
        }
        return engine;
    }

    private void report(Trainer.Result r, Path checkpointFile) {
        TrainingState s = r.state();
        String rate = r.trainSeconds() > 0 && r.stepsRun() > 0
                ? String.format(Locale.ROOT, " (%.2f steps/s)", r.stepsRun() / r.trainSeconds()) : "";
        StringBuilder b = new StringBuilder();
        b.append(r.interrupted() ? "gpu-sr train: stopped at step " : "gpu-sr train: done at step ").append(s.step())
                .append(" after ").append(r.stepsRun()).append(" steps").append(rate);
        if (!Double.isNaN(r.lastLoss())) b.append(String.format(Locale.ROOT, ", last loss %.4e", r.lastLoss()));
        if (s.hasBest()) {
            b.append(String.format(Locale.ROOT, ", best validation PSNR %s dB at step %d",
                    dev.gpusr.metrics.Metrics.psnrText(s.bestPsnr(), 3), s.bestStep()));
        }
        out.println(b);
        if (!r.interrupted()) {
            out.println("  model " + output + (r.best() != null ? " (the weights of step " + s.bestStep() + ")" : "")
                    + ", checkpoint " + checkpointFile + " (step " + s.step() + ")");
        }
        out.flush();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** Runs the command on its own (the main CLI registers it as the subcommand {@code train}). */
    public static int execute(String... args) {
        return new CommandLine(new TrainCommand()).execute(args);
    }
}
