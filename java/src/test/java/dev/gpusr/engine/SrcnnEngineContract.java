package dev.gpusr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SrcnnEngine} must do, checked against numbers it did not make: PyTorch's outputs and
 * gradients (golden files), a plain double-precision SRCNN ({@link ReferenceSrcnn}), finite differences of that
 * reference's loss, and the host optimizer ({@link Optimizers}). An engine's test class extends this and says how
 * to open the engine.
 */
public abstract class SrcnnEngineContract {
    /** Forward outputs: max error relative to the largest |expected| value. */
    protected static final double FORWARD_TOLERANCE = 1e-5;
    /** Loss and each gradient tensor: max error relative to the tensor's largest |expected| value. */
    protected static final double GRADIENT_TOLERANCE = 1e-4;

    /** An engine holding a copy of {@code weights}; the test closes it. */
    protected abstract SrcnnEngine open(SrcnnWeights weights);

    // ---------------------------------------------------------------------------------------- golden data

    /** Works from Maven's folders and from the test jar on a GPU machine alike. */
    protected static Path golden(String name) {
        return dev.gpusr.testing.Golden.path(name);
    }

    /** A golden model and its PyTorch input/output/gradient file. */
    protected record Golden(SrcnnWeights weights, Safetensors io) {
        static Golden load(String stem) throws IOException {
            return new Golden(SrcnnWeights.load(golden(stem + ".weights.safetensors"), 0),
                    Safetensors.read(golden(stem + ".io.safetensors")));
        }

        Tensor tensor(String name) {
            Safetensors.Entry e = io.get(name);
            long[] s = e.shape();
            return new Tensor((int) s[0], (int) s[1], (int) s[2], (int) s[3], e.floats());
        }

        double[] doubles(String name) {
            return io.get(name).doubles();
        }
    }

    protected static final String MODEL_915_Y = "srcnn915_y";
    protected static final String MODEL_955_RGB = "srcnn955_rgb";

    @Test
    void forwardMatchesPyTorch915() throws IOException {
        checkForwardAgainstGolden(MODEL_915_Y);
    }

    @Test
    void forwardMatchesPyTorch955Rgb() throws IOException {
        checkForwardAgainstGolden(MODEL_955_RGB);
    }

    @Test
    void lossAndGradientsMatchPyTorch915() throws IOException {
        checkGradientsAgainstGolden(MODEL_915_Y);
    }

    @Test
    void lossAndGradientsMatchPyTorch955Rgb() throws IOException {
        checkGradientsAgainstGolden(MODEL_955_RGB);
    }

    private void checkForwardAgainstGolden(String stem) throws IOException {
        Golden g = Golden.load(stem);
        Tensor input = g.tensor("input");
        try (SrcnnEngine engine = open(g.weights())) {
            Tensor out = engine.forward(input);
            assertTrue(out.sameShape(input), "output shape " + out.shapeString() + " != input " + input.shapeString());
            assertClose(stem + " output", g.doubles("output"), out.data, FORWARD_TOLERANCE);
        }
    }

    private void checkGradientsAgainstGolden(String stem) throws IOException {
        Golden g = Golden.load(stem);
        try (SrcnnEngine engine = open(g.weights())) {
            double loss = engine.computeGradients(g.tensor("input"), g.tensor("target"));
            double expectedLoss = g.doubles("loss")[0];
            assertEquals(expectedLoss, loss, GRADIENT_TOLERANCE * Math.abs(expectedLoss), stem + " loss");
            assertGradientsClose(stem, g.weights().config(), name -> g.doubles("grad." + name), engine.gradients());
        }
    }

    // ------------------------------------------------------------------------- shapes against the reference

    /** Odd shapes: single pixels, one-pixel-wide and one-pixel-tall images, batches, sizes smaller than a filter. */
    protected static final int[][] ODD_SHAPES = {
        {1, 7, 5}, {3, 13, 11}, {1, 9, 1}, {1, 1, 6}, {1, 1, 1}, {2, 4, 3}, {1, 2, 17},
    };

