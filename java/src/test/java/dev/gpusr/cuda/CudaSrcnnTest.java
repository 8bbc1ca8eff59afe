package dev.gpusr.cuda;

import static dev.gpusr.cuda.GpuTestData.RGB_915;
import static dev.gpusr.cuda.GpuTestData.RGB_955;
import static dev.gpusr.cuda.GpuTestData.Y_915;
import static dev.gpusr.cuda.GpuTestData.assertClose;
import static dev.gpusr.cuda.GpuTestData.assertParamsClose;
import static dev.gpusr.cuda.GpuTestData.blurPair;
import static dev.gpusr.cuda.GpuTestData.minus;
import static dev.gpusr.cuda.GpuTestData.uniform;
import static dev.gpusr.cuda.GpuTestData.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CUDA engine against the CPU engine (the oracle), on odd sizes so no power-of-two path hides a bug. */
@Tag("gpu")
class CudaSrcnnTest {
    private static final OptimizerConfig SGD =
            new OptimizerConfig(OptimizerConfig.Kind.SGD, new float[] {1e-2f, 1e-2f, 1e-3f}, 0.9f, 0.9f, 0.999f, 1e-8f);

    @BeforeEach
    void gpu() {
        GpuTestData.assumeGpu();
    }

    static Stream<SrcnnConfig> models() {
        return Stream.of(Y_915, RGB_915, RGB_955);
    }

    @ParameterizedTest
    @MethodSource("models")
    void forwardMatchesTheCpuEngine(SrcnnConfig c) {
        SrcnnWeights w = weights(c, 11);
        Tensor x = uniform(3, c.channels(), 17, 23, 12);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            Tensor expected = cpu.forward(x);
            Tensor actual = gpu.forward(x);
            assertTrue(actual.sameShape(x), actual.shapeString());
            assertClose(actual.data, expected.data, 1e-5, c + " forward");
            assertClose(gpu.forward(x).data, actual.data, 1e-6, c + " forward again on the cached plan");
            // Opt-in FFT/Winograd round in a transformed domain: 1.1e-3 of the largest output was seen on an H200,
            // far from anything a wrong layout or descriptor would give (errors of order 1).
            try (CudaSrcnn fast = new CudaSrcnn(0, w.copy(), CudaOptions.defaults().withTransformAlgorithms(true))) {
                assertClose(fast.forward(x).data, expected.data, 5e-3, c + " forward, FFT/Winograd admitted");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void lossAndGradientsMatchTheCpuEngine(SrcnnConfig c) {
        SrcnnWeights w = weights(c, 21);
        Tensor[] batch = blurPair(3, c.channels(), 17, 23, 22);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            double expectedLoss = cpu.computeGradients(batch[0], batch[1]);
            float[] expected = cpu.gradients();
            double loss = gpu.computeGradients(batch[0], batch[1]);
            assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, c + " loss");
            assertParamsClose(c, gpu.gradients(), expected, 1e-4, c + " gradient");
            // replaced, not accumulated; the second step of a shape is the CUDA-graph replay
            assertEquals(loss, gpu.computeGradients(batch[0], batch[1]), 1e-6 * loss, c + " loss, second step");
            assertParamsClose(c, gpu.gradients(), expected, 1e-4, c + " gradient, second step");
        }
    }

