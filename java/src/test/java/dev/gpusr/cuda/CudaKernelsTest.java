package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ColorConversion;
import dev.gpusr.metrics.Metrics;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.resample.BicubicResampler;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.optim.OptimizerState;
import dev.gpusr.optim.Optimizers;
import java.util.Arrays;
import java.util.Random;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kernel against a CPU reference (the project's own where one exists: BicubicResampler, Optimizers,
 * ColorConversion, Metrics) on random inputs of odd sizes, which take the kernels' scalar paths, and of sizes that
 * are multiples of 4, which take the vector paths. Outputs start as NaN with a NaN guard behind them.
 */
@Tag("gpu")
class CudaKernelsTest {
    private static final double TOLERANCE = 1e-5;

    private static CudaKernels kernels;
    private static cudaStream_t stream;
    private static CUstream s;

    private DeviceBuffers gpu;
    private final Random random = new Random(20261126);

    @BeforeAll
    static void open() {
        if (!GpuAvailability.usable()) return; // each test then reports itself skipped, with the reason
        DeviceBuffers.check("cudaSetDevice", JCuda.cudaSetDevice(0));
        DeviceBuffers.check("cudaFree(0)", JCuda.cudaFree(new Pointer()));
        kernels = CudaKernels.load();
        stream = new cudaStream_t();
        DeviceBuffers.check("cudaStreamCreate", JCuda.cudaStreamCreate(stream));
        s = new CUstream(stream);
    }

    @AfterAll
    static void close() {
        if (kernels != null) kernels.close();
        if (stream != null) JCuda.cudaStreamDestroy(stream);
    }

    @BeforeEach
    void buffers() {
        Assumptions.assumeTrue(kernels != null,
                () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse(""));
        gpu = new DeviceBuffers(stream);
    }

    @AfterEach
    void free() {
        if (gpu != null) gpu.close();
    }

