package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.pipeline.BatchResult;
import dev.gpusr.pipeline.ImageResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How upscale ends a run: exit codes and the closing lines for a lost device, an interrupt, an error, failures. */
class UpscaleReportTest {
    private static final BatchResult.Stage S = new BatchResult.Stage("decode", 1, 0.5, 0.25);

    private static BatchResult result(int succeeded, List<ImageResult> failures, int notRun, boolean cancelled,
            String lost, Throwable error) {
        return new BatchResult(10, succeeded, failures, notRun, 2.0, 4_000_000L, S, S, S, cancelled, lost, error);
    }

    private static String[] report(BatchResult r, int[] exit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        exit[0] = UpscaleCommand.report(r, List.of(), 0, 2, null, err);
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void exitCodesAndClosingLines() {
        int[] exit = {-1};
        ImageResult bad = new ImageResult(Path.of("x.png"), Path.of("o/x.png"), false, "corrupt", 3, 0, 0, 0, 0);

        String[] lines = report(result(10, List.of(), 0, false, null, null), exit);
        assertEquals(Main.OK, exit[0]);
        assertEquals("gpu-sr: upscaled 10 of 10 images x2 in 2.0 s", lines[0]);
        assertTrue(lines[1].contains("5.00 images/s, 2.0 Mpix/s out"), lines[1]);

        lines = report(result(9, List.of(bad), 0, false, null, null), exit);
        assertEquals(Main.SOME_FAILED, exit[0]);
        assertEquals("  x.png: corrupt", lines[lines.length - 1]);

        lines = report(result(3, List.of(bad), 6, false, "cudaErrorIllegalAddress", null), exit);
        assertEquals(Main.DEVICE_LOST, exit[0]);
        assertTrue(lines[lines.length - 1].contains("device was lost (cudaErrorIllegalAddress); 6 images were not"
                + " processed; the 3 written are complete"), lines[lines.length - 1]);

        lines = report(result(4, List.of(), 6, true, null, null), exit);
        assertEquals(Main.INTERRUPTED, exit[0]);
        assertTrue(lines[lines.length - 1].startsWith("gpu-sr: interrupted; 6 images were not processed"),
                lines[lines.length - 1]);

        lines = report(result(4, List.of(), 6, false, null, new AssertionError("encoder bug")), exit);
        assertEquals(Main.SOME_FAILED, exit[0]);
        assertTrue(lines[lines.length - 1].contains("the run stopped: java.lang.AssertionError: encoder bug"),
                lines[lines.length - 1]);
    }
}
