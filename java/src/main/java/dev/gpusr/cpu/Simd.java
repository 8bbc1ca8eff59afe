package dev.gpusr.cpu;

/**
 * Whether the CPU engine uses {@link VectorKernels} (the {@code jdk.incubator.vector} module, which the JVM resolves
 * only when started with {@code --add-modules jdk.incubator.vector}, as the gpu-sr launchers do) or the scalar
 * {@link Kernels}. Decided once, when this class loads; {@code -Dgpusr.cpu.simd=off} forces the scalar kernels.
 * Both give the same floats bit for bit; the vector ones are faster.
 */
final class Simd {
    private Simd() {}

    static final String MODULE = "jdk.incubator.vector";

    /** The vector kernels are used. */
    static final boolean ENABLED = decide();

    private static boolean decide() {
        if ("off".equalsIgnoreCase(System.getProperty("gpusr.cpu.simd", ""))) return false;
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) return false;
        try {
            return VectorKernels.LANES >= 4; // narrower vectors (or none) would not beat the scalar kernels
        } catch (LinkageError e) {
            return false;
        }
    }

    /** One line for logs and benchmarks: which kernels run. */
    static String describe() {
        return ENABLED ? "vector (" + VectorKernels.LANES + " floats)" : "scalar";
    }
}
