package dev.gpusr.cli;

import dev.gpusr.device.Engines.EngineUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the gpu-sr command line. Exit codes: 0 all good, 1 some inputs failed, 2 usage, 3 engine unavailable, 4 device
 * lost, 130 interrupted. */
@Command(name = "gpu-sr", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Image super-resolution with SRCNN on NVIDIA GPUs (cuDNN) or the CPU.",
        subcommands = {UpscaleCommand.class, DegradeCommand.class, EvalCommand.class, TrainCommand.class,
                DemoCommand.class, DevicesCommand.class, BenchCommand.class, MosCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int SOME_FAILED = 1;
    public static final int USAGE = 2;
    public static final int ENGINE_UNAVAILABLE = 3;
    /** The device was lost mid-batch (e.g. the CUDA context); outputs written before are complete. */
    public static final int DEVICE_LOST = 4;
    /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (upscale, eval, train, demo, ...)");
    }

    /** The version from the build (version.properties is filtered by Maven: one source of truth, the pom). */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/dev/gpusr/version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gpu-sr " + version(), "Java " + System.getProperty("java.version")};
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof EngineUnavailableException) {
                cmd.getErr().println("gpu-sr: " + ex.getMessage());
                return ENGINE_UNAVAILABLE;
            }
            if (ex instanceof InvalidPathException ipe) {
                cmd.getErr().println("gpu-sr: " + unrepresentable(ipe));
                return USAGE;
            }
            if (ex instanceof UsageException) {
                cmd.getErr().println("gpu-sr: " + ex.getMessage());
                return USAGE;
            }
            cmd.getErr().println("gpu-sr: error: " + ex);
            if (System.getenv("GPUSR_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return SOME_FAILED;
        });
        // picocli lets --help win over an argument it does not know ("gpu-sr nosuch --help" printed the help, exit 0):
        // an unknown command or option is a usage error even then.
        cl.setExecutionStrategy(parsed -> {
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (!p.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        // After every subcommand is added: both settings reach only the subcommands already present. The plain
        // converter keeps the InvalidPathException as the cause (picocli's built-in one hides it in a message).
        cl.registerConverter(Path.class, Path::of);
        // A usage error is one line and a pointer to --help (not the whole help, which hid the line above it).
        cl.setParameterExceptionHandler((ex, args) -> {
            java.io.PrintWriter err = ex.getCommandLine().getErr();
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof InvalidPathException ipe) {
                    err.println("gpu-sr: " + unrepresentable(ipe));
                    return USAGE;
                }
            }
            err.println("gpu-sr: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return USAGE;
        });
        return cl;
    }

    /** One line for a file name Java cannot represent in the locale's charset (LC_ALL=C and a non-ASCII name). */
    static String unrepresentable(InvalidPathException e) {
        String charset = System.getProperty("sun.jnu.encoding", "?");
        return "cannot use the file name '" + e.getInput() + "': it has characters that the file-name charset ("
                + charset + ") cannot represent; run gpu-sr with a UTF-8 locale (e.g. LC_ALL=C.UTF-8)";
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
