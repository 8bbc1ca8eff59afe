package dev.gpusr.train;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.metrics.Metrics;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The training loop over an engine: epochs of shuffled batches drawn from a {@link SplitMix64} whose state goes into
 * every checkpoint, so a resumed run repeats an uninterrupted one exactly (same batches, same optimizer state). Each
 * epoch's order is drawn from the generator at the epoch's start; a checkpoint stores that state and how many batches
 * of the epoch are done. The last {@code size % batch} patches of each epoch's order are left out, keeping every batch
 * the same shape.
 */
public final class Trainer {
    /** How the next write of -o treats an existing file (see {@link #refuseExistingOutput}). */
    private AtomicFiles.Mode outputMode = AtomicFiles.Mode.REPLACE;

    /**
     * What to run: batch size, the step to stop at, how often to read the loss (reading makes a GPU engine wait),
     * validate and checkpoint (0 = only at the end), where to write (null = nowhere), the run's options recorded in the
     * checkpoint, and the progress display: a {@code \r}-updated line when {@code live}, else a line every
     * {@code progressSeconds}.
     */
    public record Settings(int batch, long targetSteps, int logEvery, long validateEvery, long checkpointEvery,
            Path checkpoint, Path output, Map<String, String> options, boolean live, double progressSeconds,
            LrSchedule schedule, Path metrics, long metricsEvery, Path plot) {
        public Settings {
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (targetSteps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + targetSteps);
            if (logEvery < 1) throw new IllegalArgumentException("log interval must be >= 1, got " + logEvery);
            if (validateEvery < 0 || checkpointEvery < 0 || metricsEvery < 0) {
                throw new IllegalArgumentException("intervals must be >= 0");
            }
            if (plot != null && metrics == null) throw new IllegalArgumentException("a plot is drawn from the metrics file");
            options = Map.copyOf(options);
            if (schedule == null) schedule = LrSchedule.constant();
        }

        /** A constant rate, no metrics file and no plot. */
        public Settings(int batch, long targetSteps, int logEvery, long validateEvery, long checkpointEvery,
                Path checkpoint, Path output, Map<String, String> options, boolean live, double progressSeconds) {
            this(batch, targetSteps, logEvery, validateEvery, checkpointEvery, checkpoint, output, options, live,
                    progressSeconds, LrSchedule.constant(), null, 0, null);
        }

        public Settings withSchedule(LrSchedule s) {
            return new Settings(batch, targetSteps, logEvery, validateEvery, checkpointEvery, checkpoint, output,
                    options, live, progressSeconds, s, metrics, metricsEvery, plot);
        }

        public Settings withMetrics(Path file, long every, Path png) {
            return new Settings(batch, targetSteps, logEvery, validateEvery, checkpointEvery, checkpoint, output,
                    options, live, progressSeconds, schedule, file, every, png);
        }

        public Settings withTarget(long steps) {
            return new Settings(batch, steps, logEvery, validateEvery, checkpointEvery, checkpoint, output,
                    options, live, progressSeconds, schedule, metrics, metricsEvery, plot);
        }
    }

    /**
     * How a run ended: where it stands, whether it stopped early on request, the last loss read, timing, and the
     * best-validating weights (null without validation).
     */
    public record Result(TrainingState state, boolean interrupted, double lastLoss, ValidationSet.Scores lastScores,
            long stepsRun, double trainSeconds, SrcnnWeights best) {}

    /** The loss stopped being a finite number: the run cannot continue. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    private final SrcnnEngine engine;
    private final PatchDataset data;
    private final ValidationSet validation;
    private final OptimizerConfig optimizer;
    private final Settings settings;
    private final PrintStream out;
    private final PrintStream log;
    private final int stepsPerEpoch;

    private volatile boolean stopRequested;
    private boolean plotUnavailable;
    private volatile boolean running;
    private final CountDownLatch finished = new CountDownLatch(1);

    public Trainer(SrcnnEngine engine, PatchDataset data, ValidationSet validation, OptimizerConfig optimizer,
            Settings settings, PrintStream out, PrintStream progress) {
        if (data.size() < settings.batch()) {
            throw new IllegalArgumentException("the training set has " + data.size() + " patches, fewer than one batch of "
                    + settings.batch() + ": lower --batch or add images");
        }
        this.engine = engine;
        this.data = data;
        this.validation = validation;
        this.optimizer = optimizer;
        this.settings = settings;
        this.out = out;
        this.log = progress;
        this.stepsPerEpoch = data.size() / settings.batch();
    }

    /** Updates per epoch: whole batches only. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** Asks the loop to stop after the current step and write a checkpoint; safe from any thread (e.g. a signal hook). */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean isRunning() {
        return running;
    }

