package dev.gpusr.bench;

import dev.gpusr.util.Json;
import java.util.Map;

/**
 * The card's limits the rows are judged against, found in the same run: device-to-device copy bandwidth (measured;
 * bytes read plus bytes written per second) and the fp32 FMA peak (computed from SMs, clock and lanes per SM).
 * NaN where a ceiling could not be found.
 */
public record Ceilings(double copyGigabytesPerSecond, double fp32FmaTeraflops, String copyMethod, String fmaMethod) {
    public static final Ceilings UNKNOWN = new Ceilings(Double.NaN, Double.NaN, "not measured", "not computed");

    public Map<String, Object> toMap() {
        return Json.object("copy_gb_per_s", copyGigabytesPerSecond, "copy_method", copyMethod, "fp32_fma_tflop_per_s",
                fp32FmaTeraflops, "fp32_fma_method", fmaMethod);
    }
}
