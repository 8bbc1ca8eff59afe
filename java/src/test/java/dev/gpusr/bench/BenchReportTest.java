package dev.gpusr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static BenchReport sample() {
        BenchReport r = new BenchReport();
        r.ceilings(new Ceilings(3000, 60, "measured", "computed"));
        r.add(new BenchRow("kernel", "bias+relu fwd").precision("fp32").shape("16x64x256x256").key("bias_relu_fwd")
                .work(new Work(1e6, 2.4e9, 0)).ceiling(BenchRow.Ceiling.BANDWIDTH)
                .timing(new Timing(new double[] {1.0, 1.0, 1.2}, new double[] {1.5, 1.5, 1.5}, 2))
                .check(Check.passed("max err 0.0e+00")));
        r.add(new BenchRow("train", "train step sgd").model("9-1-5").skipped("no kernels"));
        return r;
    }

    @Test
    void tableShowsThroughputAndPercentOfTheCeiling() {
        StringWriter s = new StringWriter();
        sample().printTable(new PrintWriter(s, true));
        List<String> lines = s.toString().lines().toList();
        assertEquals(3, lines.size(), s.toString());
        String row = lines.get(1);
        assertTrue(row.contains("2400"), row);       // GB/s
        assertTrue(row.contains("80.00 bw"), row);   // percent of copy bandwidth
        assertTrue(row.contains("1000"), row);       // Mpix/s
        assertTrue(lines.get(2).contains("skipped: no kernels"), lines.get(2));
    }

    @SuppressWarnings("unchecked")
    @Test
    void jsonCarriesTheSameNumbers() {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(sample().toJson());
        assertNull(doc.get("gpu_skipped"));
        assertEquals(3000.0, ((Number) ((Map<String, Object>) doc.get("ceilings")).get("copy_gb_per_s")).doubleValue());
        List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
        Map<String, Object> k = rows.get(0);
        assertEquals("bias_relu_fwd", k.get("key"));
        assertEquals(1.0, ((Number) k.get("median_ms")).doubleValue());
        assertEquals(80.0, ((Number) k.get("percent_of_ceiling")).doubleValue(), 1e-9);
        assertEquals("cuda-events", k.get("clock"));
        assertEquals(2L, k.get("runs_per_repeat"));
        assertEquals("passed", k.get("check"));
        assertEquals("skipped", rows.get(1).get("status"));
        assertEquals("no kernels", rows.get(1).get("reason"));
        assertTrue(!rows.get(1).containsKey("median_ms"));
    }

    @Test
    void numberFormatKeepsThreeSignificantDigits() {
        assertEquals("33.20", BenchReport.format(33.2));
        assertEquals("499.7", BenchReport.format(499.66));
        assertEquals("51040", BenchReport.format(51040.2));
        assertEquals("0.325", BenchReport.format(0.325));
        assertEquals("4.20e-03", BenchReport.format(0.0042));
        assertEquals("-", BenchReport.format(Double.NaN));
    }
}
