package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The CUDA engine's host-side parts that run without a GPU: options, messages, the device listing's fallback. */
class CudaSupportTest {

    @Test
    void defaultOptionsAreTrueFp32WithGraphs() {
        CudaOptions o = CudaOptions.defaults();
        assertEquals(CudaOptions.MathMode.FMA, o.math());
        assertFalse(o.deterministic());
        assertFalse(o.transformAlgorithms(), "FFT/Winograd are opt-in: they round differently from a direct sum");
        assertTrue(o.cudaGraphs());
        assertEquals(0, o.maxBatchPixels());
        assertEquals(1L << 30, o.workspaceLimitBytes());
        CudaOptions t = o.withMath(CudaOptions.MathMode.parse("TF32")).withDeterministic(true).withCudaGraphs(false);
        assertEquals(CudaOptions.MathMode.TF32, t.math());
        assertTrue(t.deterministic());
        assertFalse(t.cudaGraphs());
        assertEquals("math=tf32 deterministic no-graphs workspace<=1.00 GiB", t.toString());
        assertTrue(t.withTransformAlgorithms(true).transformAlgorithms());
        assertEquals("math=fma fft/winograd graphs workspace<=64.0 MiB",
                o.withTransformAlgorithms(true).withWorkspaceLimitBytes(64L << 20).toString());
    }

    @Test
    void narrowConvolutionIsOnByDefaultAndCanBeTurnedOff() {
        assertTrue(CudaOptions.defaults().narrowConv());
        CudaOptions off = CudaOptions.defaults().withNarrowConv(false).withDeterministic(true);
        assertFalse(off.narrowConv());
        assertTrue(off.deterministic());
        assertFalse(off.withMath(CudaOptions.MathMode.TF32).narrowConv(), "other with* methods keep the switch");
        assertEquals("math=fma deterministic graphs workspace<=1.00 GiB no-narrow-conv", off.toString());
        assertTrue(new CudaOptions(CudaOptions.MathMode.FMA, false, false, true, 0, 1L << 30).narrowConv());
    }