    /** Waits until {@link #run} has returned or thrown; false on timeout. */
    public boolean awaitFinish(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Trains from {@code start} until {@code settings.targetSteps()}. The engine must hold the starting weights;
     * {@code optimizerState} null starts the optimizer from zeros.
     */
    public Result run(TrainingState start, OptimizerState optimizerState) throws IOException {
        return run(start, optimizerState, null);
    }

    /**
     * As {@link #run(TrainingState, OptimizerState)}, resuming with the best-validating weights so far ({@code best},
     * from the checkpoint; null: none yet).
     */
    public Result run(TrainingState start, OptimizerState optimizerState, SrcnnWeights best) throws IOException {
        running = true;
        try {
            return loop(start, optimizerState, best);
        } finally {
            running = false;
            finished.countDown();
        }
    }

    private Result loop(TrainingState start, OptimizerState optimizerState, SrcnnWeights bestWeights)
            throws IOException {
        engine.setOptimizer(optimizer, optimizerState);
        LrSchedule schedule = settings.schedule();
        float[] rates = optimizer.lr();
        TrainingMetrics metrics = settings.metrics() == null ? null : start.step() == 0
                ? TrainingMetrics.fresh(settings.metrics()) : TrainingMetrics.resumed(settings.metrics(), start.step());
        long step = start.step();
        long epoch = start.epoch();
        int position = start.epochPosition();
        long epochRngState = start.epochRngState();
        double bestPsnr = start.bestPsnr();
        long bestStep = start.bestStep();
        SplitMix64 rng = new SplitMix64(epochRngState);
        PatchDataset.EpochPlan plan = data.plan(rng);

        Tensor[] batch = data.newBatch(settings.batch());
        TrainingProgress progress = new TrainingProgress(out, log, settings.live(), settings.progressSeconds(),
                settings.batch(), step);
        MetricsWindow window = new MetricsWindow(step);
        double lastLoss = Double.NaN;
        ValidationSet.Scores lastScores = null;
        boolean interrupted = false;
        long target = settings.targetSteps();
        if (step >= target) out.println("gpu-sr: already at step " + step + " of " + target + "; nothing to train");

        while (step < target) {
            if (stopRequested) {
                interrupted = true;
                break;
            }
            if (position >= stepsPerEpoch) {
                epoch++;
                position = 0;
                epochRngState = rng.state();
                plan = data.plan(rng);
            }
            data.fill(batch[0], batch[1], plan, position * settings.batch());
            float[] stepRates = schedule.rates(optimizer.lr(), step, target);
            if (!java.util.Arrays.equals(stepRates, rates)) {
                engine.setLearningRates(stepRates);
                rates = stepRates;
            }
            boolean readLoss = (step + 1) % settings.logEvery() == 0 || step + 1 == target;
            double loss = engine.trainStep(batch[0], batch[1], readLoss);
            step++;
            position++;
            if (readLoss) {
                if (!Double.isFinite(loss)) {
                    progress.endLine();
                    throw new DivergedException("the loss became " + loss + " by step " + step + " (" + optimizer
                            + "): training diverged; lower --lr or resume from an earlier checkpoint");
                }
                lastLoss = loss;
                progress.addLoss(loss);
                window.addLoss(loss);
            }
            progress.stepDone(step, epoch, target);

            boolean last = step == target;
            boolean validate = validation != null
                    && (last || (settings.validateEvery() > 0 && step % settings.validateEvery() == 0));
            if (validate) {
                long t0 = System.nanoTime();
                lastScores = validation.evaluate(engine);
                if (!hasBest(bestPsnr) || lastScores.psnr() > bestPsnr) {
                    bestPsnr = lastScores.psnr();
                    bestStep = step;
                    bestWeights = engine.weights();
                    if (settings.output() != null) writeOutput(bestWeights, bestStep, bestPsnr);
                }
                progress.println(String.format(Locale.ROOT,
                        "step %d (epoch %d): val PSNR %s dB SSIM %.4f (bicubic %s dB %.4f); best %s dB at step %d",
                        step, epoch + 1, Metrics.psnrText(lastScores.psnr(), 3), lastScores.ssim(),
                        Metrics.psnrText(lastScores.bicubicPsnr(), 3), lastScores.bicubicSsim(),
                        Metrics.psnrText(bestPsnr, 3), bestStep));
                progress.exclude(System.nanoTime() - t0);
            }
            boolean checkpoint = last || (settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0);
            // a line at every checkpoint leaves nothing pending in the window, so a resumed run writes the same lines
            boolean metricsLine = metrics != null && (validate || checkpoint
                    || (settings.metricsEvery() > 0 && step % settings.metricsEvery() == 0));
            if (metricsLine) {
                long t0 = System.nanoTime();
                Map<String, Object> line = window.line(step, epoch, rates, progress.trainNanos(), settings.batch());
                if (validate) {
                    line.put("val_psnr", lastScores.psnr());
                    line.put("val_ssim", lastScores.ssim());
                    line.put("bicubic_psnr", lastScores.bicubicPsnr());
                    line.put("bicubic_ssim", lastScores.bicubicSsim());
                    line.put("best_psnr", bestPsnr);
                    line.put("best_step", bestStep);
                }
                metrics.append(line);
                if (validate && settings.plot() != null) plot(metrics);
                progress.exclude(System.nanoTime() - t0);
            }
            if (checkpoint && settings.checkpoint() != null) {
                long t0 = System.nanoTime();
                writeCheckpoint(new TrainingState(step, epoch, position, epochRngState, bestPsnr, bestStep), bestWeights);
                progress.exclude(System.nanoTime() - t0);
            }
        }
        progress.keepLine();
        TrainingState end = new TrainingState(step, epoch, position, epochRngState, bestPsnr, bestStep);
        if (interrupted) {
            if (metrics != null && window.pending(step)) {
                metrics.append(window.line(step, epoch, rates, progress.trainNanos(), settings.batch()));
            }
            if (settings.checkpoint() != null) {
                writeCheckpoint(end, bestWeights);
                out.println("gpu-sr: stopped at step " + step + "; checkpoint " + settings.checkpoint()
                        + " (it also loads as a model); continue with --resume " + settings.checkpoint());
            } else {
                out.println("gpu-sr: stopped at step " + step);
            }
        } else if (settings.output() != null) {
            // -o holds the best-validating weights (written when they were reached); without validation, the last
            if (bestWeights == null) writeOutput(engine.weights(), end.step(), Double.NaN);
            else writeOutput(bestWeights, bestStep, bestPsnr);
        }
        if (settings.plot() != null && metrics != null && !interrupted) plot(metrics); // a stop may be a JVM shutdown
        return new Result(end, interrupted, lastLoss, lastScores, step - start.step(), progress.trainSeconds(),
                bestWeights);
    }

    private void plot(TrainingMetrics metrics) {
        if (plotUnavailable) return;
        try {
            TrainingPlot.write(metrics.file(), settings.plot(), "gpu-sr train: " + engine.weights().config());
        } catch (IOException | RuntimeException e) { // a plot is never worth a training run
            log.println("gpu-sr train: warning: cannot draw the plot " + settings.plot() + ": " + e.getMessage());
        } catch (LinkageError | InternalError e) {
            // Java's font code failed to load (a host without the freetype/fontconfig libraries it links): no later
            // plot can work either, and the metrics file keeps everything the plot would show
            plotUnavailable = true;
            log.println("gpu-sr train: warning: no plots in this run: Java's 2D graphics cannot load here (" + e
                    + "); the metrics file " + metrics.file() + " has the same numbers");
        }
    }

    /** What a model file records about its training: the run's options, the optimizer and the schedule. */
    private Map<String, String> modelMetadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(settings.options()).entrySet()) {
            meta.put("train." + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : Checkpoint.optimizerMetadata(optimizer).entrySet()) {
            meta.put("train." + e.getKey(), e.getValue());
        }
        Map<String, String> schedule = new LinkedHashMap<>();
        settings.schedule().putOptions(schedule);
        for (Map.Entry<String, String> e : schedule.entrySet()) meta.put("train." + e.getKey(), e.getValue());
        meta.put("train.target_steps", Long.toString(settings.targetSteps()));
        return meta;
    }

