package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs without a GPU: where the build could compile the kernels (nvcc and cmake found, as cmake/build-kernels.sh
 * looks for them) and was not told to skip them, the fatbin must be on the class path. Catches a build that
 * silently lost the kernels, e.g. in CI, which has nvcc.
 */
class CudaKernelsBundleTest {

    /** The first four bytes of every CUDA fatbin: magic 0xBA55ED50, little-endian. */
    private static final byte[] FATBIN_MAGIC = {0x50, (byte) 0xED, 0x55, (byte) 0xBA};

    @Test
    void theKernelsAreBundledWhenTheBuildHadNvcc() throws Exception {
        Assumptions.assumeFalse("skip".equals(System.getProperty("gpusr.kernels")),
                "built with -Dgpusr.kernels=skip: no kernels expected");
        Assumptions.assumeTrue(nvccFound() && onPath("cmake"), "no nvcc or cmake here: the build only warned");
        assertTrue(CudaKernels.bundled(), CudaKernels.FATBIN_RESOURCE + " missing although nvcc is installed");
        try (InputStream in = CudaKernels.class.getResourceAsStream(CudaKernels.FATBIN_RESOURCE)) {
            assertNotNull(in);
            assertArrayEquals(FATBIN_MAGIC, in.readNBytes(4), "not a CUDA fatbin");
        }
    }

    @Test
    void everyKernelCudaKernelsLooksUpIsInTheFatbin() throws Exception {
        Assumptions.assumeTrue(CudaKernels.bundled(), "no kernels in this build");
        String text;
        try (InputStream in = CudaKernels.class.getResourceAsStream(CudaKernels.FATBIN_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        List<String> missing = new ArrayList<>();
        for (CudaKernels.Kernel k : CudaKernels.Kernel.values()) {
            if (!text.contains(k.symbol)) missing.add(k.symbol);
        }
        for (String symbol : CudaKernels.narrowConvSymbols()) {
            if (!text.contains(symbol)) missing.add(symbol);
        }
        // the constants CudaKernels.load checks against Plans (kernels/shared_constants.cu)
        for (KernelConstants.Constant c : KernelConstants.ALL) {
            if (!text.contains(c.symbol())) missing.add(c.symbol());
        }
        // a toolkit that compresses the fatbin hides every name: nothing to check then
        Assumptions.assumeTrue(missing.size() < CudaKernels.Kernel.values().length, "the fatbin is compressed");
        assertEquals(List.of(), missing, "kernels and globals named in CudaKernels but not built from kernels/*.cu");
    }

    /** The same places build-kernels.sh searches. */
    private static boolean nvccFound() {
        if (onPath("nvcc")) return true;
        for (String home : new String[] {System.getenv("CUDACXX"), System.getenv("CUDA_HOME"),
                System.getenv("CUDA_PATH"), "/usr/local/cuda"}) {
            if (home == null || home.isEmpty()) continue;
            Path p = Path.of(home);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return true;
            if (Files.isExecutable(p.resolve("bin/nvcc"))) return true;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
