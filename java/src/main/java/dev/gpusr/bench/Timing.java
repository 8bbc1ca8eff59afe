package dev.gpusr.bench;

/**
 * The samples of one benchmark: milliseconds per run from the device clock (CUDA events; empty on the CPU) and
 * from the host clock (wall time around each repeat, divided by the runs in it). {@code runsPerRepeat} > 1 when
 * short runs were grouped between two events.
 */
public record Timing(double[] deviceMs, double[] hostMs, int runsPerRepeat) {
    public Timing {
        deviceMs = deviceMs.clone();
        hostMs = hostMs.clone();
        if (runsPerRepeat < 1) throw new IllegalArgumentException("runsPerRepeat must be >= 1");
    }

    public static Timing host(double[] hostMs) {
        return new Timing(new double[0], hostMs, 1);
    }

    /** The number quoted in the table: the device median when there is one, else the host median. */
    public double medianMs() {
        return deviceMs.length > 0 ? BenchStats.median(deviceMs) : BenchStats.median(hostMs);
    }

    public double minMs() {
        return deviceMs.length > 0 ? BenchStats.min(deviceMs) : BenchStats.min(hostMs);
    }

    public double maxMs() {
        return deviceMs.length > 0 ? BenchStats.max(deviceMs) : BenchStats.max(hostMs);
    }

    public double hostMedianMs() {
        return BenchStats.median(hostMs);
    }

    public int repeats() {
        return Math.max(deviceMs.length, hostMs.length);
    }

    public boolean fromDeviceClock() {
        return deviceMs.length > 0;
    }
}
