package dev.gpusr.cuda;

import dev.gpusr.model.Tensor;
import java.util.Locale;
import java.util.Objects;

/**
 * The CUDA engine's bicubic upsampling ({@link CudaSrcnn#upsample}): host planes to the device, gpu-sr's MATLAB
 * bicubic kernel, back to the host. Its two buffers grow to the largest image seen.
 */
final class DeviceUpsampler implements AutoCloseable {
    private final CudaContext ctx;
    private final HostTransfers transfers;
    private final DeviceBuffer in = new DeviceBuffer("upsampling input", null);
    private final DeviceBuffer out = new DeviceBuffer("upsampling output", null);

    DeviceUpsampler(CudaContext ctx, HostTransfers transfers) {
        this.ctx = ctx;
        this.transfers = transfers;
    }

    Tensor upsample(Tensor lowRes, int scale) {
        Objects.requireNonNull(lowRes, "lowRes");
        if (scale < 1) throw new IllegalArgumentException("upsampling scale must be >= 1, got " + scale);
        long outH = (long) lowRes.h * scale;
        long outW = (long) lowRes.w * scale;
        long outSize = (long) lowRes.n * lowRes.c * outH * outW;
        if (outSize > Integer.MAX_VALUE - 8) {
            // a Java array (and so this call's result) holds at most 2^31 - 9 values; say what does fit
            long perPixel = (long) lowRes.n * lowRes.c * scale * scale;
            long fits = (Integer.MAX_VALUE - 8) / perPixel;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "x%d of %s would be %,d values, more than one tensor holds (2^31): at x%d with %d plane(s) an "
                            + "input may have at most %,d pixels (--max-pixels %d)%s", scale, lowRes.shapeString(),
                    outSize, scale, lowRes.n * lowRes.c, fits, fits,
                    lowRes.n > 1 ? "; or upsample fewer images at a time" : ""));
        }
        in.ensure(4L * lowRes.size(), ctx.stream());
        out.ensure(4L * outSize, ctx.stream());
        transfers.upload(lowRes.data, 0, lowRes.size(), in.pointer());
        ctx.kernels().bicubicUpscale(ctx.cuStream(), in.pointer(), out.pointer(), lowRes.n * lowRes.c, lowRes.h,
                lowRes.w, scale);
        Tensor result = new Tensor(lowRes.n, lowRes.c, (int) outH, (int) outW);
        transfers.download(out.pointer(), result.data, 0, result.size());
        return result;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (DeviceBuffer b : new DeviceBuffer[] {in, out}) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
