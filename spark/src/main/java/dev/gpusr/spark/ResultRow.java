package dev.gpusr.spark;

import java.io.Serializable;

/** One row of a run's result table (a Spark bean: the Parquet columns are these properties). */
public final class ResultRow implements Serializable {
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    private String input;
    private String output;
    private String status;
    private String reason;
    private long inputBytes;
    private long outputBytes;
    private long millis;
    private String executor;
    private String device;
    private int attempt;
    private long storeMs;

    public ResultRow() {}

    ResultRow(String input, String output, String status, String reason, long inputBytes, long outputBytes,
              long millis, String executor, String device, int attempt) {
        this.input = input;
        this.output = output;
        this.status = status;
        this.reason = reason;
        this.inputBytes = inputBytes;
        this.outputBytes = outputBytes;
        this.millis = millis;
        this.executor = executor;
        this.device = device;
        this.attempt = attempt;
    }

    public String getInput() { return input; }
    public void setInput(String v) { input = v; }
    public String getOutput() { return output; }
    public void setOutput(String v) { output = v; }
    /** ok, failed or skipped. */
    public String getStatus() { return status; }
    public void setStatus(String v) { status = v; }
    /** Why it failed or was skipped, or a note on a success ("" when none). */
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }
    public long getInputBytes() { return inputBytes; }
    public void setInputBytes(long v) { inputBytes = v; }
    public long getOutputBytes() { return outputBytes; }
    public void setOutputBytes(long v) { outputBytes = v; }
    /** Milliseconds from the start of its decoding to the end of its encoding, plus storing it. */
    public long getMillis() { return millis; }
    public void setMillis(long v) { millis = v; }
    public String getExecutor() { return executor; }
    public void setExecutor(String v) { executor = v; }
    /** The engine that ran it, as it names itself ("cpu (2 threads)", "cuda:0 NVIDIA H100 ..."), or bicubic; ""
     *  when no engine was needed. */
    public String getDevice() { return device; }
    public void setDevice(String v) { device = v; }
    /** The task attempt that produced this row (0 = first). */
    public int getAttempt() { return attempt; }
    public void setAttempt(int v) { attempt = v; }
    /** Milliseconds writing the output to its file system and publishing it. */
    public long getStoreMs() { return storeMs; }
    public void setStoreMs(long v) { storeMs = v; }

    ResultRow stored(long millis) {
        storeMs = millis;
        return this;
    }
}