    @Test
    void forwardMatchesReferenceOnOddShapes() throws IOException {
        for (SrcnnWeights w : List.of(Golden.load(MODEL_915_Y).weights(), tinyModel(5, 3, 3, 1, 11))) {
            SrcnnConfig c = w.config();
            try (SrcnnEngine engine = open(w)) {
                ReferenceSrcnn ref = ReferenceSrcnn.of(c, w.params());
                for (int[] s : ODD_SHAPES) {
                    Tensor in = randomImage(s[0], c.channels(), s[1], s[2], 100 + s[1]);
                    Tensor out = engine.forward(in);
                    String what = c.filterName() + " on " + in.shapeString();
                    assertTrue(out.sameShape(in), what + ": output shape " + out.shapeString());
                    assertClose(what, ref.forward(in), out.data, FORWARD_TOLERANCE);
                }
            }
        }
    }

    @Test
    void gradientsMatchReferenceOnOddShapes() throws IOException {
        for (SrcnnWeights w : List.of(Golden.load(MODEL_915_Y).weights(), tinyModel(3, 1, 3, 3, 12))) {
            SrcnnConfig c = w.config();
            try (SrcnnEngine engine = open(w)) {
                ReferenceSrcnn ref = ReferenceSrcnn.of(c, w.params());
                for (int[] s : ODD_SHAPES) {
                    Tensor in = randomImage(s[0], c.channels(), s[1], s[2], 200 + s[1]);
                    Tensor target = randomImage(s[0], c.channels(), s[1], s[2], 300 + s[2]);
                    assertLossAndGradients(engine, ref, c, in, target, c.filterName() + " on " + in.shapeString());
                }
            }
        }
    }

    /** The engine's loss and gradients of one batch against the double-precision reference's. */
    private static void assertLossAndGradients(SrcnnEngine engine, ReferenceSrcnn ref, SrcnnConfig c, Tensor in,
            Tensor target, String what) {
        double loss = engine.computeGradients(in, target);
        double expectedLoss = ref.loss(in, target);
        assertEquals(expectedLoss, loss, GRADIENT_TOLERANCE * expectedLoss, what + " loss");
        double[] expected = ref.gradients(in, target);
        assertGradientsClose(what, c, name -> slice(c, expected, name), engine.gradients());
    }

    /**
     * Whether the engine trains on centre targets (the paper's labels, {@code --labels centre}); one that does not
     * must refuse them with a message naming {@code --labels full}.
     */
    protected boolean takesCentreTargets() {
        return true;
    }

