package dev.gpusr.cuda;

import static dev.gpusr.cuda.GpuTestData.Y_915;
import static dev.gpusr.cuda.GpuTestData.assertClose;
import static dev.gpusr.cuda.GpuTestData.uniform;
import static dev.gpusr.cuda.GpuTestData.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The public GPU API other packages (the benchmarks) use: {@link ConvLayer} at each {@link ConvMath}, composed into
 * the whole model and checked against the CPU engine; {@link DeviceArray} copies and {@link DeviceKernels}.
 */
@Tag("gpu")
class ConvLayerGpuTest {
    @BeforeEach
    void gpu() {
        GpuTestData.assumeGpu();
    }

    @ParameterizedTest
    @EnumSource(ConvMath.class)
    void threeLayersMakeTheCpuEnginesForwardPass(ConvMath math) {
        SrcnnWeights w = weights(Y_915, 41);
        SrcnnConfig c = w.config();
        int n = 2, h = 19, wd = 23;
        Tensor x = uniform(n, 1, h, wd, 42);
        Tensor expected;
        try (CpuSrcnn cpu = new CpuSrcnn(w.copy(), 0)) {
            expected = cpu.forward(x);
        }
        boolean half = math == ConvMath.FP16;
        List<AutoCloseable> owned = new ArrayList<>();
        try (CudaContext ctx = CudaContext.open(0, true)) {
            try {
                DeviceArray[] act = new DeviceArray[SrcnnConfig.LAYERS + 1];
                for (int i = 0; i <= SrcnnConfig.LAYERS; i++) {
                    int ch = i == 0 ? 1 : c.outChannels(i - 1);
                    act[i] = own(owned, DeviceArray.allocate((long) n * ch * h * wd * math.bytesPerValue, "act " + i));
                }
                if (half) act[0].upload(Half.fromFloats(x.data));
                else act[0].upload(x.data);
                for (int l = 0; l < SrcnnConfig.LAYERS; l++) {
                    ConvLayer layer = own(owned, new ConvLayer(ctx, math, n, c.inChannels(l), c.outChannels(l),
                            c.filter(l), h, wd));
                    float[] wt = w.tensor(Param.weight(l));
                    float[] b = w.tensor(Param.bias(l));
                    DeviceArray dw = own(owned, half ? DeviceArray.halves(Half.fromFloats(ConvLayer.toChannelsLast(wt,
                            c.outChannels(l), c.inChannels(l), c.filter(l))), "w") : DeviceArray.floats(wt, "w"));
                    DeviceArray db = own(owned, half ? DeviceArray.halves(Half.fromFloats(b), "b")
                            : DeviceArray.floats(b, "b"));
                    assertThrows(IllegalStateException.class, () -> layer.forward(act[0], dw, act[1]),
                            "running before an algorithm is chosen");
                    layer.findForward(act[l], dw, act[l + 1]);
                    layer.forwardBiasActivation(act[l], dw, db, act[l + 1], l < SrcnnConfig.LAYERS - 1);
                }
                ctx.sync();
                DeviceArray out = act[SrcnnConfig.LAYERS];
                float[] got = half ? Half.toFloats(out.downloadShorts(0, x.size())) : out.downloadFloats(0, x.size());
                double tolerance = switch (math) {
                    case FP32 -> 1e-5;
                    case TF32 -> 2e-2;
                    case FP16 -> 3e-2;
                };
                assertClose(got, expected.data, tolerance, math + " forward of three ConvLayers");
            } finally {
                for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deviceArraysCopyExactlyAndKernelsRunOnThem() {
        try (CudaContext ctx = CudaContext.open(0, true);
                DeviceArray a = DeviceArray.floats(new float[] {1, -2, 3, -4, 5, -6}, "a");
                DeviceArray b = DeviceArray.floats(6, "b");
                DeviceArray bias = DeviceArray.floats(new float[] {0.5f, -0.5f}, "bias")) {
            b.copyFromAsync(a, ctx);
            ctx.sync();
            assertArrayEquals(new float[] {1, -2, 3, -4, 5, -6}, b.downloadFloats(0, 6));
            // 1 image, 2 channels of 3: + bias, then ReLU
            ctx.deviceKernels().biasActivation(b, bias, 1, 2, 3, true);
            ctx.sync();
            assertArrayEquals(new float[] {1.5f, 0, 3.5f, 0, 4.5f, 0}, b.downloadFloats(0, 6));
            float[] back = new float[6];
            a.zero().downloadInto(back);
            assertArrayEquals(new float[6], back);
            assertEquals(24, a.bytes());
        }
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T t) {
        owned.add(t);
        return t;
    }
}
