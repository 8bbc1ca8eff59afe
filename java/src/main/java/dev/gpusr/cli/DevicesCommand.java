package dev.gpusr.cli;

import dev.gpusr.cuda.CudaDevices;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "List CUDA devices, or say why none is usable.")
final class DevicesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        CudaDevices.Listing listing = CudaDevices.list();
        if (listing.unavailableReason().isPresent()) {
            System.out.println("No usable CUDA device: " + listing.unavailableReason().get() + ". The CPU engine is used.");
            return Main.OK;
        }
        for (CudaDevices.Device d : listing.devices()) System.out.println(d.describe());
        return Main.OK;
    }
}
