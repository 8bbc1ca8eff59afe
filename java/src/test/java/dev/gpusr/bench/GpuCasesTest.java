package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The GPU benchmark list, built without a GPU: what runs, what it is judged against, what PyTorch pairs it with. */
class GpuCasesTest {
    private static final List<GpuCase> FULL = GpuCases.all(BenchPlan.of(false, Set.of()));
    private static final List<GpuCase> QUICK = GpuCases.all(BenchPlan.of(true, Set.of()));

    @Test
    void idsAndPeerKeysAreUnique() {
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (GpuCase c : FULL) {
            assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            assertEquals(c.id(), c.row().id());
            if (c.row().key() != null) assertTrue(keys.add(c.row().key()), "duplicate key " + c.row().key());
        }
    }

    @Test
    void theIssuesTargetsHaveRowsInBothModes() {
        for (List<GpuCase> list : List.of(FULL, QUICK)) {
            Set<String> keys = new HashSet<>();
            for (GpuCase c : list) keys.add(c.row().key());
            for (String k : List.of("copy_d2d", "bicubic_up_x2", "bicubic_up_x3", "bicubic_up_x4", "bias_relu_fwd",
                    "bias_relu_bwd", "mse_large", "infer/9-1-5/fp32", "infer/9-1-5/tf32", "infer/9-1-5/fp16",
                    "infer/9-5-5/fp32", "train/9-1-5/fp32/128x33", "train/9-1-5/fp32/16x256", "train/9-5-5/fp32/128x33")) {
                assertTrue(keys.contains(k), "missing " + k);
            }
        }
        assertTrue(QUICK.size() < FULL.size());
    }

    @Test
    void everyRowHasWorkAndTheRightCeiling() {
        for (GpuCase c : FULL) {
            BenchRow r = c.row();
            Work w = r.work();
            assertTrue(w.pixels() > 0 || w.bytes() > 0 || w.flop() > 0, c.id() + " has no work");
            switch (r.section()) {
                case "kernel", "bicubic" -> {
                    if (!c.id().equals("sgd")) assertEquals(BenchRow.Ceiling.BANDWIDTH, r.ceiling(), c.id());
                    assertTrue(w.bytes() > 0, c.id());
                }
                case "conv" -> assertEquals(BenchRow.Ceiling.FP32_FMA, r.ceiling(), c.id());
                case "inference", "train" -> assertEquals(
                        r.precision().equals("fp32") ? BenchRow.Ceiling.FP32_FMA : BenchRow.Ceiling.NONE, r.ceiling(),
                        c.id() + ": only true fp32 is judged against the fp32 FMA peak");
                default -> { }
            }
        }
    }

    @Test
    void workFollowsFromTheShapes() {
        GpuCase x3 = GpuCases.find(BenchPlan.of(false, Set.of()), "bicubic-up-x3");
        double out = 8.0 * 1080 * 1920;
        assertEquals(out, x3.row().work().pixels());
        assertEquals(4 * (out + out / 9), x3.row().work().bytes(), 1e-6);
        GpuCase infer = GpuCases.find(BenchPlan.of(false, Set.of()), "infer-9-1-5-fp32");
        assertEquals(2 * out * 8032, infer.row().work().flop());
        GpuCase conv2 = GpuCases.find(BenchPlan.of(false, Set.of()), "conv2-fwd-9-5-5-8x1080x1920");
        assertEquals(2 * out * 25 * 64 * 32, conv2.row().work().flop());
        GpuCase bias = GpuCases.find(BenchPlan.of(false, Set.of()), "bias-relu-fwd");
        assertEquals(8.0 * 16 * 64 * 256 * 256, bias.row().work().bytes(), "read + write of each float");
    }

    @Test
    void sectionsFilterTheList() {
        List<GpuCase> only = GpuCases.all(BenchPlan.of(true, Set.of("bicubic")));
        assertEquals(4, only.size());
        for (GpuCase c : only) assertEquals("bicubic", c.row().section());
    }
}
