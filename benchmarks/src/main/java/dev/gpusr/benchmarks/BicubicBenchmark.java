package dev.gpusr.benchmarks;

import dev.gpusr.bench.BenchData;
import dev.gpusr.resample.BicubicResampler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The CPU MATLAB-bicubic enlargement of one 360x640 plane (one image of the GPU batch) by 2, 3 and 4. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BicubicBenchmark {
    @Param({"2", "3", "4"})
    int scale;

    @Param({"360"})
    int height;

    @Param({"640"})
    int width;

    float[] plane;

    @Setup
    public void setup() {
        plane = BenchData.uniform(height * width, 1, 0, 1);
    }

    @Benchmark
    public float[] upscale() {
        return BicubicResampler.upscale(plane, width, height, scale);
    }
}
