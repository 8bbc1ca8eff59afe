package dev.gpusr.cuda;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The tile and block constants the kernels and {@link Plans} must agree on. kernels/shared_constants.cu puts each
 * kernel macro into a device global; {@link CudaKernels#load()} reads them from the loaded module and
 * {@link #verify} refuses a fatbin built with other values (a stale jar, or a macro changed on one side only), with
 * both values in the message, before any launch could compute garbage.
 */
final class KernelConstants {
    private KernelConstants() {}

    /** One shared constant: the device global, the macro in kernels/*.cu it holds, and Java's value. */
    record Constant(String symbol, String macro, String javaName, int javaValue) {}

    static final List<Constant> ALL = List.of(
            new Constant("gpusr_const_bias_forward_vectors", "GPUSR_BIAS_FORWARD_VECTORS",
                    "Plans.BIAS_FORWARD_VECTORS", Plans.BIAS_FORWARD_VECTORS),
            new Constant("gpusr_const_unpack_groups", "GPUSR_UNPACK_GROUPS", "Plans.UNPACK_GROUPS",
                    Plans.UNPACK_GROUPS),
            new Constant("gpusr_const_max_layers", "GPUSR_MAX_LAYERS", "Plans.MAX_LAYERS", Plans.MAX_LAYERS),
            new Constant("gpusr_const_narrow_tile_w", "GPUSR_NARROW_TILE_W", "Plans.NARROW_CONV_TILE_WIDTH",
                    Plans.NARROW_CONV_TILE_WIDTH),
            new Constant("gpusr_const_narrow_block_rows", "GPUSR_NARROW_BLOCK_ROWS", "Plans.NARROW_CONV_BLOCK_ROWS",
                    Plans.NARROW_CONV_BLOCK_ROWS),
            new Constant("gpusr_const_narrow_rows_per_thread", "GPUSR_NARROW_ROWS_PER_THREAD",
                    "Plans.NARROW_CONV_ROWS_PER_THREAD", Plans.NARROW_CONV_ROWS_PER_THREAD));

    /**
     * Compares every constant's value in the loaded kernels ({@code moduleValue} reads a global by name) with
     * Java's; throws a CudaException naming the first that differs and both values.
     */
    static void verify(ToIntFunction<String> moduleValue) {
        for (Constant c : ALL) {
            int kernels = moduleValue.applyAsInt(c.symbol());
            if (kernels != c.javaValue()) {
                throw new CudaException("the loaded CUDA kernels were built with " + c.macro() + " = " + kernels
                        + " but the Java side has " + c.javaName() + " = " + c.javaValue() + " (read from the "
                        + "kernel global " + c.symbol() + "): the fatbin does not match this jar's code; make them "
                        + "agree and rebuild the jar");
            }
        }
    }
}
