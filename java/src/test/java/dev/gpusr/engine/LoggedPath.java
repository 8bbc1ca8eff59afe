package dev.gpusr.engine;

import dev.gpusr.image.Pixels;
import java.util.List;
import java.util.function.Supplier;

/**
 * A test pixel path that records when it is made ("allocate T"), run ("run T") and closed ("free T"), and fails with
 * {@code outOfMemory} (as the device would report it) when its tile is above {@code fits}; else plain bicubic x2.
 */
public final class LoggedPath implements PixelPath {
    private final int tile, fits;
    private final List<String> log;
    private final Supplier<RuntimeException> outOfMemory;
    private final TiledPixelUpscaler bicubic = TiledPixelUpscaler.bicubic(2);

    public LoggedPath(int tile, int fits, List<String> log, Supplier<RuntimeException> outOfMemory) {
        this.tile = tile;
        this.fits = fits;
        this.log = log;
        this.outOfMemory = outOfMemory;
        log.add("allocate " + tile);
    }

    @Override public int scale() { return 2; }
    @Override public int minInputSide() { return 1; }
    @Override public long workingBytes(int w, int h, int c, int b) { return 0; }

    @Override
    public Pixels upscale(Pixels lr, int bits) {
        log.add("run " + tile);
        if (tile > fits) throw outOfMemory.get();
        return bicubic.upscale(lr, bits);
    }

    @Override
    public void close() {
        log.add("free " + tile);
    }
}
