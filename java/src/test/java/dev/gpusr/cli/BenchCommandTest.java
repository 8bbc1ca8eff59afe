package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.bench.BenchRunner;
import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gpu-sr bench} where no GPU can be used: the CPU part runs, one line says why the GPU part did not. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result execute(String... args) {
        return execute(new CommandLine(new BenchCommand()), args);
    }

    private static Result execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void withoutGpuPrintsTheSkipLineAndExitsZero() throws Exception {
        Optional<String> reason = GpuAvailability.unavailableReason();
        Assumptions.assumeTrue(reason.isPresent(), "a GPU is usable here: the no-GPU path is covered by the next test");
        Path json = dir.resolve("bench.json");
        Result r = execute(Main.commandLine(), "bench", "--quick", "--json", json.toString()); // as `gpu-sr bench ...`
        assertEquals(0, r.exit(), r.out() + r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(json, StandardCharsets.UTF_8));
        // quick mode does not warm the CPU rows up by time; cpu-vs-torch.sh gives PyTorch this same warm-up
        assertEquals(0.0, ((Number) ((Map<?, ?>) doc.get("environment")).get("cpu_warmup_ms")).doubleValue());
        assertEquals("gpu-sr bench --quick --json " + json, ((Map<?, ?>) doc.get("environment")).get("command"),
                "the command is recorded as typed");
        assertTrue(r.out().contains(BenchRunner.SKIP_PREFIX + reason.get()), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.startsWith(BenchRunner.SKIP_PREFIX)).count(), "one skip line");
        checkCpuRows(json, reason.get());
    }

    @Test
    void theGpuPartIsSkippedWithTheGivenReasonOnAnyMachine() throws Exception {
        Path json = dir.resolve("forced.json");
        StringWriter out = new StringWriter();
        StringWriter progress = new StringWriter();
        boolean passed = BenchRunner.run(new BenchRunner.Options(0, true, json, Set.of(), "test"),
                Optional.of("test: no GPU here"), new PrintWriter(out), new PrintWriter(progress));
        assertTrue(passed, out + "\n" + progress);
        assertTrue(out.toString().contains(BenchRunner.SKIP_PREFIX + "test: no GPU here"), out.toString());
        // the table has its header and one line per CPU row
        assertTrue(out.toString().contains("median ms"), out.toString());
        assertTrue(progress.toString().contains("[bench] cpu srcnn forward 9-1-5"), progress.toString());
        checkCpuRows(json, "test: no GPU here");
    }

    /** The JSON names the skip and holds the CPU rows: each measured with positive times, or skipped with a reason. */
    @SuppressWarnings("unchecked")
    private static void checkCpuRows(Path json, String reason) throws Exception {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(json, StandardCharsets.UTF_8));
        assertEquals(reason, doc.get("gpu_skipped"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
        // bicubic x2/x3/x4, forward 9-1-5 and 9-5-5, quick training step 9-1-5
        assertEquals(6, rows.size(), rows.toString());
        for (Map<String, Object> row : rows) {
            assertEquals("cpu", row.get("section"));
            if (row.get("status").equals("ok")) {
                double median = ((Number) row.get("median_ms")).doubleValue();
                assertTrue(median > 0, row.toString());
                double mpix = ((Number) row.get("mpix_per_s")).doubleValue();
                double pixels = ((Number) row.get("pixels")).doubleValue();
                assertEquals(pixels / median / 1e3, mpix, mpix * 1e-9, "Mpix/s follows from pixels and time");
            } else {
                assertEquals("skipped", row.get("status"), row.toString());
                assertTrue(!((String) row.get("reason")).isEmpty());
            }
        }
    }

    @Test
    void badOptionsExitTwoWithAMessage() {
        Result r = execute("--only", "nonsense");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown section 'nonsense'"), r.err());
        Result neg = execute("--device", "-1");
        assertEquals(2, neg.exit());
        assertTrue(neg.err().contains("--device must be >= 0"), neg.err());
    }
}