    /** Losses read and time spent since the last metrics line. */
    private static final class MetricsWindow {
        private long fromStep;
        private long fromNanos;
        private double lossSum;
        private int lossCount;

        MetricsWindow(long step) {
            fromStep = step;
        }

        void addLoss(double loss) {
            lossSum += loss;
            lossCount++;
        }

        boolean pending(long step) {
            return step > fromStep;
        }

        Map<String, Object> line(long step, long epoch, float[] rates, long trainNanos, int batch) {
            double seconds = (trainNanos - fromNanos) / 1e9;
            long subImages = (step - fromStep) * batch;
            Map<String, Object> m = TrainingMetrics.line(step, epoch, lossCount > 0 ? lossSum / lossCount : Double.NaN,
                    rates, seconds > 0 ? subImages / seconds : Double.NaN);
            fromStep = step;
            fromNanos = trainNanos;
            lossSum = 0;
            lossCount = 0;
            return m;
        }
    }

    private static boolean hasBest(double bestPsnr) {
        return !Double.isNaN(bestPsnr);
    }

    private void writeCheckpoint(TrainingState state, SrcnnWeights best) throws IOException {
        new Checkpoint(engine.weights(), optimizer, engine.optimizerState(), state, settings.options(),
                best == null ? null : best.params()).write(settings.checkpoint());
    }

    /**
     * Makes the first write of {@code -o} refuse a file that exists by then (another run's, created after the start
     * checks); later writes replace this run's own file. Without this call every write replaces.
     */
    public void refuseExistingOutput() {
        outputMode = AtomicFiles.Mode.NO_REPLACE;
    }

    private void writeOutput(SrcnnWeights weights, long step, double valPsnr) throws IOException {
        try {
            ModelFile.write(settings.output(), weights, step, valPsnr, modelMetadata(), outputMode);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException(settings.output() + " was created by something else during training and is left as"
                    + " it is; the weights are in the checkpoint " + settings.checkpoint() + " (it loads as a model)", e);
        }
        outputMode = AtomicFiles.Mode.REPLACE;
    }
}
