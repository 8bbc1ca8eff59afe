package dev.gpusr.cli;

/** Entry point of the gpu-sr command line (filled in by the CLI work). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("gpu-sr: CLI under construction");
    }
}
