package dev.gpusr.cli;

import dev.gpusr.bench.BenchPlan;
import dev.gpusr.bench.BenchRunner;
import dev.gpusr.cuda.CudaDevices;
import dev.gpusr.cuda.GpuAvailability;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gpu-sr bench}: how fast each kernel and the whole model run here, and how close to the card's limits. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the CPU engine, then on the GPU: copy bandwidth (the ceiling), gpu-sr's kernels, bicubic "
                + "x2/x3/x4, each cuDNN convolution layer, full inference (fp32, TF32, fp16) and a full training "
                + "step for SRCNN 9-1-5 and 9-5-5, and the CUDA engine end to end.",
            "GPU times are medians of CUDA-event timings after warm-up; each op is checked against the CPU first.",
            "Without a usable GPU the CPU part runs and one line says why the GPU part was skipped; with an explicit",
            "--device N that GPU must be usable.",
            "Exit status: 0 ok, 1 a row failed or a result did not match the CPU, 2 bad options, 3 the GPU named by "
                + "--device is not usable."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "N", description = "GPU index (default: ${DEFAULT-VALUE})")
    int device = 0;

    @Option(names = "--json", paramLabel = "FILE", description = "also write every row (and the environment) as JSON")
    Path json;

    @Option(names = "--quick", description = "less time per row, fewer rows (same GPU sizes; tiny CPU sizes); "
            + "about a minute on an H100")
    boolean quick;

    @Option(names = "--only", paramLabel = "SECTION", split = ",",
            description = "run only these sections: cpu, ceiling, kernel, bicubic, conv, inference, train, engine")
    List<String> only;

    @Override
    public Integer call() {
        if (device < 0) throw new ParameterException(spec.commandLine(), "--device must be >= 0, got " + device);
        LinkedHashSet<String> sections = new LinkedHashSet<>();
        if (only != null) {
            for (String s : only) {
                String t = s.trim().toLowerCase();
                if (!BenchPlan.SECTIONS.contains(t)) {
                    throw new ParameterException(spec.commandLine(), "--only: unknown section '" + s + "' (known: "
                            + String.join(", ", BenchPlan.SECTIONS) + ")");
                }
                sections.add(t);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> unavailable = GpuAvailability.unavailableReason();
        if (spec.commandLine().getParseResult().hasMatchedOption("--device")) {
            String why = unavailable.orElse(null);
            if (why == null) {
                int n = CudaDevices.list().devices().size();
                if (device >= n) why = "this machine has " + n + " GPU" + (n == 1 ? " (index 0)" : "s (0 to " + (n - 1) + ")");
            }
            if (why != null) {
                err.println("gpu-sr: GPU " + device + " requested, but " + why);
                return Main.ENGINE_UNAVAILABLE;
            }
        }
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // through gpu-sr's top-level command the arguments start with this subcommand's own name: record it once
        if (!args.isEmpty() && args.get(0).equals(spec.name())) args = args.subList(1, args.size());
        String commandLine = "gpu-sr bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
        BenchRunner.Options options = new BenchRunner.Options(device, quick, json, sections, commandLine);
        return BenchRunner.run(options, unavailable, spec.commandLine().getOut(), err) ? Main.OK : Main.SOME_FAILED;
    }
}
