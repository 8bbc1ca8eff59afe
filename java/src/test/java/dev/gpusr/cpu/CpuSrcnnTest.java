package dev.gpusr.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.SrcnnEngineContract;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared engine suite on the CPU engine, plus what only the CPU engine promises. */
class CpuSrcnnTest extends SrcnnEngineContract {
    @Override
    protected SrcnnEngine open(SrcnnWeights weights) {
        return new CpuSrcnn(weights, 2);
    }

    private static SrcnnWeights model955Rgb() throws IOException {
        return SrcnnWeights.load(golden(MODEL_955_RGB + ".weights.safetensors"), 0);
    }

    private static SrcnnWeights model915() throws IOException {
        return SrcnnWeights.load(golden(MODEL_915_Y + ".weights.safetensors"), 0);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws IOException {
        for (SrcnnWeights w : List.of(model915(), model955Rgb())) {
            int c = w.config().channels();
            Tensor in = randomImage(5, c, 19, 23, 1);
            Tensor target = randomImage(5, c, 19, 23, 2);
            Tensor out1;
            double loss1;
            float[] grads1;
            try (CpuSrcnn one = new CpuSrcnn(w, 1)) {
                out1 = one.forward(in);
                loss1 = one.computeGradients(in, target);
                grads1 = one.gradients();
            }
            for (int threads : new int[] {2, 3}) {
                try (CpuSrcnn many = new CpuSrcnn(w, threads)) {
                    String what = w.config().filterName() + " with " + threads + " threads";
                    assertArrayEquals(out1.data, many.forward(in).data, what + ": forward");
                    assertEquals(loss1, many.computeGradients(in, target), 0.0, what + ": loss");
                    assertArrayEquals(grads1, many.gradients(), what + ": gradients");
                }
            }
        }
    }

    @Test
    void trainsWithWinogradSaysWhetherAStepTakesAWinogradPath() {
        // {n1, n2, f2}: 9-5-5, the smallest both ways, conv2 forward only (20 -> 16), back only (16 <- 20: the
        // transposed layer has 16 outputs), neither (16 -> 12, 8 -> 16), and no 5x5 layer of many channels
        int[][] cases = {{64, 32, 5}, {16, 16, 5}, {20, 16, 5}, {16, 20, 5}, {16, 12, 5}, {8, 16, 5}, {64, 32, 1},
            {64, 32, 3}};
        boolean anyWinograd = false;
        for (int[] k : cases) {
            SrcnnConfig c = new SrcnnConfig(1, k[0], k[1], 9, k[2], 5, 2, SrcnnConfig.ColorSpace.Y);
            try (CpuSrcnn engine = new CpuSrcnn(dev.gpusr.bench.BenchData.weights(c, 3), 1)) {
                boolean said = engine.trainsWithWinograd();
                engine.computeGradients(randomImage(2, 1, 15, 15, 4), randomImage(2, 1, 15, 15, 5));
                assertEquals(engine.ranWinograd(), said, Arrays.toString(k));
                anyWinograd |= said;
            }
        }
        assertEquals(Winograd.ENABLED, anyWinograd, "9-5-5 takes it wherever the vector kernels are");
    }

    @Test
    void trainingStepsOf955RunConv2AsWinogradWithinRoundingOfTheDirectKernels() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Winograd.ENABLED, "Winograd needs the vector kernels");
        SrcnnWeights w = model955Rgb(); // conv2: 64 -> 32, 5x5
        SrcnnConfig c = w.config();
        Tensor in = randomImage(16, c.channels(), 33, 33, 7);
        Tensor target = randomImage(16, c.channels(), 33, 33, 8);
        try (CpuSrcnn direct = new CpuSrcnn(w, 2); CpuSrcnn winograd = new CpuSrcnn(w, 2)) {
            direct.trainingWinograd = false;
            assertTrue(winograd.trainingWinograd, "on by default where the vector kernels are");
            double loss = direct.computeGradients(in, target);
            float[] expected = direct.gradients();
            assertEquals(loss, winograd.computeGradients(in, target), 1e-6 * loss, "loss");
            float[] actual = winograd.gradients();
            // the path is taken: conv2's gradients (and those behind it) are rounded otherwise than the direct sums
            assertFalse(Arrays.equals(expected, actual), "Winograd gave the direct kernels' floats bit for bit");
            // the engines' tolerance (1e-4 of each tensor's largest gradient): F(4x4, 5x5) measured up to 6.5e-5 here,
            // in conv2's weights and, carried back through its input gradient, conv1's (F(2x2, 5x5) was within 1e-5)
            for (SrcnnConfig.Param p : SrcnnConfig.Param.values()) {
                double[] e = new double[c.size(p)];
                double scale = 0, worst = 0;
                for (int i = 0; i < e.length; i++) {
                    e[i] = expected[c.offset(p) + i];
                    scale = Math.max(scale, Math.abs(e[i]));
                    worst = Math.max(worst, Math.abs(actual[c.offset(p) + i] - e[i]));
                }
                System.out.printf("[gpu-sr] winograd step, %s: worst error / largest gradient %.2e%n", p.tensorName,
                        worst / scale);
                assertClose("Winograd against direct, " + p.tensorName, e,
                        Arrays.copyOfRange(actual, c.offset(p), c.offset(p) + c.size(p)), 1e-4);
            }
            // inference keeps the direct kernels: the same floats
            assertArrayEquals(direct.forward(in).data, winograd.forward(in).data, "forward");
        }
    }

    @Test
    void buffersAreReusedCorrectlyAcrossShapes() throws IOException {
        SrcnnWeights w = model915();
        // narrow, wide, tall, many items, one item: rows, row lengths and channel counts all change between calls
        Tensor[] inputs = {randomImage(2, 1, 12, 10, 3), randomImage(1, 1, 9, 140, 4), randomImage(1, 1, 40, 7, 5),
            randomImage(9, 1, 5, 30, 6), randomImage(2, 1, 12, 10, 3)};
        try (CpuSrcnn engine = new CpuSrcnn(w, 2)) {
            for (Tensor in : inputs) {
                Tensor target = randomImage(in.n, 1, in.h, in.w, 7);
                try (CpuSrcnn fresh = new CpuSrcnn(w, 2)) {
                    String what = "after other shapes, " + in.shapeString();
                    assertArrayEquals(fresh.forward(in).data, engine.forward(in).data, what + ": forward");
                    assertEquals(fresh.computeGradients(in, target), engine.computeGradients(in, target), 0.0, what);
                    assertArrayEquals(fresh.gradients(), engine.gradients(), what + ": gradients");
                }
            }
        }
    }

    @Test
    void bandedInferenceEqualsOneBand() throws IOException {
        for (SrcnnWeights w : List.of(model915(), model955Rgb())) {
            Tensor in = randomImage(2, w.config().channels(), 70, 9, 8);
            try (CpuSrcnn whole = new CpuSrcnn(w, 2); CpuSrcnn banded = new CpuSrcnn(w, 2, 1)) {
                assertEquals(16, banded.inferencePlan(70, 9)[0], "the tiny budget forces the smallest bands");
                assertEquals(70, whole.inferencePlan(70, 9)[0]);
                assertArrayEquals(whole.forward(in).data, banded.forward(in).data, w.config().filterName());
            }
        }
    }

    @Test
    void fullHdInferenceRunsInBandsOfBoundedMemory() throws IOException {
        try (CpuSrcnn engine = new CpuSrcnn(model915(), 1)) {
            long[] plan = engine.inferencePlan(1080, 1920);
            assertTrue(plan[0] < 1080, "1080 rows of 64+32 channels should not be held at once");
            assertTrue(plan[1] * Float.BYTES <= 160L << 20, "one band holds " + (plan[1] * 4 >> 20) + " MiB");
        }
    }

    @Test
    void workerThreadsAreDaemonsAndEndOnClose() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        CpuSrcnn engine = new CpuSrcnn(model915(), 3);
        engine.forward(randomImage(1, 1, 40, 20, 9)); // enough rows for every worker to start
        Set<Thread> helpers = new HashSet<>(Thread.getAllStackTraces().keySet());
        helpers.removeAll(before);
        helpers.removeIf(t -> !t.getName().startsWith("gpusr-cpu-"));
        assertEquals(2, helpers.size(), "3 threads = the caller and 2 helpers: " + helpers);
        for (Thread t : helpers) assertTrue(t.isDaemon(), t.getName() + " would keep the JVM alive");
        engine.close();
        for (Thread t : helpers) {
            t.join(5000);
            assertFalse(t.isAlive(), t.getName() + " still runs after close()");
        }
        engine.close(); // closing twice is harmless
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> engine.forward(randomImage(1, 1, 4, 4, 1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void upsampleEnlargesEveryPlaneWithTheBicubicResampler() throws IOException {
        Tensor low = randomImage(2, 3, 5, 7, 10);
        try (CpuSrcnn engine = new CpuSrcnn(model955Rgb(), 2)) {
            Tensor up = engine.upsample(low, 3);
            assertEquals(2, up.n);
            assertEquals(3, up.c);
            assertEquals(15, up.h);
            assertEquals(21, up.w);
            for (int plane = 0; plane < 6; plane++) {
                float[] expected = BicubicResampler.upscale(
                        Arrays.copyOfRange(low.data, plane * 35, (plane + 1) * 35), 7, 5, 3);
                assertArrayEquals(expected, Arrays.copyOfRange(up.data, plane * 315, (plane + 1) * 315),
                        "plane " + plane);
            }
            assertThrows(IllegalArgumentException.class, () -> engine.upsample(low, 0));
        }
    }

    @Test
    void optimizerMisuseIsReportedClearly() throws IOException {
        SrcnnWeights w = model915();
        try (CpuSrcnn engine = new CpuSrcnn(w, 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, engine::applyOptimizer);
            assertTrue(e.getMessage().contains("setOptimizer"), e.getMessage());
            OptimizerConfig adam = OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-4f});
            OptimizerState wrong = new OptimizerState(new float[3], new float[3], 0);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> engine.setOptimizer(adam, wrong));
            assertTrue(bad.getMessage().contains("parameters"), bad.getMessage());
        }
    }

    @Test
    void threadCountIsChecked() throws IOException {
        SrcnnWeights w = model915();
        try (CpuSrcnn all = new CpuSrcnn(w, 0)) {
            assertEquals(Runtime.getRuntime().availableProcessors(), all.threads());
            assertTrue(all.name().startsWith("cpu ("), all.name());
            assertEquals("cpu", all.id());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuSrcnn(w, -1));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }

    @Test
    void loadingAModelOfAnotherShapeWorks() throws IOException {
        SrcnnWeights rgb = model955Rgb();
        Tensor in = randomImage(1, 3, 6, 8, 11);
        try (CpuSrcnn engine = new CpuSrcnn(model915(), 2); CpuSrcnn fresh = new CpuSrcnn(rgb, 2)) {
            engine.forward(randomImage(1, 1, 6, 8, 12));
            engine.loadWeights(rgb);
            assertEquals(rgb.config(), engine.config());
            assertEquals(SrcnnConfig.ColorSpace.RGB, engine.config().color());
            assertArrayEquals(fresh.forward(in).data, engine.forward(in).data);
        }
    }
}
