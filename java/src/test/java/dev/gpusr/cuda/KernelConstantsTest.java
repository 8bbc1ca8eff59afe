package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tile and block constants shared by Plans and kernels/*.cu: checked in the sources here (without a GPU) and in
 * the loaded fatbin at load time ({@link KernelConstants#verify}, run by {@link CudaKernels#load()}).
 */
class KernelConstantsTest {
    private static final Path KERNELS = Path.of("..", "kernels");
    private static final Pattern DEFINE = Pattern.compile("^#define (GPUSR_[A-Z0-9_]+) (\\d+)\\s*$", Pattern.MULTILINE);

    private static Map<String, Integer> javaValues() {
        Map<String, Integer> m = new HashMap<>();
        for (KernelConstants.Constant c : KernelConstants.ALL) m.put(c.symbol(), c.javaValue());
        return m;
    }

    @Test
    void matchingKernelsLoadAndAMismatchNamesBothValues() {
        Map<String, Integer> module = javaValues();
        KernelConstants.verify(module::get);
        module.put("gpusr_const_narrow_tile_w", 16);
        CudaException e = assertThrows(CudaException.class, () -> KernelConstants.verify(module::get));
        assertTrue(e.getMessage().contains("GPUSR_NARROW_TILE_W = 16"), e.getMessage());
        assertTrue(e.getMessage().contains("Plans.NARROW_CONV_TILE_WIDTH = 32"), e.getMessage());
        assertTrue(e.getMessage().contains("rebuild the jar"), e.getMessage());
    }

    @Test
    void theKernelSourcesDefineTheValuesJavaUsesAndExportThemAll() throws IOException {
        assertTrue(Files.isDirectory(KERNELS), "expected the kernel sources at " + KERNELS.toAbsolutePath());
        Map<String, Integer> defines = new HashMap<>();
        try (Stream<Path> s = Files.list(KERNELS)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".cu")).toList()) {
                Matcher m = DEFINE.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) defines.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        String exported = Files.readString(KERNELS.resolve("shared_constants.cu"), StandardCharsets.UTF_8);
        Set<String> symbols = new HashSet<>();
        for (KernelConstants.Constant c : KernelConstants.ALL) {
            assertTrue(symbols.add(c.symbol()), "listed twice: " + c.symbol());
            assertEquals(c.javaValue(), defines.get(c.macro()), c.macro() + " in kernels/*.cu vs " + c.javaName());
            assertTrue(exported.contains("extern \"C\" __device__ int " + c.symbol() + " = " + c.macro() + ";"),
                    "kernels/shared_constants.cu must export " + c.macro() + " as " + c.symbol());
        }
        // and nothing exported that Java does not check
        Matcher m = Pattern.compile("__device__ int (\\w+) =").matcher(exported);
        while (m.find()) assertTrue(symbols.contains(m.group(1)), m.group(1) + " is exported but not checked");
        assertFalse(symbols.isEmpty());
    }

    @Test
    void theUnityBuildIncludesTheExportsAfterTheKernelsThatDefineThem() throws IOException {
        // cmake/CMakeLists.txt includes kernels/*.cu sorted by name into one translation unit
        List<String> names;
        try (Stream<Path> s = Files.list(KERNELS)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).sorted().toList();
        }
        assertEquals("shared_constants.cu", names.get(names.size() - 1), "sorted order: " + names);
    }

    @Test
    @Tag("gpu")
    void theBundledKernelsAgreeWithPlansWhenLoaded() {
        GpuTestData.assumeGpu();
        Assumptions.assumeTrue(CudaKernels.bundled(), "no kernels in this build");
        try (CudaContext ctx = CudaContext.open(0, false)) {
            ctx.deviceKernels(); // loads the module, which verifies every constant
        }
    }
}
