package dev.gpusr.cli;

import dev.gpusr.util.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
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
 */
final class JsonProgress {
    private final PrintStream out;

    JsonProgress(PrintStream out) {
        this.out = out;
    }

    synchronized void start(int total, int scale, String output) {
        Map<String, Object> m = event("start");
        m.put("total", total);
        m.put("scale", scale);
        m.put("output", output);
        emit(m);
    }

    /** One finished, failed or skipped image; sizes null when unknown (e.g. a file that could not be decoded). */
    synchronized void image(String input, String output, String status, String reason, long millis, Integer inputWidth,
            Integer inputHeight, Integer outputWidth, Integer outputHeight) {
        if (!status.equals("ok") && !status.equals("failed") && !status.equals("skipped")) {
            throw new IllegalArgumentException("status ok, failed or skipped, got " + status);
        }
        Map<String, Object> m = event("image");
        m.put("input", input);
        m.put("output", output);
        m.put("status", status);
        m.put("reason", reason);
        m.put("ms", millis);
        m.put("input_width", inputWidth);
        m.put("input_height", inputHeight);
        m.put("output_width", outputWidth);
        m.put("output_height", outputHeight);
        emit(m);
    }

    synchronized void notice(String message) {
        Map<String, Object> m = event("notice");
        m.put("message", message);
        emit(m);
    }

    synchronized void summary(int total, int ok, int failed, int skipped, int notRun, double seconds, int exit) {
        Map<String, Object> m = event("summary");
        m.put("total", total);
        m.put("ok", ok);
        m.put("failed", failed);
        m.put("skipped", skipped);
        m.put("not_run", notRun);
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("exit", exit);
        emit(m);
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

    private static Map<String, Object> event(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        return m;
    }

    private void emit(Map<String, Object> m) {
        out.println(Json.write(m));
        out.flush();
    }
}
