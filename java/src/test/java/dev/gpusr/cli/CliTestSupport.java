package dev.gpusr.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the CLI in-process and captures what it prints, or in a child JVM (for signals). */
final class CliTestSupport {
    record Run(int exit, String out, String err) {}

    private CliTestSupport() {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Starts {@code gpu-sr ARGS} in a child JVM on the test class path, stdout and stderr together into {@code log}. */
    /** Whether this host's env(1) has --default-signal (GNU coreutils 8.31 and later). */
    private static final boolean ENV_RESETS_SIGNALS = envResetsSignals();

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Process start(Path log, String... args) throws IOException {
        return start(log, List.of(), args);
    }

    /** {@link #start(Path, String...)} with JVM options (say, a small -Xmx). */
    static Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        // A build started in the background by a shell without job control (`mvn verify &`, nohup) inherits SIGINT
        // as ignored, and a JVM that starts with SIGINT ignored never runs its shutdown hooks on Ctrl-C: the tests
        // that send SIGINT would fail for a reason outside gpu-sr. coreutils' env resets it where it can.
        if (ENV_RESETS_SIGNALS) command.addAll(List.of("env", "--default-signal=INT"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.gpusr.cli.Main"));
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