    @Test
    void sgdWithMomentumMatchesTheCpuEngine() {
        SrcnnConfig c = Y_915;
        SrcnnWeights w = weights(c, 31);
        Tensor[][] batches = {blurPair(2, 1, 17, 23, 32), blurPair(2, 1, 17, 23, 33)};
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            gpu.setOptimizer(SGD, null);
            cpu.setOptimizer(SGD, null);
            for (Tensor[] b : batches) {
                double expected = cpu.trainStep(b[0], b[1], true);
                assertEquals(expected, gpu.trainStep(b[0], b[1], true), 1e-5 * expected);
            }
            // the updates, not the weights: an update is small beside the weight it changes
            float[] update = minus(gpu.weights().params(), w.params());
            float[] expectedUpdate = minus(cpu.weights().params(), w.params());
            assertParamsClose(c, update, expectedUpdate, 1e-3, "SGD update after two steps");
            OptimizerState state = gpu.optimizerState();
            OptimizerState expectedState = cpu.optimizerState();
            assertEquals(2, state.step());
            assertEquals(expectedState.step(), state.step());
            assertParamsClose(c, state.m(), expectedState.m(), 1e-4, "SGD momentum buffer");
            assertEquals(0, state.v().length);
        }
    }

    @Test
    void adamMatchesTheCpuEngineWhereItsUpdateIsWellConditioned() {
        SrcnnConfig c = Y_915;
        SrcnnWeights w = weights(c, 35);
        float[] lr = {1e-3f, 1e-3f, 1e-4f};
        OptimizerConfig adam = OptimizerConfig.adam(lr);
        Tensor[][] batches = {blurPair(2, 1, 17, 23, 36), blurPair(2, 1, 17, 23, 37)};
        float[][] cpuGrads = new float[batches.length][];
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            gpu.setOptimizer(adam, null);
            cpu.setOptimizer(adam, null);
            for (int s = 0; s < batches.length; s++) {
                cpu.computeGradients(batches[s][0], batches[s][1]);
                gpu.computeGradients(batches[s][0], batches[s][1]);
                cpuGrads[s] = cpu.gradients();
                cpu.applyOptimizer();
                gpu.applyOptimizer();
            }
            float[] update = minus(gpu.weights().params(), w.params());
            float[] expectedUpdate = minus(cpu.weights().params(), w.params());
            // Adam divides by sqrt(v): where a gradient is near zero its sign, hence the update, is noise
            int checked = 0;
            for (Param p : Param.values()) {
                int off = c.offset(p);
                int end = off + c.size(p);
                double tolerance = 2e-3 * lr[p.layer] + 2e-7;
                for (int i = off; i < end; i++) {
                    boolean wellConditioned = true;
                    for (float[] g : cpuGrads) {
                        wellConditioned &= Math.abs(g[i]) >= 1e-3 * GpuTestData.maxAbs(g, off, end);
                    }
                    if (!wellConditioned) continue;
                    checked++;
                    assertEquals(expectedUpdate[i], update[i], tolerance, "Adam update of " + p.tensorName + "["
                            + (i - off) + "]");
                }
            }
            assertTrue(checked >= c.paramCount() / 2, "only " + checked + " of " + c.paramCount()
                    + " parameters had well-conditioned updates; the test would say little");
            OptimizerState state = gpu.optimizerState();
            OptimizerState expectedState = cpu.optimizerState();
            assertEquals(2, state.step());
            assertParamsClose(c, state.m(), expectedState.m(), 1e-4, "Adam first moment");
            assertParamsClose(c, state.v(), expectedState.v(), 2e-4, "Adam second moment");
        }
    }

    @Test
    void aHundredSgdStepsFollowTheCpuLossCurve() {
        SrcnnConfig c = Y_915;
        SrcnnWeights w = weights(c, 41);
        Tensor[][] batches = new Tensor[4][];
        for (int i = 0; i < batches.length; i++) batches[i] = blurPair(2, 1, 17, 23, 42 + i);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            gpu.setOptimizer(SGD, null);
            cpu.setOptimizer(SGD, null);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 100; step++) {
                Tensor[] b = batches[step % batches.length];
                double expected = cpu.trainStep(b[0], b[1], true);
                double loss = gpu.trainStep(b[0], b[1], true);
                assertEquals(expected, loss, 1e-4 * expected, "loss of step " + step);
                if (step == 0) first = loss;
                last = loss;
            }
            assertTrue(last < 0.7 * first, "training made progress: loss " + first + " -> " + last);
        }
    }

    @Test
    void deterministicTrainingIsBitReproducibleAndGraphsChangeNoBit() {
        SrcnnWeights w = weights(Y_915, 51);
        CudaOptions deterministic = CudaOptions.defaults().withDeterministic(true);
        float[] first = train(w, deterministic, 200);
        float[] second = train(w, deterministic, 200);
        float[] withoutGraphs = train(w, deterministic.withCudaGraphs(false), 200);
        assertTrue(GpuTestData.relativeToMax(first, w.params(), 0, first.length) > 1e-3, "the weights moved");
        assertArrayEquals(first, second, "two deterministic runs");
        assertArrayEquals(first, withoutGraphs, "the CUDA graph replays exactly the plain step");
    }

    private static float[] train(SrcnnWeights w, CudaOptions options, int steps) {
        Tensor[][] batches = new Tensor[4][];
        for (int i = 0; i < batches.length; i++) batches[i] = blurPair(4, 1, 33, 33, 52 + i);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy(), options)) {
            gpu.setOptimizer(SGD, null);
            for (int step = 0; step < steps; step++) {
                Tensor[] b = batches[step % batches.length];
                gpu.trainStep(b[0], b[1], false);
            }
            if (options.cudaGraphs()) {
                assertEquals(Optional.empty(), gpu.graphFallbackReason());
                assertEquals(steps - 1, gpu.graphLaunches());
            } else {
                assertEquals(0, gpu.graphLaunches());
            }
            return gpu.weights().params();
        }
    }

    @Test
    void eachBatchShapeGetsItsOwnGraphAndKeepsIt() {
        SrcnnWeights w = weights(Y_915, 56);
        Tensor[] a = blurPair(4, 1, 33, 33, 57);
        Tensor[] b = blurPair(2, 1, 21, 19, 58);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w)) {
            gpu.setOptimizer(SGD, null);
            for (int i = 0; i < 3; i++) gpu.trainStep(a[0], a[1], false);
            assertEquals(2, gpu.graphLaunches(), () -> "capture failed: " + gpu.graphFallbackReason().orElse("?"));
            for (int i = 0; i < 3; i++) gpu.trainStep(b[0], b[1], false);
            assertEquals(4, gpu.graphLaunches());
            double loss = gpu.trainStep(a[0], a[1], true);
            assertEquals(5, gpu.graphLaunches(), "the first shape's graph is still there");
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            assertEquals(2, gpu.planSummaries().size(), String.join("\n", gpu.planSummaries()));
        }
    }

    @Test
    void weightsRoundTripExactlyAndLoadingResetsTheOptimizer() {
        SrcnnWeights w1 = weights(Y_915, 61);
        SrcnnWeights w2 = weights(Y_915, 62);
        Tensor[] batch = blurPair(2, 1, 17, 23, 63);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w1)) {
            assertArrayEquals(w1.params(), gpu.weights().params());
            assertEquals(w1.config(), gpu.config());
            gpu.setOptimizer(SGD, null);
            gpu.trainStep(batch[0], batch[1], false);
            assertEquals(1, gpu.optimizerState().step());

            gpu.loadWeights(w2);
            assertArrayEquals(w2.params(), gpu.weights().params());
            OptimizerState reset = gpu.optimizerState();
            assertEquals(0, reset.step());
            assertArrayEquals(new float[Y_915.paramCount()], reset.m());

            // another architecture replaces the first and computes correctly
            SrcnnWeights w3 = weights(RGB_955, 64);
            gpu.loadWeights(w3);
            assertArrayEquals(w3.params(), gpu.weights().params());
            assertEquals(RGB_955, gpu.config());
            Tensor x = uniform(2, 3, 15, 19, 65);
            try (CpuSrcnn cpu = new CpuSrcnn(w3.copy(), 0)) {
                assertClose(gpu.forward(x).data, cpu.forward(x).data, 1e-5, "forward after changing architecture");
            }

            // a given optimizer state is uploaded as it is
            Random rng = new Random(66);
            float[] m = new float[RGB_955.paramCount()];
            float[] v = new float[RGB_955.paramCount()];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) rng.nextGaussian();
                v[i] = rng.nextFloat();
            }
            gpu.setOptimizer(OptimizerConfig.adam(new float[] {1e-4f, 1e-4f, 1e-5f}), new OptimizerState(m, v, 7));
            OptimizerState back = gpu.optimizerState();
            assertArrayEquals(m, back.m());
            assertArrayEquals(v, back.v());
            assertEquals(7, back.step());
        }
    }

    @Test
    void closingTwiceIsFineAndAClosedEngineRefusesWork() {
        Tensor x = uniform(1, 1, 9, 11, 71);
        CudaSrcnn gpu = new CudaSrcnn(0, weights(Y_915, 70));
        gpu.forward(x);
        gpu.close();
        gpu.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gpu.forward(x));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void badInputIsRefusedWithTheShapes() {
        try (CudaSrcnn gpu = new CudaSrcnn(0, weights(Y_915, 72))) {
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> gpu.forward(uniform(1, 3, 9, 9, 73)));
            assertTrue(channels.getMessage().contains("1x3x9x9"), channels.getMessage());
            IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                    () -> gpu.computeGradients(uniform(1, 1, 9, 9, 74), uniform(1, 1, 9, 8, 75)));
            assertTrue(mismatch.getMessage().contains("1x1x9x8"), mismatch.getMessage());
            assertThrows(IllegalStateException.class, gpu::applyOptimizer, "no optimizer set yet");
        }
    }

    @Test
    void upsamplingMatchesTheCpuEngine() {
        Tensor low = uniform(2, 3, 17, 23, 81);
        try (CudaSrcnn gpu = new CudaSrcnn(0, weights(RGB_915, 80)); CpuSrcnn cpu = new CpuSrcnn(weights(RGB_915, 80), 0)) {
            for (int k = 2; k <= 4; k++) {
                Tensor actual = gpu.upsample(low, k);
                assertEquals(17 * k, actual.h);
                assertEquals(23 * k, actual.w);
                assertClose(actual.data, cpu.upsample(low, k).data, 1e-5, "x" + k + " bicubic");
            }
        }
    }

    @Test
    void tf32IsOptInAndStaysClose() {
        SrcnnWeights w = weights(Y_915, 85);
        Tensor x = uniform(3, 1, 17, 23, 86);
        CudaOptions tf32 = CudaOptions.defaults().withMath(CudaOptions.MathMode.TF32);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy(), tf32); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            assertEquals(CudaOptions.MathMode.TF32, gpu.options().math());
            assertClose(gpu.forward(x).data, cpu.forward(x).data, 1e-2, "TF32 forward");
        }
    }

    @Test
    void eightFullHdFramesRunInOneCallAndMatchTheCpuOnSampledPixels() {
        SrcnnConfig c = Y_915;
        SrcnnWeights w = weights(c, 90);
        int n = 8;
        int h = 1080;
        int width = 1920;
        Tensor x = uniform(n, 1, h, width, 91);
        Tensor y;
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy())) {
            y = gpu.forward(x);
            long t0 = System.nanoTime();
            Tensor again = gpu.forward(x);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[gpu-sr] forward %s, 8 x 1080x1920 fp32 incl. transfers: %.1f ms = %.0f Mpix/s%n%s%n",
                    c.filterName(), seconds * 1e3, n * (double) h * width / seconds / 1e6,
                    String.join("\n", gpu.planSummaries()));
            assertClose(again.data, y.data, 1e-6, "second large forward");
        }
        // the value at a pixel depends only on the input within the halo: a CPU forward of that crop is the reference
        int halo = c.halo();
        int crop = 2 * halo + 1;
        Random rng = new Random(92);
        int samples = 40;
        float[] actual = new float[samples];
        float[] expected = new float[samples];
        try (CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            for (int s = 0; s < samples; s++) {
                int img = s < 4 ? (s % 2) * (n - 1) : rng.nextInt(n);
                int py = s < 4 ? (s / 2) * (h - 1) : rng.nextInt(h);
                int px = s < 4 ? (s % 2) * (width - 1) : rng.nextInt(width);
                int y0 = Math.min(Math.max(py - halo, 0), h - crop);
                int x0 = Math.min(Math.max(px - halo, 0), width - crop);
                Tensor patch = new Tensor(1, 1, crop, crop);
                for (int yy = 0; yy < crop; yy++) {
                    for (int xx = 0; xx < crop; xx++) patch.set(0, 0, yy, xx, x.get(img, 0, y0 + yy, x0 + xx));
                }
                expected[s] = cpu.forward(patch).get(0, 0, py - y0, px - x0);
                actual[s] = y.get(img, 0, py, px);
            }
        }
        assertClose(actual, expected, 1e-5, "sampled pixels of the 8 x 1080x1920 forward");
        // the same batch in four calls of two frames
        try (CudaSrcnn split = new CudaSrcnn(0, w.copy(), CudaOptions.defaults().withMaxBatchPixels(2L * h * width))) {
            assertClose(split.forward(x).data, y.data, 1e-5, "forward split into 2-frame calls");
            assertEquals(1, split.planSummaries().size(), "four equal chunks share one plan");
        }
    }

    @Test
    void reportsTrainingStepTimesBesidePyTorch() {
        SrcnnWeights w = weights(Y_915, 95);
        Tensor[] small = blurPair(128, 1, 33, 33, 96);
        Tensor[] large = blurPair(16, 1, 256, 256, 97);
        CudaOptions[] variants = {CudaOptions.defaults(), CudaOptions.defaults().withCudaGraphs(false),
            CudaOptions.defaults().withTransformAlgorithms(true)};
        for (CudaOptions options : variants) {
            double smallMs = msPerStep(w, options, small, 300);
            double largeMs = msPerStep(w, options, large, 60);
            System.out.printf("[gpu-sr] train 9-1-5 SGD [%s]: 128x33x33 %.3f ms/step (PyTorch fp32 1.23), "
                    + "16x256x256 %.2f ms/step = %.0f Mpix/s (PyTorch 7.08 ms, 148 Mpix/s)%n", options, smallMs,
                    largeMs, 16 * 256 * 256 / largeMs / 1e3);
        }
    }

    /** The device-resident entry points the benchmarks time run the same work as the host ones. */
    @Test
    void stagedBatchesRunTheSameForwardAndTrainingStepAsTheHostCalls() {
        SrcnnWeights w = weights(Y_915, 31);
        Tensor[] batch = blurPair(3, 1, 19, 21, 32);
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy()); CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            gpu.setOptimizer(SGD, null);
            assertThrows(IllegalStateException.class, gpu::forwardStaged, "nothing staged yet");
            Tensor expected = cpu.forward(batch[0]);
            gpu.stageBatch(batch[0], null);
            gpu.forwardStaged();
            gpu.forwardStaged();
            assertClose(gpu.stagedOutput().data, expected.data, 1e-5, "staged forward");
            assertThrows(IllegalStateException.class, gpu::trainStepStaged, "staged without a target");
            gpu.forward(batch[1]);
            assertThrows(IllegalStateException.class, gpu::forwardStaged, "another call reused the buffers");

            gpu.stageBatch(batch[0], batch[1]);
            for (int i = 0; i < 3; i++) gpu.trainStepStaged(); // the second and third replay the graph
            gpu.synchronize();
            cpu.setOptimizer(SGD, null);
            for (int i = 0; i < 3; i++) cpu.trainStep(batch[0], batch[1], false);
            assertParamsClose(Y_915, gpu.weights().params(), cpu.weights().params(), 1e-4, "after 3 staged steps");
            assertTrue(gpu.context().device() == 0);
        }
    }

    private static double msPerStep(SrcnnWeights w, CudaOptions options, Tensor[] batch, int steps) {
        try (CudaSrcnn gpu = new CudaSrcnn(0, w.copy(), options)) {
            gpu.setOptimizer(OptimizerConfig.paperSgd(), null);
            for (int i = 0; i < 10; i++) gpu.trainStep(batch[0], batch[1], false);
            gpu.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) gpu.trainStep(batch[0], batch[1], false);
            gpu.synchronize();
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            double loss = gpu.trainStep(batch[0], batch[1], true);
            assertTrue(Double.isFinite(loss), "loss after timing: " + loss);
            if (options.cudaGraphs()) {
                assertEquals(Optional.empty(), gpu.graphFallbackReason());
            }
            System.out.println("[gpu-sr] " + String.join("\n[gpu-sr] ", gpu.planSummaries()));
            return ms;
        }
    }
}
