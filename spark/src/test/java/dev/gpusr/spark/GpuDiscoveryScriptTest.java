package dev.gpusr.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The discovery script's output is what Spark parses, for a fake nvidia-smi with two GPUs and without one. */
class GpuDiscoveryScriptTest {
    static final Path SCRIPT = Path.of("src/main/scripts/getGpusResources.sh");

    record Result(int code, String out, String err) {}

    static Result run(Path bin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString());
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Result(p.waitFor(), out, err);
    }

    @Test
    void listsEveryGpuInSparksFormat(@TempDir Path bin) throws Exception {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$1\" = --query-gpu=index ] && [ \"$2\" = --format=csv,noheader ]"
                + " && printf '0\\n1\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result r = run(bin);
        assertEquals(0, r.code(), r.err());
        ResourceInformation info = ResourceInformation.parseJson(r.out());
        assertEquals("gpu", info.name());
        assertEquals(java.util.List.of("0", "1"), java.util.List.of(info.addresses()));
    }

    @Test
    void failsClearlyWithoutADriver(@TempDir Path bin) throws Exception {
        Result r = run(bin);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("nvidia-smi not found"), r.err());
    }
}
