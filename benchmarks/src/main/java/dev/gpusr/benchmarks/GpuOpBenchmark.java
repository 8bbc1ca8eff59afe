package dev.gpusr.benchmarks;

import dev.gpusr.bench.BenchPlan;
import dev.gpusr.bench.BenchStats;
import dev.gpusr.bench.Check;
import dev.gpusr.bench.GpuCase;
import dev.gpusr.bench.GpuCases;
import dev.gpusr.bench.GpuOp;
import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.CudaEvents;
import dev.gpusr.cuda.GpuAvailability;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Any GPU row of {@code gpu-sr bench} under JMH (the {@code id} column of its JSON; {@code -p id=...} picks
 * others): JMH times launch + stream synchronisation on the host, and CUDA events around each launch give the
 * device time, printed as a median after every iteration beside JMH's number. The op is checked against the CPU
 * once in setup; a mismatch fails the trial. Without a usable GPU, setup fails with the reason (JMH then moves on).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GpuOpBenchmark {
    @Param({"copy-d2d", "bicubic-up-x2", "bicubic-up-x3", "bicubic-up-x4", "bias-relu-fwd", "bias-relu-bwd",
        "mse-large", "conv1-fwd-9-1-5-8x1080x1920", "conv2-fwd-9-1-5-8x1080x1920", "conv3-fwd-9-1-5-8x1080x1920",
        "conv2-bwd-data-9-1-5-16x256x256", "conv1-bwd-filter-9-1-5-16x256x256", "infer-9-1-5-fp32",
        "infer-9-5-5-fp32", "train-9-1-5-fp32-128x33", "train-9-5-5-fp32-128x33"})
    String id;

    @Param({"0"})
    int device;

    private CudaContext ctx;
    private GpuOp op;
    private CudaEvents events;
    private int run;
    private double[] eventMs = new double[1024];
    private int timed;

    @Setup(Level.Trial)
    public void setup() {
        GpuAvailability.unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("GPU part skipped: " + r);
        });
        ctx = CudaContext.open(device, true);
        GpuCase c = GpuCases.find(BenchPlan.of(false, Set.of()), id);
        op = c.factory().create(ctx);
        Check check = op.check();
        if (check.outcome() == Check.Outcome.FAILED) throw new IllegalStateException(id + ": " + check.detail());
        events = new CudaEvents(op.timedContext());
    }

    @Benchmark
    public void launch() {
        events.start();
        op.launch(run++);
        events.stop();
        double ms = events.elapsedMs(); // waits for the launch, as the synchronisation JMH times
        if (timed == eventMs.length) eventMs = Arrays.copyOf(eventMs, timed * 2);
        eventMs[timed++] = ms;
    }

    @TearDown(Level.Iteration)
    public void reportDeviceTime() {
        if (timed > 0) {
            System.out.printf("%n[gpu] %s: CUDA-event median %.4f ms over %d launches%n", id,
                    BenchStats.median(Arrays.copyOf(eventMs, timed)), timed);
        }
        timed = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (events != null) events.close();
        if (op != null) op.close();
        if (ctx != null) ctx.close();
    }
}