    @Test
    void centreTargetsCoverOnlyTheCentre() throws IOException {
        for (SrcnnWeights w : List.of(Golden.load(MODEL_915_Y).weights(), tinyModel(3, 1, 3, 3, 12))) {
            SrcnnConfig c = w.config();
            try (SrcnnEngine engine = open(w)) {
                ReferenceSrcnn ref = ReferenceSrcnn.of(c, w.params());
                for (int[] s : new int[][] {{2, 17, 15}, {1, 15, 19}, {3, 21, 21}}) {
                    int m = c.halo();
                    Tensor in = randomImage(s[0], c.channels(), s[1], s[2], 400 + s[1]);
                    Tensor target = randomImage(s[0], c.channels(), s[1] - 2 * m, s[2] - 2 * m, 500 + s[2]);
                    String what = c.filterName() + " on " + in.shapeString() + " with a centre target "
                            + target.shapeString();
                    if (!takesCentreTargets()) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> engine.computeGradients(in, target), what);
                        assertTrue(e.getMessage().contains("--labels full"), e.getMessage());
                        return;
                    }
                    assertLossAndGradients(engine, ref, c, in, target, what);
                }
            }
        }
    }

    @Test
    void imagesOfABatchDoNotInfluenceEachOther() throws IOException {
        SrcnnWeights w = Golden.load(MODEL_955_RGB).weights();
        Tensor batch = randomImage(4, 3, 9, 6, 7);
        try (SrcnnEngine engine = open(w)) {
            Tensor out = engine.forward(batch);
            int item = batch.c * batch.h * batch.w;
            for (int b = 0; b < batch.n; b++) {
                Tensor alone = new Tensor(1, batch.c, batch.h, batch.w,
                        Arrays.copyOfRange(batch.data, b * item, (b + 1) * item));
                double[] expected = toDoubles(engine.forward(alone).data);
                // a leak between neighbouring images would be orders of magnitude larger than rounding
                assertClose("item " + b + " of the batch", expected,
                        Arrays.copyOfRange(out.data, b * item, (b + 1) * item), FORWARD_TOLERANCE);
            }
        }
    }

    @Test
    void forwardReturnsAFreshTensorAndLeavesTheInputAlone() throws IOException {
        SrcnnWeights w = Golden.load(MODEL_915_Y).weights();
        Tensor in = randomImage(2, 1, 12, 10, 5);
        Tensor before = in.copy();
        try (SrcnnEngine engine = open(w)) {
            Tensor a = engine.forward(in);
            Tensor b = engine.forward(in);
            assertNotSame(a.data, b.data, "each forward returns its own array");
            assertNotSame(in.data, a.data);
            assertArrayEquals(before.data, in.data, "forward changed its input");
            assertArrayEquals(a.data, b.data, "same input, different output");
            for (float v : a.data) assertTrue(Float.isFinite(v), "non-finite output " + v);
        }
    }

    @Test
    void computeGradientsReplacesTheStoredGradients() throws IOException {
        SrcnnWeights w = Golden.load(MODEL_915_Y).weights();
        Tensor in = randomImage(1, 1, 8, 9, 1);
        Tensor target = randomImage(1, 1, 8, 9, 2);
        Tensor otherIn = randomImage(2, 1, 5, 6, 3);
        Tensor otherTarget = randomImage(2, 1, 5, 6, 4);
        try (SrcnnEngine engine = open(w)) {
            double loss = engine.computeGradients(in, target);
            float[] first = engine.gradients();
            engine.computeGradients(otherIn, otherTarget);
            assertEquals(loss, engine.computeGradients(in, target), 1e-12 + 1e-6 * loss);
            float[] again = engine.gradients();
            assertClose("gradients after recomputing", toDoubles(first), again, 1e-6);
            again[0] += 1;
            assertEquals(first[0], engine.gradients()[0], 1e-6 * Math.abs(first[0]) + 1e-12,
                    "gradients() must return a copy");
        }
    }

    // ------------------------------------------------------------------------------- finite differences

    @Test
    void gradientsAgreeWithFiniteDifferencesOfTheReference() {
        checkFiniteDifferences(tinyModel(5, 3, 3, 1, 21), randomImage(2, 1, 7, 6, 22), randomImage(2, 1, 7, 6, 23));
        checkFiniteDifferences(tinyModel(3, 1, 3, 3, 31), randomImage(1, 3, 5, 8, 32), randomImage(1, 3, 5, 8, 33));
    }

    private void checkFiniteDifferences(SrcnnWeights w, Tensor in, Tensor target) {
        SrcnnConfig c = w.config();
        ReferenceSrcnn ref = ReferenceSrcnn.of(c, w.params());
        float[] engineGrads;
        try (SrcnnEngine engine = open(w)) {
            engine.computeGradients(in, target);
            engineGrads = engine.gradients();
        }
        double[] numeric = finiteDifferences(ref, in, target, sampleIndices(c));
        String problem = compareWithFiniteDifferences(c, toDoubles(engineGrads), numeric);
        if (problem != null) fail(c.filterName() + " c=" + c.channels() + ": engine vs finite differences: " + problem);
        String refProblem = compareWithFiniteDifferences(c, ref.gradients(in, target), numeric);
        if (refProblem != null) fail("the reference's own backprop disagrees with finite differences: " + refProblem);

        // The check must be able to fail: a gradient 2% off in one element of each tensor is caught.
        for (Param p : Param.values()) {
            double[] corrupted = toDoubles(engineGrads);
            int worst = largestSampled(c, numeric, p);
            corrupted[worst] *= 1.02;
            assertTrue(compareWithFiniteDifferences(c, corrupted, numeric) != null,
                    "a 2% error in " + p.tensorName + " went unnoticed");
        }
    }

    /** Every parameter of a tiny model is sampled: all weights and biases of all three layers. */
    private static int[] sampleIndices(SrcnnConfig c) {
        int[] all = new int[c.paramCount()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return all;
    }

    /** Central differences of the double reference loss; entries not sampled are NaN. */
    private static double[] finiteDifferences(ReferenceSrcnn ref, Tensor in, Tensor target, int[] indices) {
        double step = 1e-6;
        double[] out = new double[ref.gradients(in, target).length];
        Arrays.fill(out, Double.NaN);
        for (int i : indices) {
            out[i] = (ref.nudged(i, step).loss(in, target) - ref.nudged(i, -step).loss(in, target)) / (2 * step);
        }
        return out;
    }

    /** null when each sampled gradient is within 1e-4 of its tensor's max |value| + 1e-3 of its own, else why not. */
    private static String compareWithFiniteDifferences(SrcnnConfig c, double[] grads, double[] numeric) {
        for (Param p : Param.values()) {
            int off = c.offset(p);
            double scale = 0;
            for (int i = off; i < off + c.size(p); i++) {
                if (!Double.isNaN(numeric[i])) scale = Math.max(scale, Math.abs(numeric[i]));
            }
            if (scale == 0) return p.tensorName + ": all finite differences are zero (the check would be vacuous)";
            for (int i = off; i < off + c.size(p); i++) {
                if (Double.isNaN(numeric[i])) continue;
                double err = Math.abs(grads[i] - numeric[i]);
                if (err > 1e-4 * scale + 1e-3 * Math.abs(numeric[i])) {
                    return p.tensorName + "[" + (i - off) + "] = " + grads[i] + ", finite difference " + numeric[i]
                            + " (tensor max " + scale + ")";
                }
            }
        }
        return null;
    }

    private static int largestSampled(SrcnnConfig c, double[] numeric, Param p) {
        int best = c.offset(p);
        for (int i = c.offset(p); i < c.offset(p) + c.size(p); i++) {
            if (Math.abs(numeric[i]) > Math.abs(numeric[best])) best = i;
        }
        return best;
    }

    // --------------------------------------------------------------------------------------- optimizers

    @Test
    void sgdStepsMatchTheHostOptimizer() throws IOException {
        checkOptimizerSteps(new OptimizerConfig(OptimizerConfig.Kind.SGD, new float[] {1e-2f, 2e-2f, 5e-3f}, 0.9f,
                0.9f, 0.999f, 1e-8f), null);
    }

    @Test
    void adamStepsMatchTheHostOptimizer() throws IOException {
        checkOptimizerSteps(OptimizerConfig.adam(new float[] {1e-3f, 2e-3f, 5e-4f}), null);
    }

    @Test
    void adamContinuesFromAGivenState() throws IOException {
        OptimizerConfig cfg = OptimizerConfig.adam(new float[] {1e-3f, 1e-3f, 1e-4f});
        int count = Golden.load(MODEL_915_Y).weights().config().paramCount();
        Random rng = new Random(9);
        float[] m = new float[count];
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            m[i] = (float) (rng.nextGaussian() * 1e-3);
            v[i] = (float) (rng.nextDouble() * 1e-6);
        }
        checkOptimizerSteps(cfg, new OptimizerState(m, v, 7));
    }

    /** Two gradient + update steps on the engine against the same steps on host copies. */
    private void checkOptimizerSteps(OptimizerConfig cfg, OptimizerState start) throws IOException {
        Golden g = Golden.load(MODEL_915_Y);
        SrcnnConfig c = g.weights().config();
        Tensor in = g.tensor("input");
        Tensor target = g.tensor("target");
        float[] hostParams = g.weights().params().clone();
        OptimizerState hostState = start == null ? OptimizerState.zeros(cfg, c.paramCount()) : start.copy();
        try (SrcnnEngine engine = open(g.weights())) {
            engine.setOptimizer(cfg, start);
            for (int step = 1; step <= 2; step++) {
                engine.computeGradients(in, target);
                float[] grads = engine.gradients();
                float[] before = engine.weights().params();
                assertClose("weights before step " + step, toDoubles(hostParams), before, 1e-6);
                engine.applyOptimizer();
                hostState = Optimizers.apply(cfg, hostState, c, before, grads); // `before` becomes the host result
                float[] after = engine.weights().params();
                assertMovedLike(cfg.kind() + " step " + step, hostParams, before, after);
                hostParams = before;
                OptimizerState state = engine.optimizerState();
                assertEquals(hostState.step(), state.step(), "step count");
                assertClose(cfg.kind() + " state m after step " + step, toDoubles(hostState.m()), state.m(), 1e-6);
                assertClose(cfg.kind() + " state v after step " + step, toDoubles(hostState.v()), state.v(), 1e-6);
            }
        }
    }

    /**
     * The engine's update equals the host's to 1e-6 of the largest change plus one float rounding of the weight
     * itself (a GPU's sqrt and division may round the last bit differently), and something did change.
     */
    private static void assertMovedLike(String what, float[] old, float[] expected, float[] actual) {
        double largestChange = 0;
        for (int i = 0; i < old.length; i++) largestChange = Math.max(largestChange, Math.abs(expected[i] - old[i]));
        assertTrue(largestChange > 0, what + ": the update changed nothing");
        for (int i = 0; i < old.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            double allowed = 1e-6 * largestChange + Math.ulp(expected[i]);
            if (diff > allowed) {
                fail(what + ": engine update differs from the host optimizer by " + diff + " at " + i + " (allowed "
                        + allowed + ", largest change " + largestChange + ")");
            }
        }
    }

    @Test
    void configIsTheResidentModelsConfig() throws IOException {
        SrcnnWeights y = Golden.load(MODEL_915_Y).weights();
        SrcnnConfig c = y.config();
        // same tensor shapes, another scale: an engine may keep its buffers but must report the new config
        SrcnnConfig other = new SrcnnConfig(c.channels(), c.n1(), c.n2(), c.f1(), c.f2(), c.f3(), c.scale() + 1,
                c.color());
        try (SrcnnEngine engine = open(y)) {
            assertEquals(c, engine.config());
            engine.loadWeights(new SrcnnWeights(other, y.params()));
            assertEquals(other, engine.config());
            assertEquals(engine.weights().config(), engine.config());
        }
    }

    @Test
    void loadWeightsReplacesWeightsAndResetsTheOptimizerState() throws IOException {
        Golden g = Golden.load(MODEL_915_Y);
        SrcnnWeights other = SrcnnWeights.gaussian(g.weights().config(), 1e-3, 5);
        try (SrcnnEngine engine = open(g.weights())) {
            assertArrayEquals(g.weights().params(), engine.weights().params());
            OptimizerConfig cfg = OptimizerConfig.paperSgd();
            engine.setOptimizer(cfg, null);
            engine.trainStep(g.tensor("input"), g.tensor("target"), false);
            assertEquals(1, engine.optimizerState().step());
            engine.loadWeights(other);
            assertArrayEquals(other.params(), engine.weights().params());
            OptimizerState state = engine.optimizerState();
            assertEquals(0, state.step(), "loadWeights keeps the optimizer but resets its state");
            for (float m : state.m()) assertEquals(0f, m);
            float[] copy = engine.weights().params();
            copy[0] = 42;
            assertEquals(other.params()[0], engine.weights().params()[0], "weights() must return a copy");
        }
    }

    @Test
    void trainStepReturnsTheLossOnlyWhenAsked() throws IOException {
        Golden g = Golden.load(MODEL_915_Y);
        try (SrcnnEngine engine = open(g.weights())) {
            engine.setOptimizer(OptimizerConfig.paperSgd(), null);
            double first = engine.trainStep(g.tensor("input"), g.tensor("target"), true);
            assertEquals(g.doubles("loss")[0], first, GRADIENT_TOLERANCE * first);
            assertTrue(Double.isNaN(engine.trainStep(g.tensor("input"), g.tensor("target"), false)));
        }
    }

    @Test
    void rejectsMismatchedShapes() throws IOException {
        try (SrcnnEngine engine = open(Golden.load(MODEL_915_Y).weights())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(new Tensor(1, 3, 4, 4)));
            assertTrue(e.getMessage().contains("channel"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> engine.computeGradients(new Tensor(1, 1, 4, 4), new Tensor(1, 1, 4, 5)));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
            // smaller, but not by the same margin on every side: not a centre
            e = assertThrows(IllegalArgumentException.class,
                    () -> engine.computeGradients(new Tensor(1, 1, 9, 9), new Tensor(1, 1, 5, 3)));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> engine.computeGradients(new Tensor(1, 1, 9, 9), new Tensor(1, 1, 8, 8)));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A small model with random weights and non-zero biases (so every bias gradient path matters). */
    protected static SrcnnWeights tinyModel(int f1, int f2, int f3, int channels, long seed) {
        SrcnnConfig c = new SrcnnConfig(channels, 4, 3, f1, f2, f3, 2, channels == 1 ? ColorSpace.Y : ColorSpace.RGB);
        SrcnnWeights w = SrcnnWeights.gaussian(c, 0.3, seed);
        Random rng = new Random(seed + 1);
        for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
            int off = c.offset(Param.bias(l));
            for (int i = 0; i < c.size(Param.bias(l)); i++) w.params()[off + i] = (float) (rng.nextGaussian() * 0.1);
        }
        return w;
    }

    protected static Tensor randomImage(int n, int c, int h, int w, long seed) {
        Random rng = new Random(seed);
        Tensor t = new Tensor(n, c, h, w);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rng.nextFloat();
        return t;
    }

    protected static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double[] slice(SrcnnConfig c, double[] flat, String tensorName) {
        for (Param p : Param.values()) {
            if (p.tensorName.equals(tensorName)) {
                return Arrays.copyOfRange(flat, c.offset(p), c.offset(p) + c.size(p));
            }
        }
        throw new IllegalArgumentException(tensorName);
    }

    protected static void assertGradientsClose(String what, SrcnnConfig c,
            java.util.function.Function<String, double[]> expected, float[] grads) {
        assertEquals(c.paramCount(), grads.length, what + ": gradient count");
        List<String> failures = new ArrayList<>();
        for (Param p : Param.values()) {
            float[] actual = Arrays.copyOfRange(grads, c.offset(p), c.offset(p) + c.size(p));
            String problem = closeness(expected.apply(p.tensorName), actual, GRADIENT_TOLERANCE);
            if (problem != null) failures.add(p.tensorName + ": " + problem);
        }
        if (!failures.isEmpty()) fail(what + " gradients: " + String.join("; ", failures));
    }

    /** Max |actual - expected| must be at most tol * max |expected| (and expected must not be all zero). */
    protected static void assertClose(String what, double[] expected, float[] actual, double tol) {
        String problem = closeness(expected, actual, tol);
        if (problem != null) fail(what + ": " + problem);
    }

    private static String closeness(double[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) return "length " + actual.length + ", expected " + expected.length;
        if (expected.length == 0) return null;
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        double worst = -1;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= worst)) { // NaN counts as worst
                worst = err;
                at = i;
            }
        }
        if (scale == 0) {
            return worst == 0 ? null : "expected all zeros, got " + actual[at] + " at " + at;
        }
        if (!(worst <= tol * scale)) {
            return "max error " + worst + " at " + at + " (got " + actual[at] + ", expected " + expected[at]
                    + ") exceeds " + tol + " x " + scale;
        }
        return null;
    }
}
