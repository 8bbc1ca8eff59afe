package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU side of the GPU inference rows' check (no GPU needed): a whole-batch forward pass of CpuSrcnn passes the
 * crop-based corner checks, and a wrong value anywhere they read fails them, including the far corner of the last
 * image (partial kernel tiles, the batch index) and the first pixel past the crop's halo band.
 */
class ModelOpsCheckTest {
    private static final SrcnnWeights WEIGHTS = BenchData.weights(BenchPlan.models().get(1), 7); // 9-5-5, halo 8
    private static final int N = 2, H = 41, W = 47; // larger than CHECK_CROP + halo a side, so the crops are cut

    private static float[] reference(Tensor input) {
        try (CpuSrcnn cpu = new CpuSrcnn(WEIGHTS, 0)) {
            return cpu.forward(input).data;
        }
    }

    private static Check.Outcome withError(Tensor input, float[] output, int image, int y, int x) {
        float[] bad = output.clone();
        bad[(image * H + y) * W + x] += 0.5f;
        return ModelOps.cornersAgainstCpu(WEIGHTS, input, bad, 1e-5).outcome();
    }

    @Test
    void aCorrectBatchPassesAndAWrongValueInEitherCornerFails() {
        int halo = WEIGHTS.config().halo();
        int side = ModelOps.CHECK_CROP + halo;
        assertTrue(H > side && W > side, "the crops must be smaller than the image for this test");
        Tensor input = BenchData.image(N, 1, H, W, 5);
        float[] output = reference(input);
        assertEquals(Check.Outcome.PASSED, ModelOps.cornersAgainstCpu(WEIGHTS, input, output, 1e-5).outcome());

        assertEquals(Check.Outcome.FAILED, withError(input, output, 0, 0, 0), "top-left pixel of image 0");
        assertEquals(Check.Outcome.FAILED, withError(input, output, 0, side - halo - 1, side - halo - 1),
                "last checked pixel of the top-left crop");
        assertEquals(Check.Outcome.FAILED, withError(input, output, N - 1, H - 1, W - 1),
                "bottom-right pixel of the last image");
        assertEquals(Check.Outcome.FAILED, withError(input, output, N - 1, H - side + halo, W - side + halo),
                "first checked pixel of the bottom-right crop");
        // inside the halo band of a crop its zero padding is not the image's: not compared
        assertEquals(Check.Outcome.PASSED, withError(input, output, N - 1, H - side + halo - 1, W - 1));
    }

    @Test
    void imagesSmallerThanTheCropAreComparedWhole() {
        SrcnnConfig c = WEIGHTS.config();
        int h = 13, w = 11;
        Tensor input = BenchData.image(3, c.channels(), h, w, 6);
        float[] output = reference(input);
        assertEquals(Check.Outcome.PASSED, ModelOps.cornersAgainstCpu(WEIGHTS, input, output, 1e-5).outcome());
        for (int[] at : new int[][] {{0, 0, 0}, {0, h - 1, w - 1}, {2, 0, 0}, {2, h - 1, w - 1}}) {
            float[] bad = output.clone();
            bad[(at[0] * h + at[1]) * w + at[2]] = Float.NaN;
            assertEquals(Check.Outcome.FAILED, ModelOps.cornersAgainstCpu(WEIGHTS, input, bad, 1e-5).outcome(),
                    "image " + at[0] + " at " + at[1] + "," + at[2]);
        }
    }

    /** The engine rows compute as the per-layer rows of their precision do (ConvMath.layerOptions). */
    @Test
    void engineRowsUseTheirPrecisionsMathAndAlgorithms() {
        CudaOptions fp32 = ModelOps.engineOptions(Precision.FP32);
        assertEquals(CudaOptions.MathMode.FMA, fp32.math());
        assertFalse(fp32.transformAlgorithms(), "true fp32 sums directly, as the CPU does");
        CudaOptions tf32 = ModelOps.engineOptions(Precision.TF32);
        assertEquals(CudaOptions.MathMode.TF32, tf32.math());
        assertTrue(tf32.transformAlgorithms(), "tf32 admits FFT and Winograd, as the tf32 layer rows and PyTorch do");
        assertThrows(SkipException.class, () -> ModelOps.engineOptions(Precision.FP16));
    }
}