    @Test
    void narrowConvolutionCoversSrcnnLastLayersOnly() {
        assertTrue(CudaKernels.supportsNarrowConv(32, 1, 5), "9-1-5 / 9-5-5 on Y");
        assertTrue(CudaKernels.supportsNarrowConv(32, 3, 5), "RGB models");
        assertTrue(CudaKernels.supportsNarrowConv(64, 3, 9));
        assertTrue(CudaKernels.supportsNarrowConv(1, 1, 1));
        assertFalse(CudaKernels.supportsNarrowConv(32, 4, 5), "more than 3 outputs: cuDNN");
        assertFalse(CudaKernels.supportsNarrowConv(32, 1, 4), "even filter");
        assertFalse(CudaKernels.supportsNarrowConv(32, 1, 11), "filter wider than 9");
        assertFalse(CudaKernels.supportsNarrowConv(65, 1, 5), "more than 64 inputs");
        assertFalse(CudaKernels.supportsNarrowConv(0, 1, 5));
        assertFalse(CudaKernels.supportsNarrowConv(32, 0, 5));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CudaOptions.MathMode.parse("fp16"))
                .getMessage().contains("'fp16'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CudaOptions.defaults().withMaxBatchPixels(-1))
                .getMessage().contains("maxBatchPixels"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CudaOptions.defaults().withWorkspaceLimitBytes(-5)).getMessage().contains("workspaceLimitBytes"));
    }

    @Test
    void fftAndWinogradAreTheTransformAlgorithmsInEachDirection() {
        for (ConvAlgorithms.Direction d : ConvAlgorithms.Direction.values()) {
            int transforms = 0;
            for (int algo = 0; algo < 8; algo++) transforms += ConvAlgorithms.isTransform(d, algo) ? 1 : 0;
            assertEquals(4, transforms, d + ": FFT, FFT tiling, Winograd, Winograd non-fused");
        }
        assertFalse(ConvAlgorithms.isTransform(ConvAlgorithms.Direction.FORWARD, 1), "implicit precomputed GEMM");
        assertFalse(ConvAlgorithms.isTransform(ConvAlgorithms.Direction.BACKWARD_FILTER, 3), "bwd filter algo 3");
        assertTrue(ConvAlgorithms.isTransform(ConvAlgorithms.Direction.BACKWARD_FILTER, 6), "bwd filter FFT tiling");
        assertTrue(ConvAlgorithms.isTransform(ConvAlgorithms.Direction.BACKWARD_DATA, 2), "bwd data FFT");
    }

    @Test
    void versionsAreFormattedTheWayNvidiaNumbersThem() {
        assertEquals("9.14.0", CudnnLibrary.formatVersion(91400));
        assertEquals("9.1.1", CudnnLibrary.formatVersion(90101));
        assertEquals("8.4.1", CudnnLibrary.formatVersion(8401));
        assertEquals("13.0", CudaDevices.cudaVersion(13000));
        assertEquals("12.6", CudaDevices.cudaVersion(12060));
        assertEquals("unknown", CudaDevices.cudaVersion(0));
    }

    @Test
    void byteSizesReadNaturally() {
        assertEquals("512 B", CudaCheck.formatBytes(512));
        assertEquals("1.5 KiB", CudaCheck.formatBytes(1536));
        assertEquals("64.0 MiB", CudaCheck.formatBytes(64L << 20));
        assertEquals("4.25 GiB", CudaCheck.formatBytes(4563402752L));
    }

    @Test
    void failuresNameTheCallTheStatusAndAFix() {
        CudaException oom = CudaCheck.runtimeFailure(2, "cudaMalloc");
        assertTrue(oom.getMessage().startsWith("cudaMalloc failed: cudaErrorMemoryAllocation (2)"), oom.getMessage());
        assertTrue(oom.getMessage().contains("out of GPU memory"), oom.getMessage());
        CudaException driver = CudaCheck.runtimeFailure(35, "cudaGetDeviceCount");
        assertTrue(driver.getMessage().contains("too old for the CUDA 12 runtime"), driver.getMessage());
        CudaException unsupported = CudaCheck.cudnnFailure(3002, "cudnnConvolutionForward (conv1 on 1x5x5)");
        assertTrue(unsupported.getMessage().startsWith("cudnnConvolutionForward (conv1 on 1x5x5) failed: "),
                unsupported.getMessage());
        assertTrue(unsupported.getMessage().contains("(3002)"), unsupported.getMessage());
        assertTrue(unsupported.getMessage().contains("does not support"), unsupported.getMessage());
        assertTrue(CudaCheck.cudnnFailure(1008, "cudnnCreate").getMessage().contains("libcudnn9-cuda-12"));
        assertTrue(CudaCheck.cudnnFailure(4004, "cudnnFind").getMessage().contains("out of GPU memory (in cuDNN)"));
        assertTrue(CudaCheck.cudnnFailure(5000, "cudnnConvolutionBackwardData").getMessage().contains("restart"));
        assertTrue(CudaCheck.driverFailure(700, "cuLaunchKernel").getMessage().contains("restart the process"));
    }

    /** Sticky failures are what a batch treats as a lost device (it stops instead of failing every later image). */
    @Test
    void kernelModuleAndLaunchFailuresNameTheCallAndTheFix() {
        for (int status : new int[] {200, 209, 218, 221, 222, 223}) {
            String m = CudaCheck.driverFailure(status, "cuModuleLoadData(gpusr_kernels.fatbin)").getMessage();
            assertTrue(m.startsWith("cuModuleLoadData(gpusr_kernels.fatbin) failed: "), m);
            assertTrue(m.contains("rebuild the kernels for this architecture"), m);
        }
        assertTrue(CudaCheck.driverFailure(201, "cuLaunchKernel(gpusr_mse)").getMessage().contains("make the GPU current"));
        assertTrue(CudaCheck.driverFailure(400, "cuLaunchKernel(gpusr_mse)").getMessage().contains("another context"));
    }

    @Test
    void syncDebugIsOnOnlyForOneAndNamesTheFailedLaunch() {
        assertTrue(CudaCheck.syncDebug("1"));
        for (String off : new String[] {null, "", "0", "true", "yes", " 1"}) {
            assertFalse(CudaCheck.syncDebug(off), "GPUSR_SYNC_DEBUG=" + off);
        }
        CudaException e = CudaCheck.syncDebugFailure(700, "cuLaunchKernel(gpusr_bias_act_forward, grid 4x64x1, block 256x1)");
        assertTrue(e.getMessage().startsWith("cuLaunchKernel(gpusr_bias_act_forward, grid 4x64x1, block 256x1) "
                + "(GPUSR_SYNC_DEBUG: failed on the device) failed: "), e.getMessage());
        assertTrue(e.contextLost(), "an illegal address is sticky: " + e.getMessage());
    }

    @Test
    void stickyFailuresReportALostContext() {
        assertTrue(CudaCheck.runtimeFailure(700, "cudaMemcpy").contextLost());
        assertTrue(CudaCheck.driverFailure(719, "cuLaunchKernel").contextLost());
        assertTrue(CudaCheck.cudnnFailure(5000, "cudnnConvolutionForward").contextLost());
        assertFalse(CudaCheck.runtimeFailure(2, "cudaMalloc").contextLost());
        assertFalse(CudaCheck.cudnnFailure(3002, "cudnnConvolutionForward").contextLost());
        // failed allocations are not sticky: the batch retries the image with smaller tiles
        assertTrue(CudaCheck.runtimeFailure(2, "cudaMalloc").outOfMemory());
        assertTrue(CudaCheck.cudnnFailure(4004, "cudnnFind").outOfMemory());
        assertFalse(CudaCheck.runtimeFailure(700, "cudaMemcpy").outOfMemory());
        assertFalse(CudaCheck.cudnnFailure(3002, "cudnnConvolutionForward").outOfMemory());
    }

    @Test
    void aMissingCudnnIsExplainedWithTheInstallHint() {
        Optional<String> failure = CudnnLibrary.loadFailure();
        Assumptions.assumeTrue(failure.isPresent(), "cuDNN loads here");
        String f = failure.get();
        assertTrue(f.startsWith("cuDNN 9 could not be loaded ("), f);
        assertTrue(f.contains("libcudnn9-cuda-12") && f.contains("LD_LIBRARY_PATH"), f);
        assertFalse(f.contains("\n"), "one line: " + f);
        assertTrue(f.length() < 600, "the linker's complaint, not JCuda's stack traces: " + f);
        // asked again, the first (informative) reason is repeated rather than "Could not initialize class"
        assertEquals(f, CudnnLibrary.loadFailure().orElseThrow());
        assertTrue(CudaDevices.cudnnVersion().startsWith("unavailable: cuDNN 9 could not be loaded"));
    }

    @Test
    void withoutAGpuTheListingIsEmptyAndSaysWhy() {
        Assumptions.assumeFalse(GpuAvailability.usable(), "a GPU is usable here; CudaSrcnnTest lists it");
        CudaDevices.Listing listing = CudaDevices.list();
        assertTrue(listing.devices().isEmpty());
        assertEquals(GpuAvailability.unavailableReason(), listing.unavailableReason());
    }

    @Test
    void withoutAGpuTheEngineRefusesToOpenWithACudaException() {
        Assumptions.assumeFalse(GpuAvailability.usable(), "a GPU is usable here");
        dev.gpusr.model.SrcnnWeights w =
                dev.gpusr.model.SrcnnWeights.gaussian(dev.gpusr.model.SrcnnConfig.defaults(2), 1e-3, 3);
        CudaException e = assertThrows(CudaException.class, () -> new CudaSrcnn(0, w));
        assertTrue(e.getMessage().contains("failed: "), e.getMessage());
    }
}
