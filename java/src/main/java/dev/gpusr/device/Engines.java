package dev.gpusr.device;

import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.cuda.CudaDevices;
import dev.gpusr.cuda.CudaException;
import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.cuda.CudaPixelPath;
import dev.gpusr.cuda.CudaSrcnn;
import dev.gpusr.cuda.CudaStreamedPixels;
import dev.gpusr.cuda.GpuAvailability;
import dev.gpusr.engine.DeviceOutOfMemoryException;
import dev.gpusr.engine.EngineLostException;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.engine.ShrinkingTiles;
import dev.gpusr.engine.SrcnnEngine;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.model.SrcnnWeights;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses an engine for --device: "auto" (GPU 0 when usable, else the CPU with a one-line notice), "cpu", or a GPU
 * index. An explicit GPU that cannot be used is an {@link EngineUnavailableException}.
 */
public final class Engines {
    private Engines() {}

    /** Why a requested engine cannot be used; the CLI exits 3 on it. */
    public static final class EngineUnavailableException extends RuntimeException {
        public EngineUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static SrcnnEngine open(String device, SrcnnWeights weights, PrintStream notices) {
        return open(device, weights, notices, CudaOptions.defaults());
    }

    /** As {@link #open(String, SrcnnWeights, PrintStream)}, with the CUDA engine's math and determinism settings. */
    public static SrcnnEngine open(String device, SrcnnWeights weights, PrintStream notices, CudaOptions options) {
        String d = device == null ? "auto" : device.trim().toLowerCase();
        if (d.equals("cpu")) return new CpuSrcnn(weights, 0);
        if (d.equals("auto")) {
            Optional<String> unavailable = GpuAvailability.unavailableReason();
            String why;
            if (unavailable.isPresent()) {
                why = "no usable CUDA device (" + unavailable.get() + ")";
            } else {
                try {
                    return new CudaSrcnn(0, weights, options);
                } catch (CudaException | LinkageError e) {
                    why = "the CUDA engine could not start on GPU 0 (" + e.getMessage() + ")";
                }
            }
            notices.println(oneLine("gpu-sr: " + why + "; using the CPU engine"));
            return new CpuSrcnn(weights, 0);
        }
        int index;
        try {
            index = Integer.parseInt(d);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device takes auto, cpu or a GPU index, got '" + device + "'");
        }
        if (index < 0) throw new IllegalArgumentException("--device takes a GPU index >= 0, got " + index);
        Optional<String> unavailable = GpuAvailability.unavailableReason();
        if (unavailable.isPresent()) {
            throw new EngineUnavailableException("GPU " + index + " requested, but " + unavailable.get(), null);
        }
        try {
            return new CudaSrcnn(index, weights, options);
        } catch (CudaException | LinkageError e) {
            throw new EngineUnavailableException("GPU " + index + " requested, but the CUDA engine could not start: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The devices a --device value names, one entry per card: "auto", "cpu" or "N" alone, a list "0,1", or "all"
     * (every CUDA device; an EngineUnavailableException when there is none). Duplicates are refused.
     */
    public static List<String> parseDevices(String devices) {
        String d = devices == null ? "auto" : devices.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("all")) {
            CudaDevices.Listing listing = CudaDevices.list();
            if (listing.devices().isEmpty()) {
                throw new EngineUnavailableException("--device all: no usable CUDA device ("
                        + listing.unavailableReason().orElse("none found") + ")", null);
            }
            List<String> all = new ArrayList<>();
            for (CudaDevices.Device dev : listing.devices()) all.add(Integer.toString(dev.index()));
            return all;
        }
        if (!d.contains(",")) return List.of(d);
        Set<String> out = new LinkedHashSet<>();
        for (String part : d.split(",")) {
            String p = part.trim();
            try {
                if (Integer.parseInt(p) < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--device lists GPU indices like 0,1; got '" + part.trim() + "' in '"
                        + devices + "'");
            }
            if (!out.add(Integer.toString(Integer.parseInt(p)))) {
                throw new IllegalArgumentException("--device names GPU " + p + " twice");
            }
        }
        return List.copyOf(out);
    }

    /**
     * Opens {@code perDevice} engines on every device of a --device value (see {@link #parseDevices}); on failure
     * the ones already open are closed.
     */
    public static List<SrcnnEngine> openAll(String devices, int perDevice, SrcnnWeights weights, PrintStream notices,
            CudaOptions options) {
        if (perDevice < 1) throw new IllegalArgumentException("workers per device must be >= 1, got " + perDevice);
        List<SrcnnEngine> engines = new ArrayList<>();
        try {
            for (String d : parseDevices(devices)) {
                for (int i = 0; i < perDevice; i++) {
                    // "auto" decides once: its later workers go where the first went
                    String where = d.equals("auto") && !engines.isEmpty() ? sameDevice(engines.get(0)) : d;
                    engines.add(open(where, weights, notices, options));
                }
            }
        } catch (RuntimeException | Error e) {
            for (SrcnnEngine e2 : engines) e2.close();
            throw e;
        }
        return engines;
    }

    private static String sameDevice(SrcnnEngine first) {
        String id = first.id();
        return id.startsWith("cuda:") ? id.substring(5) : "cpu";
    }

    /**
     * The pixel call an engine worker uses: {@link TiledPixelUpscaler} for every engine (the engine's forward per
     * tile). Opt-in, not yet verified on a GPU: with {@code GPUSR_CUDA_PIXELS=device} a CUDA engine running a Y model
     * keeps the image's samples on the card (one upload, one download; walked there in tiles, so its float memory is
     * one tile's) with two images in flight, the upload of one, the
     * compute of another and the download of a third overlapped ({@link CudaStreamedPixels}); with
     * {@code GPUSR_CUDA_PIXELS=device-serial} one image at a time on the engine's stream ({@link CudaPixelPath}).
     */
    public static PixelPath pixelPath(SrcnnEngine engine, int tile) {
        if (!(engine instanceof CudaSrcnn cuda)) return new TiledPixelUpscaler(engine, tile);
        // opt-in, until a GPU session has verified it
        boolean resident = CudaPixelPath.requested() && CudaPixelPath.supports(cuda);
        boolean overlapped = resident && !CudaPixelPath.serialRequested();
        return new ShrinkingTiles(t -> new ContextLossMapping(!resident ? new TiledPixelUpscaler(engine, t)
                : overlapped ? CudaStreamedPixels.open(cuda, t) : new CudaPixelPath(cuda, t), engine), tile);
    }

    /**
     * A CUDA failure that lost the context becomes an {@link EngineLostException} (the batch stops that worker); a
     * failed device allocation a {@link DeviceOutOfMemoryException} (the image is retried with smaller tiles). Its
     * close frees the inner path's buffers and then the engine's activations and workspace, which the larger tile
     * sized ({@link SrcnnEngine#releaseWorkingMemory()}).
     */
    record ContextLossMapping(PixelPath inner, SrcnnEngine engine) implements PixelPath.Forwarding {
        @Override
        public void close() {
            mapped(() -> {
                // the engine's memory is released even when the path's close failed (it frees what it can first)
                RuntimeException first = null;
                try {
                    inner.close();
                } catch (RuntimeException e) {
                    first = e;
                }
                try {
                    engine.releaseWorkingMemory();
                } catch (RuntimeException e) {
                    if (first == null) first = e;
                    else first.addSuppressed(e);
                }
                if (first != null) throw first;
                return null;
            });
        }

        @Override
        public dev.gpusr.image.Pixels upscale(dev.gpusr.image.Pixels lowRes, int outputBitDepth) {
            return mapped(() -> inner.upscale(lowRes, outputBitDepth));
        }

        /** Both halves of an overlapped upscale map failures as upscale does. */
        @Override
        public Pending submit(dev.gpusr.image.Pixels lowRes, int outputBitDepth) {
            Pending pending = mapped(() -> inner.submit(lowRes, outputBitDepth));
            return () -> mapped(pending::await);
        }

        private static <T> T mapped(java.util.function.Supplier<T> call) {
            try {
                return call.get();
            } catch (CudaException e) {
                if (e.contextLost()) throw new EngineLostException(oneLine(e.getMessage()), e);
                if (e.outOfMemory()) throw new DeviceOutOfMemoryException(oneLine(e.getMessage()), e);
                throw e;
            }
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }
}
