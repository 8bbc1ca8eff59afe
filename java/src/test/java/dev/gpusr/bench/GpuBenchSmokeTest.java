package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.CudaKernels;
import dev.gpusr.cuda.GpuAvailability;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every GPU row of {@code gpu-sr bench} on tiny shapes: it builds, passes its CPU check and gets positive CUDA-event
 * times. Rows that need our kernels (the kernel rows, and the model rows, which run the CUDA engine) may be skipped
 * while those are missing from the build; the cuDNN rows (layers, fp16 inference) and the ceilings may not.
 */
@Tag("gpu")
class GpuBenchSmokeTest {
    static BenchPlan tinyPlan() {
        return new BenchPlan(true, Set.copyOf(BenchPlan.SECTIONS),
                2, 64, 96, 8, 33, 2, 64, 2, 36, 64,
                1, 5, 3, 10, 0.05,
                16, 16, 2, 17, 18, 32, 1, 0, 5, 1);
    }

    @Test
    void everyCaseRunsAndAgreesWithTheCpu() {
        Assumptions.assumeTrue(GpuAvailability.usable(), () -> "no usable GPU: " + GpuAvailability.unavailableReason());
        BenchPlan plan = tinyPlan();
        List<String> problems = new ArrayList<>();
        try (CudaContext ctx = CudaContext.open(0, true)) {
            GpuTimer timer = new GpuTimer(plan);
            for (GpuCase c : GpuCases.all(plan)) {
                BenchRunner.runCase(ctx, timer, c);
                BenchRow r = c.row();
                String section = r.section();
                boolean mustRun = section.equals("ceiling") || section.equals("conv") || (section.equals("inference")
                        && (CudaKernels.bundled() || r.precision().equals("fp16")));
                if (r.status() == BenchRow.Status.ERROR) {
                    problems.add(c.id() + ": " + r.reason());
                } else if (r.status() == BenchRow.Status.SKIPPED) {
                    if (mustRun) problems.add(c.id() + " skipped: " + r.reason());
                } else {
                    if (!(r.medianMs() > 0)) problems.add(c.id() + ": median " + r.medianMs());
                    if (r.check().outcome() == Check.Outcome.FAILED) problems.add(c.id() + ": " + r.check().detail());
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            assertNotEquals(0, ctx.multiprocessors());
        }
    }
}
