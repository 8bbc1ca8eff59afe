package dev.gpusr.bench;

import dev.gpusr.model.SrcnnConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a benchmark run measures and for how long. The GPU sizes are the ones PyTorch was measured at on the H100
 * (shared PLATFORM.md) in both modes, so quick numbers compare with the peer too; quick mode only spends less time
 * per row and leaves out the 9-5-5 per-layer rows and the TF32 training rows. The CPU part uses reduced sizes
 * (tiny ones in quick mode) because it is there to show the CPU engine's rate, not to reproduce the GPU work.
 *
 * @param sections which sections run (see {@link #SECTIONS})
 */
public record BenchPlan(
        boolean quick,
        Set<String> sections,
        // GPU work (PLATFORM.md sizes)
        int inferBatch, int inferHeight, int inferWidth,
        int trainSmallBatch, int trainSmallSize,
        int trainLargeBatch, int trainLargeSize,
        int bicubicBatch, int bicubicHeight, int bicubicWidth,
        // GPU timing policy
        int gpuWarmups, double gpuTargetMs, int gpuMinRepeats, int gpuMaxRepeats, double minRepeatMs,
        // CPU work and timing
        int cpuInferHeight, int cpuInferWidth, int cpuTrainBatch, int cpuTrainSize, int cpuBicubicHeight,
        int cpuBicubicWidth, int cpuWarmups, double cpuWarmupMs, double cpuTargetMs, int cpuMinRepeats) {

    /** Section names in run order; --only takes a comma list of them. */
    public static final List<String> SECTIONS =
            List.of("cpu", "ceiling", "kernel", "bicubic", "conv", "inference", "train", "engine");

    public static final int[] BICUBIC_SCALES = {2, 3, 4};

    /**
     * Full mode's minimum warm-up of each CPU row (see {@link HostTimer}). The report records it as
     * {@code cpu_warmup_ms}, which benchmarks/cpu-vs-torch.sh passes to srcnn_torch_cpu.py's {@code --warmup-s}.
     */
    public static final double CPU_WARMUP_MS = 3000;

    /** The models the issue asks for: 9-1-5 and 9-5-5 on Y with n1=64, n2=32 (scale does not change the cost). */
    public static List<SrcnnConfig> models() {
        SrcnnConfig base = SrcnnConfig.defaults(3);
        return List.of(base, new SrcnnConfig(1, base.n1(), base.n2(), 9, 5, 5, 3, SrcnnConfig.ColorSpace.Y));
    }

    public static BenchPlan of(boolean quick, Set<String> sections) {
        Set<String> chosen = sections == null || sections.isEmpty() ? Set.copyOf(SECTIONS) : Set.copyOf(sections);
        for (String s : chosen) {
            if (!SECTIONS.contains(s)) {
                throw new IllegalArgumentException("unknown section '" + s + "' (known: " + String.join(", ", SECTIONS) + ")");
            }
        }
        return quick
                ? new BenchPlan(true, chosen, 8, 1080, 1920, 128, 33, 16, 256, 8, 360, 640,
                        2, 120, 5, 100, 0.2,
                        48, 64, 4, 33, 90, 160, 1, 0, 60, 3)
                : new BenchPlan(false, chosen, 8, 1080, 1920, 128, 33, 16, 256, 8, 360, 640,
                        3, 400, 10, 400, 0.2,
                        180, 320, 16, 33, 360, 640, 3, CPU_WARMUP_MS, 1500, 3);
    }

    public boolean runs(String section) {
        return sections.contains(section);
    }

    /** "8x1x1080x1920" */
    public static String shape(long n, long c, long h, long w) {
        return String.format(Locale.ROOT, "%dx%dx%dx%d", n, c, h, w);
    }
}
