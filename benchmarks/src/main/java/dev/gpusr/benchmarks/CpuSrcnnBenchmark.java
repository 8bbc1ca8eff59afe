package dev.gpusr.benchmarks;

import dev.gpusr.bench.BenchData;
import dev.gpusr.bench.BenchPlan;
import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
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
 * The pure-Java engine: SRCNN forward on one 180x320 Y plane and one SGD training step on a batch of 16 and of 128
 * 33x33 sub-images, for 9-1-5 and 9-5-5, with all processors ({@code -p height=1024 -p width=1024} for the large
 * forward rows of {@code gpu-sr bench}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CpuSrcnnBenchmark {
    @Param({"9-1-5", "9-5-5"})
    String model;

    @Param({"180"})
    int height;

    @Param({"320"})
    int width;

    @Param({"16", "128"})
    int trainBatch;

    CpuSrcnn engine;
    Tensor image;
    Tensor trainInput;
    Tensor trainTarget;

    @Setup(Level.Trial)
    public void setup() {
        SrcnnConfig cfg = BenchPlan.models().stream().filter(m -> m.filterName().equals(model)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model must be 9-1-5 or 9-5-5, got " + model));
        engine = new CpuSrcnn(BenchData.weights(cfg, 7), 0);
        engine.setOptimizer(OptimizerConfig.paperSgd(), null);
        image = BenchData.image(1, 1, height, width, 1);
        trainInput = BenchData.image(trainBatch, 1, 33, 33, 2);
        trainTarget = BenchData.image(trainBatch, 1, 33, 33, 3);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (engine != null) engine.close();
    }

    @Benchmark
    public Tensor forward() {
        return engine.forward(image);
    }

    @Benchmark
    public double trainStep() {
        return engine.trainStep(trainInput, trainTarget, true);
    }
}
