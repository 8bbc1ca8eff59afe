package dev.gpusr.spark;

import java.io.Serializable;

/**
 * One input file as planned by the driver: its path and size from the listing, the output it maps to, and a reason
 * when the driver already knows it must not be written (two inputs naming one output).
 */
public record WorkItem(String input, long bytes, String output, String refused) implements Serializable {}
