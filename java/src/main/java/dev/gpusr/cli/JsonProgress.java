package dev.gpusr.cli;

import dev.gpusr.pipeline.BatchListener;
import dev.gpusr.pipeline.ImageResult;
import dev.gpusr.util.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --progress json}: one JSON object per line on stderr, for programs that drive gpu-sr. Lines, in order:
 *
 * <pre>
 * {"event":"start","total":3,"scale":2,"output":"out"}
 * {"event":"image","input":"in/a.png","output":"out/a.png","status":"ok","reason":null,"ms":412,
 *  "input_width":640,"input_height":480,"output_width":1280,"output_height":960}
 * {"event":"image","input":"in/b.png","output":"out/b.png","status":"failed","reason":"truncated PNG data: ...",
 *  "ms":3,"input_width":null,"input_height":null,"output_width":null,"output_height":null}
 * {"event":"image","input":"in/c.png","output":"out/c.png","status":"skipped","reason":"complete output exists",...}
 * {"event":"notice","message":"..."}
 * {"event":"summary","total":3,"ok":1,"failed":1,"skipped":1,"not_run":0,"seconds":1.25,"exit":1}
 * </pre>
 *
 * Every key is always present (null when unknown); numbers are plain JSON numbers; {@code status} is ok, failed or
 * skipped; {@code exit} is the process's exit code. Lines are written whole and flushed one at a time (thread-safe).
 * As a {@link BatchListener} it renders the batch's events (the model {@link Progress} draws as a bar).
 */
final class JsonProgress implements BatchListener {
    private final PrintStream out;

    JsonProgress(PrintStream out) {
        this.out = out;
    }

    synchronized void start(int total, int scale, String output) {
        emit(Json.object("event", "start", "total", total, "scale", scale, "output", output));
    }

    /** One finished, failed or skipped image; sizes null when unknown (e.g. a file that could not be decoded). */
    synchronized void image(String input, String output, String status, String reason, long millis, Integer inputWidth,
            Integer inputHeight, Integer outputWidth, Integer outputHeight) {
        if (!status.equals("ok") && !status.equals("failed") && !status.equals("skipped")) {
            throw new IllegalArgumentException("status ok, failed or skipped, got " + status);
        }
        emit(Json.object("event", "image", "input", input, "output", output, "status", status, "reason", reason, "ms",
                millis, "input_width", inputWidth, "input_height", inputHeight, "output_width", outputWidth,
                "output_height", outputHeight));
    }

    @Override
    public void imageFinished(ImageResult r) {
        image(r.input().toString(), r.output() == null ? null : r.output().toString(), r.ok() ? "ok" : "failed",
                r.ok() ? null : r.reason(), r.millis(), size(r.inputWidth()), size(r.inputHeight()),
                size(r.outputWidth()), size(r.outputHeight()));
    }

    /** An input refused before the batch (unreadable folder, no such file, output outside the folder). */
    void failed(Path input, String reason) {
        image(input.toString(), null, "failed", reason, 0, null, null, null, null);
    }

    /** An input left alone because its complete output exists (--skip-existing). */
    void skipped(Path input, Path output) {
        image(input.toString(), output.toString(), "skipped", "complete output exists", 0, null, null, null, null);
    }

    private static Integer size(int v) {
        return v > 0 ? v : null;
    }

    @Override
    public synchronized void notice(String message) {
        emit(Json.object("event", "notice", "message", message));
    }

    synchronized void summary(int total, int ok, int failed, int skipped, int notRun, double seconds, int exit) {
        emit(Json.object("event", "summary", "total", total, "ok", ok, "failed", failed, "skipped", skipped, "not_run",
                notRun, "seconds", Math.round(seconds * 1000) / 1000.0, "exit", exit));
    }

    /** A stream whose every line becomes a notice event (engine notices and the like, printed line by line). */
    PrintStream noticeStream() {
        return new PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                    line.reset();
                    if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
                    notice(text.startsWith("gpu-sr: ") ? text.substring("gpu-sr: ".length()) : text);
                } else {
                    line.write(b);
                }
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void emit(Map<String, Object> m) {
        out.println(Json.write(m));
        out.flush();
    }
}
