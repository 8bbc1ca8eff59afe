package dev.gpusr.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.cli.Main;
import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.image.Image;
import dev.gpusr.image.ImageReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a GPU is usable: the job in local mode with the driver's GPU given to Spark's resource scheduling (through
 * the shipped discovery script) runs on cuda:0, and its outputs match gpu-sr upscale --device 0 (same names; samples
 * within one level, as two engine instances may pick different cuDNN algorithms).
 */
@Tag("gpu")
class SparkGpuTest {
    @Test
    void theTasksGpuRunsTheModelAndMatchesTheCli(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(GpuAvailability.usable(),
                () -> "no usable CUDA device: " + GpuAvailability.unavailableReason().orElse("?"));
        Path in = tmp.resolve("in");
        SparkUpscaleJobTest.makeInputs(in);
        Path expected = tmp.resolve("expected");
        SparkUpscaleJobTest.cli(in, expected, "-m", "x2", "--device", "0", "--deterministic");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("gpu-sr spark gpu test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.resource.gpu.amount", "1")
                .config("spark.driver.resource.gpu.discoveryScript",
                        Path.of("src/main/scripts/getGpusResources.sh").toAbsolutePath().toString())
                .config("spark.task.resource.gpu.amount", "0.5")
                .getOrCreate();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            UpscaleJob.Outcome o = UpscaleJob.execute(spark, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                    in.toString(), "-o", tmp.resolve("out").toString(), "-m", "x2", "--device", "auto",
                    "--deterministic");
            String err = bytes.toString(StandardCharsets.UTF_8);
            System.out.println(err);
            assertEquals(Main.SOME_FAILED, o.exitCode(), err); // the bad files
            assertEquals(7, o.summary().ok(), err);
            for (Row r : spark.read().parquet(o.summary().results()).filter("status = 'ok'").select("device").collectAsList()) {
                assertTrue(r.getString(0).startsWith("cuda:0"), r.getString(0));
            }
            Map<String, byte[]> want = SparkUpscaleJobTest.files(expected);
            Map<String, byte[]> got = SparkUpscaleJobTest.files(tmp.resolve("out"));
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                if (k.endsWith(".jpg")) continue; // lossy: a one-level difference can move JPEG bytes anywhere
                Image a = ImageReader.read(expected.resolve(k));
                Image b = ImageReader.read(tmp.resolve("out").resolve(k));
                float levels = a.bitDepth() == 16 ? 65535f : 255f;
                for (int p = 0; p < a.planes().length; p++) {
                    for (int i = 0; i < a.planes()[p].length; i++) {
                        float d = Math.abs(a.planes()[p][i] - b.planes()[p][i]) * levels;
                        assertTrue(d <= 1.01f, k + " plane " + p + " sample " + i + " differs by " + d + " levels");
                    }
                }
            }
        } finally {
            spark.stop();
        }
    }
}