    // ---- bias + ReLU --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "n={0} c={1} {2}x{3} relu={4}")
    @CsvSource({"3, 5, 17, 23, true", "3, 5, 17, 23, false", "2, 4, 16, 20, true", "1, 3, 300, 301, true"})
    void biasActivationAddsTheChannelBiasAndClampsNegatives(int n, int c, int h, int w, boolean relu) {
        int hw = h * w;
        float[] x = uniform(n * c * hw, -1, 1);
        float[] bias = uniform(c, -0.5f, 0.5f);
        Pointer dx = gpu.floats(x);
        kernels.biasActivation(s, dx, gpu.floats(bias), n, c, hw, relu);
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = x[i] + bias[(i / hw) % c];
            expected[i] = relu && v < 0 ? 0 : v;
        }
        assertArrayEquals(expected, gpu.readFloats(dx, x.length));
    }

    @ParameterizedTest(name = "n={0} c={1} {2}x{3} relu={4}")
    @CsvSource({
        "3, 5, 17, 23, true", "3, 5, 17, 23, false", "2, 4, 16, 20, true", // one block per channel
        "2, 3, 300, 301, true", "5, 2, 128, 128, false", "40, 3, 33, 33, true" // partials + finishing pass
    })
    void biasActivationBackwardMasksAndSumsPerChannel(int n, int c, int h, int w, boolean relu) {
        int hw = h * w;
        float[] dy = uniform(n * c * hw, -1, 1);
        float[] y = uniform(n * c * hw, -1, 1);
        for (int i = 0; i < y.length; i += 7) y[i] = 0; // ReLU outputs are often exactly 0: masked too
        Pointer ddy = gpu.floats(dy);
        Pointer dbias = gpu.poisonedFloats(c);
        kernels.biasActivationBackward(s, ddy, gpu.floats(y), dbias, n, c, hw, relu);

        float[] expectedDy = dy.clone();
        double[] expectedBias = new double[c];
        for (int i = 0; i < dy.length; i++) {
            if (relu && y[i] <= 0) expectedDy[i] = 0;
            expectedBias[(i / hw) % c] += expectedDy[i];
        }
        assertArrayEquals(expectedDy, gpu.readFloats(ddy, dy.length));
        float[] first = gpu.readFloats(dbias, c);
        assertWithin(toFloat(expectedBias), first, TOLERANCE, 1, "dbias");

        // the gradient is overwritten, and the same on every run, bit for bit
        kernels.biasActivationBackward(s, ddy, gpu.floats(y), dbias, n, c, hw, relu);
        assertArrayEquals(first, gpu.readFloats(dbias, c), "dbias of a second run");
    }

    // ---- MSE and SSE --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "count={0} offset={1}")
    @CsvSource({"5865, 0", "320, 0", "1000003, 0", "1000003, 1", "8193, 3"})
    void mseLossAndGradientMatchTheDefinitionAndRepeatBitForBit(int count, int offsetFloats) {
        float[] out = uniform(count, 0, 1);
        float[] target = uniform(count, 0, 1);
        // an offset of 1 or 3 floats makes the buffers 16-byte misaligned: the scalar path
        Pointer dOut = gpu.poisonedFloats(count + offsetFloats);
        Pointer loss = gpu.poisonedFloats(1);
        Pointer scratch = gpu.scratchFloats(CudaKernels.reductionScratchFloats(count));
        Pointer dOutAt = dOut.withByteOffset(4L * offsetFloats);
        Pointer outAt = gpu.floats(concat(new float[offsetFloats], out)).withByteOffset(4L * offsetFloats);
        Pointer targetAt = gpu.floats(concat(new float[offsetFloats], target)).withByteOffset(4L * offsetFloats);
        kernels.mseLossAndGrad(s, outAt, targetAt, dOutAt, loss, scratch, count);

        double sum = 0;
        float[] expectedGrad = new float[count];
        for (int i = 0; i < count; i++) {
            double d = (double) out[i] - target[i];
            sum += d * d;
            expectedGrad[i] = (float) (2 * d / count);
        }
        float firstLoss = gpu.readFloats(loss, 1)[0];
        assertEquals(sum / count, firstLoss, TOLERANCE * sum / count, "loss");
        float[] grad = Arrays.copyOfRange(gpu.readFloats(dOut, count + offsetFloats), offsetFloats, count + offsetFloats);
        assertWithin(expectedGrad, grad, TOLERANCE, 1e-12, "dOut");

        kernels.mseLossAndGrad(s, outAt, targetAt, dOutAt, loss, scratch, count);
        assertEquals(Float.floatToRawIntBits(firstLoss), Float.floatToRawIntBits(gpu.readFloats(loss, 1)[0]),
                "loss of a second run must be bit-identical");
    }

    /**
     * The last block of each launch resets the instance's ticket counter; a counter left non-zero, or wrapped at the
     * wrong value, would make a later launch of another grid size finish early or never, and its loss wrong. Grids
     * of 1, 1024 (8196 floats per block) and 123 blocks, each size twice, interleaved.
     */
    @Test
    void mseLossStaysRightAndRepeatableWhenTheGridSizeChangesBetweenCalls() {
        int[] counts = {320, 1024 * 8196 - 3, 1000003};
        Pointer scratch = gpu.scratchFloats(CudaKernels.MAX_REDUCTION_SCRATCH_FLOATS);
        Pointer loss = gpu.poisonedFloats(1);
        float[] firstLoss = new float[counts.length];
        for (int round = 0; round < 2; round++) {
            for (int c = 0; c < counts.length; c++) {
                int count = counts[c];
                Random values = new Random(count); // the same inputs in both rounds
                float[] out = new float[count];
                float[] target = new float[count];
                double sum = 0;
                for (int i = 0; i < count; i++) {
                    out[i] = values.nextFloat();
                    target[i] = values.nextFloat();
                    double d = (double) out[i] - target[i];
                    sum += d * d;
                }
                Pointer dOut = gpu.poisonedFloats(count);
                kernels.mseLossAndGrad(s, gpu.floats(out), gpu.floats(target), dOut, loss, scratch, count);
                float got = gpu.readFloats(loss, 1)[0];
                assertEquals(sum / count, got, TOLERANCE * sum / count, "loss of count " + count + " round " + round);
                if (round == 0) {
                    firstLoss[c] = got;
                } else {
                    assertEquals(Float.floatToRawIntBits(firstLoss[c]), Float.floatToRawIntBits(got),
                            "loss of count " + count + " must repeat bit for bit");
                }
            }
        }
    }

    @ParameterizedTest(name = "planes={0} {1}x{2} shave={3}")
    @CsvSource({"3, 17, 23, 2", "3, 17, 23, 0", "1, 64, 48, 3", "2, 300, 301, 4", "3, 40, 36, 2", "2, 1080, 1920, 3"})
    void sumSquaredErrorIsExactOnEightBitLevels(int planes, int h, int w, int shave) {
        int count = planes * h * w;
        float[] a = uniform(count, -0.1f, 1.1f); // beyond [0, 1] to exercise the clamp
        float[] b = a.clone();
        for (int i = 0; i < count; i++) b[i] += (float) (random.nextGaussian() * 0.02);
        for (int i = 0; i < count; i += 11) b[i] = Math.round(a[i] * 255) / 255f + 0.5f / 255; // rounding ties
        Pointer sse = gpu.poisonedFloats(2);
        Pointer scratch = gpu.scratchFloats(CudaKernels.reductionScratchFloats(count));
        kernels.sumSquaredError(s, gpu.floats(a), gpu.floats(b), sse, scratch, planes, h, w, shave);

        double expected = 0;
        int plane = h * w;
        for (int p = 0; p < planes; p++) {
            float[] la = Metrics.toUint8Levels(Arrays.copyOfRange(a, p * plane, (p + 1) * plane));
            float[] lb = Metrics.toUint8Levels(Arrays.copyOfRange(b, p * plane, (p + 1) * plane));
            expected += Metrics.mse(la, lb, w, h, shave) * (w - 2 * shave) * (h - 2 * shave);
        }
        assertTrue(expected > 0);
        assertEquals(Math.rint(expected), gpu.readDouble(sse), 0.0, "an exact integer sum");
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    /** A small odd-sized model so every layer boundary falls inside a block. */
    private static final SrcnnConfig SMALL = new SrcnnConfig(1, 5, 3, 3, 1, 3, 2, SrcnnConfig.ColorSpace.Y);

    private static int[] layerEnds(SrcnnConfig model) {
        int[] ends = new int[SrcnnConfig.LAYERS];
        for (int l = 0; l < ends.length; l++) ends[l] = model.layerEnd(l);
        return ends;
    }

    @Test
    void sgdMomentumMatchesOptimizersApplyOverSeveralSteps() {
        OptimizerConfig cfg = new OptimizerConfig(OptimizerConfig.Kind.SGD, new float[] {1e-2f, 3e-2f, 5e-3f}, 0.9f,
                0.9f, 0.999f, 1e-8f);
        int count = SMALL.paramCount();
        float[] params = uniform(count, -1, 1);
        OptimizerState state = new OptimizerState(uniform(count, -0.1f, 0.1f), new float[0], 4);
        Pointer p = gpu.floats(params);
        Pointer m = gpu.floats(state.m());
        for (int step = 0; step < 3; step++) {
            float[] grads = uniform(count, -1, 1);
            kernels.sgdMomentum(s, p, gpu.floats(grads), m, count, layerEnds(SMALL), cfg.lr(), cfg.momentum());
            state = Optimizers.apply(cfg, state, SMALL, params, grads);
            assertWithin(params, gpu.readFloats(p, count), TOLERANCE, 1e-6, "params after step " + step);
            assertWithin(state.m(), gpu.readFloats(m, count), TOLERANCE, 1e-6, "momentum after step " + step);
        }
    }

    @Test
    void adamMatchesOptimizersApplyOverSeveralSteps() {
        OptimizerConfig cfg = OptimizerConfig.adam(new float[] {1e-3f, 2e-3f, 1e-4f});
        int count = SMALL.paramCount();
        float[] params = uniform(count, -1, 1);
        OptimizerState state = OptimizerState.zeros(cfg, count);
        Pointer p = gpu.floats(params);
        Pointer m = gpu.floats(state.m());
        Pointer v = gpu.floats(state.v());
        for (int step = 0; step < 3; step++) {
            float[] grads = uniform(count, -1, 1);
            kernels.adam(s, p, gpu.floats(grads), m, v, count, layerEnds(SMALL), cfg.lr(), cfg.beta1(), cfg.beta2(),
                    cfg.eps(), state.step() + 1);
            state = Optimizers.apply(cfg, state, SMALL, params, grads);
            assertWithin(params, gpu.readFloats(p, count), TOLERANCE, 1e-6, "params after step " + step);
            assertWithin(state.m(), gpu.readFloats(m, count), TOLERANCE, 1e-6, "first moment after step " + step);
            assertWithin(state.v(), gpu.readFloats(v, count), TOLERANCE, 1e-9, "second moment after step " + step);
        }
    }

    @Test
    void optimizerRejectsLayerEndsThatDoNotCoverTheParameters() {
        Pointer p = gpu.poisonedFloats(10);
        assertThrows(IllegalArgumentException.class,
                () -> kernels.sgdMomentum(s, p, p, p, 10, new int[] {4, 9}, new float[] {1, 1}, 0.9f));
        assertThrows(IllegalArgumentException.class,
                () -> kernels.adam(s, p, p, p, p, 10, new int[] {10}, new float[] {1}, 0.9f, 0.999f, 1e-8f, 0));
    }

    // ---- bicubic ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "x{3} of {0} planes {1}x{2}")
    @CsvSource({"3, 17, 23, 2", "3, 17, 23, 3", "3, 17, 23, 4", "2, 70, 150, 3", "1, 9, 5, 1"})
    void bicubicUpscaleMatchesBicubicResampler(int planes, int h, int w, int k) {
        float[] src = uniform(planes * h * w, 0, 1);
        Pointer dst = gpu.poisonedFloats(planes * h * k * w * k);
        kernels.bicubicUpscale(s, gpu.floats(src), dst, planes, h, w, k);
        float[] got = gpu.readFloats(dst, planes * h * k * w * k);
        for (int p = 0; p < planes; p++) {
            float[] expected = BicubicResampler.upscale(Arrays.copyOfRange(src, p * h * w, (p + 1) * h * w), w, h, k);
            float[] plane = Arrays.copyOfRange(got, p * expected.length, (p + 1) * expected.length);
            assertWithin(expected, plane, TOLERANCE, 1, "plane " + p);
        }
        // a second call takes the cached tables
        Pointer again = gpu.poisonedFloats(got.length);
        kernels.bicubicUpscale(s, gpu.floats(src), again, planes, h, w, k);
        assertArrayEquals(got, gpu.readFloats(again, got.length));
    }

    /**
     * The device pixel path's bicubic step: the enlarging kernel over one tile's low-resolution window with the
     * image's tables rebased onto it (DeviceTilePlan) gives, for every tile of odd sizes cut at odd offsets, exactly
     * the values of the whole-image launch, and BicubicResampler's within the usual tolerance.
     */
    @ParameterizedTest(name = "x{3} of {0} planes {1}x{2}, tiles of {4}")
    @CsvSource({"3, 17, 23, 2, 16", "4, 29, 41, 3, 20", "2, 23, 37, 2, 13", "1, 7, 7, 3, 5", "3, 150, 70, 2, 64",
            "2, 18, 25, 4, 1024"})
    void bicubicOverATileWindowGivesTheWholeImageValues(int planes, int h, int w, int k, int tile) {
        float[] src = uniform(planes * h * w, 0, 1);
        int outH = k * h, outW = k * w;
        Pointer whole = gpu.poisonedFloats(planes * outH * outW);
        kernels.bicubicUpscale(s, gpu.floats(src), whole, planes, h, w, k);
        float[] wholeValues = gpu.readFloats(whole, planes * outH * outW);
        float[] reference = new float[wholeValues.length];
        for (int p = 0; p < planes; p++) {
            float[] plane = BicubicResampler.upscale(Arrays.copyOfRange(src, p * h * w, (p + 1) * h * w), w, h, k);
            System.arraycopy(plane, 0, reference, p * plane.length, plane.length);
        }

        DeviceTilePlan plan = DeviceTilePlan.of(w, h, k, 6, tile);
        java.nio.ByteBuffer blob = java.nio.ByteBuffer.allocate((int) plan.tableBytes());
        plan.writeTables(blob, 0);
        Pointer tables = gpu.bytes(blob.array());
        for (DeviceTilePlan.Tile t : plan.tiles()) {
            DeviceTilePlan.Band r = t.rows(), c = t.cols();
            int wh = r.windowLength(), ww = c.windowLength();
            int eh = r.span().cropLength(), ew = c.span().cropLength();
            float[] window = new float[planes * wh * ww];
            for (int p = 0; p < planes; p++) {
                for (int y = 0; y < wh; y++) {
                    System.arraycopy(src, (p * h + r.windowStart() + y) * w + c.windowStart(), window,
                            (p * wh + y) * ww, ww);
                }
            }
            Pointer crop = gpu.poisonedFloats(planes * eh * ew);
            kernels.bicubicEnlargeRegion(s, gpu.floats(window), crop, planes, wh, ww, eh, ew,
                    tables.withByteOffset(r.indexOffset()), tables.withByteOffset(r.weightOffset()), r.table().taps(),
                    tables.withByteOffset(c.indexOffset()), tables.withByteOffset(c.weightOffset()), c.table().taps(),
                    tables.withByteOffset(c.blockStartOffset()), c.blockSpan());
            float[] got = gpu.readFloats(crop, planes * eh * ew);
            float[] want = new float[got.length], cpu = new float[got.length];
            for (int p = 0; p < planes; p++) {
                for (int y = 0; y < eh; y++) {
                    int from = (p * outH + r.span().cropStart() + y) * outW + c.span().cropStart();
                    System.arraycopy(wholeValues, from, want, (p * eh + y) * ew, ew);
                    System.arraycopy(reference, from, cpu, (p * eh + y) * ew, ew);
                }
            }
            String what = "tile rows " + r.span() + " cols " + c.span();
            assertArrayEquals(want, got, what + ": the whole-image launch's values");
            assertWithin(cpu, got, TOLERANCE, 1, what + " vs BicubicResampler");
        }
    }

    @ParameterizedTest(name = "/{3} of {0} planes {1}x{2}")
    @CsvSource({"3, 37, 41, 2", "3, 37, 41, 3", "3, 37, 41, 4", "2, 150, 301, 2", "1, 50, 70, 8"})
    void bicubicDownscaleMatchesBicubicResampler(int planes, int h, int w, int k) {
        float[] src = uniform(planes * h * w, 0, 1);
        int oh = (h + k - 1) / k;
        int ow = (w + k - 1) / k;
        Pointer dst = gpu.poisonedFloats(planes * oh * ow);
        kernels.bicubicDownscale(s, gpu.floats(src), dst, planes, h, w, k);
        float[] got = gpu.readFloats(dst, planes * oh * ow);
        for (int p = 0; p < planes; p++) {
            float[] expected = BicubicResampler.downscale(Arrays.copyOfRange(src, p * h * w, (p + 1) * h * w), w, h, k);
            assertEquals(oh * ow, expected.length);
            assertWithin(expected, Arrays.copyOfRange(got, p * oh * ow, (p + 1) * oh * ow), TOLERANCE, 1, "plane " + p);
        }
    }

    // ---- pixels -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "channels={0} bytes={1} {2}x{3}")
    @CsvSource({"1, 1, 17, 23", "1, 2, 17, 23", "3, 1, 17, 23", "3, 2, 17, 23", "1, 1, 16, 20", "1, 2, 16, 20",
            "3, 1, 16, 20", "3, 2, 16, 20"})
    void unpackGivesSamplesOverTheirMaximum(int channels, int bytes, int h, int w) {
        int n = 3;
        int hw = h * w;
        byte[] packed = randomBytes(n * hw * channels * bytes);
        Pointer planes = gpu.poisonedFloats(n * channels * hw);
        kernels.unpackPixels(s, gpu.bytes(packed), planes, n, h, w, channels, bytes, false);
        float[] expected = new float[n * channels * hw];
        float max = bytes == 1 ? 255f : 65535f;
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < hw; i++) {
                for (int c = 0; c < channels; c++) {
                    expected[(img * channels + c) * hw + i] = sample(packed, (img * hw + i) * channels + c, bytes) / max;
                }
            }
        }
        assertArrayEquals(expected, gpu.readFloats(planes, expected.length));
    }

    @ParameterizedTest(name = "bytes={0} {1}x{2}")
    @CsvSource({"1, 17, 23", "2, 17, 23", "1, 16, 20", "2, 16, 20"})
    void unpackToYcbcrMatchesColorConversion(int bytes, int h, int w) {
        int n = 2;
        int hw = h * w;
        byte[] packed = randomBytes(n * hw * 3 * bytes);
        Pointer planes = gpu.poisonedFloats(n * 3 * hw);
        kernels.unpackPixels(s, gpu.bytes(packed), planes, n, h, w, 3, bytes, true);
        float[] got = gpu.readFloats(planes, n * 3 * hw);
        float max = bytes == 1 ? 255f : 65535f;
        for (int img = 0; img < n; img++) {
            float[][] rgb = new float[3][hw];
            for (int i = 0; i < hw; i++) {
                for (int c = 0; c < 3; c++) rgb[c][i] = sample(packed, (img * hw + i) * 3 + c, bytes) / max;
            }
            float[][] ycbcr = ColorConversion.rgbToYcbcr(rgb);
            for (int c = 0; c < 3; c++) {
                float[] plane = Arrays.copyOfRange(got, (img * 3 + c) * hw, (img * 3 + c + 1) * hw);
                assertWithin(ycbcr[c], plane, TOLERANCE, 1, "image " + img + " plane " + c);
            }
        }
    }

    @ParameterizedTest(name = "channels={0} bytes={1} {2}x{3}")
    @CsvSource({"1, 1, 17, 23", "1, 2, 17, 23", "3, 1, 17, 23", "3, 2, 16, 20", "3, 1, 16, 20"})
    void packClampsRoundsAndInterleaves(int channels, int bytes, int h, int w) {
        int n = 2;
        int hw = h * w;
        float[] planes = uniform(n * channels * hw, -0.2f, 1.2f);
        Pointer packed = gpu.poisonedBytes(n * hw * channels * bytes);
        kernels.packPixels(s, gpu.floats(planes), packed, n, h, w, channels, bytes, false);
        byte[] got = gpu.readBytes(packed, n * hw * channels * bytes);
        float max = bytes == 1 ? 255f : 65535f;
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < hw; i++) {
                for (int c = 0; c < channels; c++) {
                    float v = planes[(img * channels + c) * hw + i];
                    int expected = Math.round(Math.min(1f, Math.max(0f, v)) * max);
                    int at = (img * hw + i) * channels + c;
                    assertEquals(expected, sample(got, at, bytes), "sample " + at);
                }
            }
        }
    }

    @ParameterizedTest(name = "bytes={0} {1}x{2}")
    @CsvSource({"1, 17, 23", "2, 17, 23", "1, 16, 20", "2, 16, 20"})
    void packFromYcbcrMatchesColorConversionAndRoundTrips(int bytes, int h, int w) {
        int n = 2;
        int hw = h * w;
        float max = bytes == 1 ? 255f : 65535f;
        byte[] original = randomBytes(n * hw * 3 * bytes);
        Pointer planes = gpu.poisonedFloats(n * 3 * hw);
        kernels.unpackPixels(s, gpu.bytes(original), planes, n, h, w, 3, bytes, true);
        Pointer packed = gpu.poisonedBytes(original.length);
        kernels.packPixels(s, planes, packed, n, h, w, 3, bytes, true);
        assertArrayEquals(original, gpu.readBytes(packed, original.length), "RGB -> YCbCr -> RGB");

        // arbitrary YCbCr (much of it out of the RGB gamut) against ColorConversion, off by a level only at a tie
        float[] ycbcr = uniform(n * 3 * hw, 0, 1);
        Pointer converted = gpu.poisonedBytes(original.length);
        kernels.packPixels(s, gpu.floats(ycbcr), converted, n, h, w, 3, bytes, true);
        byte[] got = gpu.readBytes(converted, original.length);
        for (int img = 0; img < n; img++) {
            float[][] planesOfImage = new float[3][];
            for (int c = 0; c < 3; c++) planesOfImage[c] = Arrays.copyOfRange(ycbcr, (img * 3 + c) * hw, (img * 3 + c + 1) * hw);
            float[][] rgb = ColorConversion.ycbcrToRgb(planesOfImage);
            for (int i = 0; i < hw; i++) {
                for (int c = 0; c < 3; c++) {
                    float scaled = Math.min(1f, Math.max(0f, rgb[c][i])) * max;
                    int at = (img * hw + i) * 3 + c;
                    int level = sample(got, at, bytes);
                    // float YCbCr -> RGB on the GPU is within about 3e-7 of ColorConversion's double
                    double slack = 2e-6 * max;
                    boolean nearTie = Math.abs(scaled - Math.floor(scaled) - 0.5) < slack;
                    if (!nearTie) assertEquals(Math.round(scaled), level, "sample " + at + " from " + scaled);
                    else assertTrue(Math.abs(level - scaled) <= 0.5 + slack, "sample " + at);
                }
            }
        }
    }

    @ParameterizedTest(name = "channels={0}")
    @ValueSource(ints = {1, 3})
    void pixelsRoundTripFromAMisalignedBuffer(int channels) {
        int n = 2;
        int h = 16;
        int w = 20;
        byte[] original = randomBytes(n * h * w * channels);
        // one byte in: the 32-bit word path cannot be used
        Pointer src = gpu.bytes(concat(new byte[1], original)).withByteOffset(1);
        Pointer planes = gpu.poisonedFloats(n * channels * h * w);
        kernels.unpackPixels(s, src, planes, n, h, w, channels, 1, false);
        Pointer back = gpu.poisonedBytes(original.length + 1);
        kernels.packPixels(s, planes, back.withByteOffset(1), n, h, w, channels, 1, false);
        byte[] got = gpu.readBytes(back, original.length + 1);
        assertEquals(DeviceBuffers.POISON_BYTE, got[0], "the byte before the output is untouched");
        assertArrayEquals(original, Arrays.copyOfRange(got, 1, got.length));
    }

    @Test
    void pixelKernelsRejectUnsupportedLayouts() {
        Pointer p = gpu.poisonedFloats(16);
        assertThrows(IllegalArgumentException.class, () -> kernels.unpackPixels(s, p, p, 1, 2, 2, 4, 1, false));
        assertThrows(IllegalArgumentException.class, () -> kernels.packPixels(s, p, p, 1, 2, 2, 3, 3, false));
    }

    // ---- narrow convolution -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "n={0} cin={1} cout={2} {3}x{4} f={5}")
    @CsvSource({
        "3, 32, 1, 17, 23, 5", // SRCNN's conv3 on an odd size
        "2, 5, 3, 17, 23, 3", "1, 4, 2, 1, 1, 5", // a 1x1 image: only the centre tap sees data
        "2, 7, 1, 9, 13, 1", "2, 3, 3, 3, 4, 9", "1, 6, 2, 2, 11, 7", // filters wider than the image
        "2, 33, 2, 65, 33, 5", // an odd channel count, and images just past a 64-row and a 32-column tile
        "1, 64, 1, 130, 70, 9", "1, 1, 1, 5, 5, 3"
    })
    void narrowConvolutionMatchesADirectSumAndRepeatsBitForBit(int n, int cin, int cout, int h, int w, int f) {
        assertTrue(CudaKernels.supportsNarrowConv(cin, cout, f));
        float[] x = uniform(n * cin * h * w, -1, 1);
        float[] weight = uniform(cout * cin * f * f, -0.2f, 0.2f);
        float[] bias = uniform(cout, -0.5f, 0.5f);
        Pointer dx = gpu.floats(x);
        Pointer dWeight = gpu.floats(weight);
        Pointer dBias = gpu.floats(bias);
        int outCount = n * cout * h * w;
        Pointer dy = gpu.poisonedFloats(outCount);
        kernels.narrowConvForward(s, dx, dWeight, dBias, dy, n, cin, cout, h, w, f);

        int r = f / 2;
        float[] expected = new float[outCount];
        double largest = 0;
        for (int img = 0; img < n; img++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double sum = bias[o];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int ky = 0; ky < f; ky++) {
                                int yi = i + ky - r;
                                if (yi < 0 || yi >= h) continue;
                                for (int kx = 0; kx < f; kx++) {
                                    int xj = j + kx - r;
                                    if (xj < 0 || xj >= w) continue;
                                    sum += (double) weight[((o * cin + ci) * f + ky) * f + kx]
                                            * x[((img * cin + ci) * h + yi) * w + xj];
                                }
                            }
                        }
                        expected[((img * cout + o) * h + i) * w + j] = (float) sum;
                        largest = Math.max(largest, Math.abs(sum));
                    }
                }
            }
        }
        float[] first = gpu.readFloats(dy, outCount);
        assertWithin(expected, first, TOLERANCE, largest, "narrow convolution output");

        Pointer again = gpu.poisonedFloats(outCount);
        kernels.narrowConvForward(s, dx, dWeight, dBias, again, n, cin, cout, h, w, f);
        assertArrayEquals(first, gpu.readFloats(again, outCount), "narrow convolution of a second run");
    }

    @Test
    void narrowConvolutionRefusesShapesItDoesNotHandle() {
        Pointer p = gpu.poisonedFloats(16);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> kernels.narrowConvForward(s, p, p, p, p, 1, 32, 4, 2, 2, 5)).getMessage().contains("4 channels"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> kernels.narrowConvForward(s, p, p, p, p, 1, 32, 1, 2, 2, 4)).getMessage().contains("filter 4"));
        assertThrows(IllegalArgumentException.class, () -> kernels.narrowConvForward(s, p, p, p, p, 1, 65, 1, 2, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> kernels.narrowConvForward(s, p, p, p, p, 0, 32, 1, 2, 2, 5));
        assertThrows(NullPointerException.class, () -> kernels.narrowConvForward(s, null, p, p, p, 1, 32, 1, 2, 2, 5));
        // nothing ran: the output is still poisoned
        float[] untouched = gpu.readFloats(p, 16);
        for (float v : untouched) assertTrue(Float.isNaN(v));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private float[] uniform(int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * random.nextFloat();
        return a;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Sample {@code index} of an interleaved buffer of 1- or 2-byte (little-endian) samples. */
    private static int sample(byte[] packed, int index, int bytes) {
        int lo = packed[index * bytes] & 0xff;
        return bytes == 1 ? lo : lo | (packed[index * bytes + 1] & 0xff) << 8;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static float[] toFloat(double[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
        return r;
    }

    /** Every |actual - expected| <= tolerance * max(|expected|, floor); reports the worst element. */
    static void assertWithin(float[] expected, float[] actual, double tolerance, double floor, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int worst = -1;
        double worstError = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
            assertFalse(Float.isNaN(actual[i]), what + ": element " + i + " is NaN (not written?)");
            if (error > worstError) {
                worstError = error;
                worst = i;
            }
        }
        if (worstError > tolerance) {
            throw new AssertionError(what + ": element " + worst + " is " + actual[worst] + ", expected "
                    + expected[worst] + " (relative error " + worstError + " > " + tolerance + ")");
        }
    }
}
