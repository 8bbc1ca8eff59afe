package dev.gpusr.cli;

import dev.gpusr.cuda.GpuAvailability;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "List CUDA devices, or say why none is usable.")
final class DevicesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Optional<String> why = GpuAvailability.unavailableReason();
        if (why.isPresent()) {
            System.out.println("No usable CUDA device: " + why.get() + ". The CPU engine is used.");
            return Main.OK;
        }
        System.out.println("CUDA device(s) present; the CUDA engine is not part of this build yet.");
        return Main.OK;
    }
}
