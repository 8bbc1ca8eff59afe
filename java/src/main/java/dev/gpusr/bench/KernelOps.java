package dev.gpusr.bench;

import dev.gpusr.cuda.CudaKernels;
import dev.gpusr.image.ColorConversion;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import java.util.Random;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * The memory-bound operations: gpu-sr's own kernels (bias+ReLU forward and backward, MSE loss and gradient, the
 * PSNR sum, pixel unpacking and packing, bicubic resampling, the SGD update) and the copies that set the bandwidth
 * ceiling. Each rotates between input sets so L2 does not serve repeats, and checks itself once against
 * {@link CpuReference} (or the CPU resampler and colour conversion) on a small case.
 */
public final class KernelOps {
    private KernelOps() {}

    private static final long SEED = 0x5eed;

    static int rotation(GpuContext ctx, long footprintBytes) {
        return GpuTimer.rotationFor(ctx.l2Bytes(), footprintBytes);
    }

    // ---------------------------------------------------------------- copies (ceiling)

    /** cudaMemcpyAsync device to device; work counts bytes read plus bytes written, as PyTorch's number does. */
    public static final class DeviceCopy extends OwningOp {
        private final DeviceBuffer src;
        private final DeviceBuffer dst;

        public DeviceCopy(GpuContext ctx, long bytes) {
            super(ctx);
            src = own(DeviceBuffer.allocate(bytes, "copy source")).fillUniform(SEED, 0, 1);
            dst = own(DeviceBuffer.allocate(bytes, "copy destination"));
        }

        @Override
        public void launch(int run) {
            GpuContext.check(JCuda.cudaMemcpyAsync(dst.ptr(), src.ptr(), src.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToDevice,
                    ctx.stream()), "cudaMemcpyAsync(device to device)", null);
        }

        @Override
        public Check check() {
            launch(0);
            ctx.sync();
            int n = 4096;
            long lastStart = src.bytes() - n;
            boolean same = java.util.Arrays.equals(src.downloadBytes(0, n), dst.downloadBytes(0, n))
                    && java.util.Arrays.equals(src.downloadBytes(lastStart, n), dst.downloadBytes(lastStart, n));
            return same ? Check.passed("bytes equal") : Check.failed("device copy: destination differs from source");
        }
    }

    /** A synchronous copy between a Java float[] (pageable) and the device: what an engine's host tensors cost. */
    public static final class HostCopy extends OwningOp {
        private final float[] host;
        private final DeviceBuffer device;
        private final boolean toDevice;

        public HostCopy(GpuContext ctx, int floats, boolean toDevice) {
            super(ctx);
            this.toDevice = toDevice;
            host = BenchData.uniform(floats, SEED, 0, 1);
            device = own(DeviceBuffer.floats(floats, "host copy buffer"));
            if (!toDevice) device.upload(host);
        }

        @Override
        public void launch(int run) {
            long bytes = (long) host.length * Sizeof.FLOAT;
            if (toDevice) {
                GpuContext.check(JCuda.cudaMemcpy(device.ptr(), Pointer.to(host), bytes,
                        cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy(host to device)", null);
            } else {
                GpuContext.check(JCuda.cudaMemcpy(Pointer.to(host), device.ptr(), bytes,
                        cudaMemcpyKind.cudaMemcpyDeviceToHost), "cudaMemcpy(device to host)", null);
            }
        }

        @Override
        public Check check() {
            float[] expected = host.clone();
            launch(0);
            ctx.sync();
            float[] back = device.downloadFloats(0, host.length);
            return Check.compare("host copy", expected, back, 0);
        }
    }

    // ---------------------------------------------------------------- bias + ReLU

    /** In-place x[n, c, :] += bias[c] then ReLU: the epilogue of conv layers 1 and 2. */
    public static final class BiasReluForward extends OwningOp {
        private final CudaKernels k;
        private final int n, c, hw;
        private final DeviceBuffer[] x;
        private final DeviceBuffer bias;

        public BiasReluForward(GpuContext ctx, int n, int c, int hw) {
            super(ctx);
            k = ctx.kernels();
            this.n = n;
            this.c = c;
            this.hw = hw;
            long count = (long) n * c * hw;
            x = rotatingFloats(count, rotation(ctx, count * 4), SEED, -1, 1, "bias+relu input");
            // tiny biases: the op runs in place thousands of times and must not drift far
            bias = own(DeviceBuffer.floats(BenchData.uniform(c, SEED, -1e-4f, 1e-4f), "bias"));
        }

        @Override
        public void launch(int run) {
            k.biasActivation(ctx.cuStream(), x[run % x.length].ptr(), bias.ptr(), n, c, hw, true);
        }

        @Override
        public Check check() {
            int sn = 2, sc = 5, shw = 37 * 29;
            float[] hx = BenchData.uniform(sn * sc * shw, 1, -1, 1);
            float[] hb = BenchData.uniform(sc, 2, -0.5f, 0.5f);
            try (DeviceBuffer dx = DeviceBuffer.floats(hx, "check x"); DeviceBuffer db = DeviceBuffer.floats(hb, "check bias")) {
                k.biasActivation(ctx.cuStream(), dx.ptr(), db.ptr(), sn, sc, shw, true);
                ctx.sync();
                return Check.compare("bias+relu", CpuReference.biasActivation(hx, hb, sn, sc, shw, true),
                        dx.downloadFloats(0, hx.length), 1e-6);
            }
        }
    }

    /** ReLU mask of the gradient (in place) and the bias gradient, the backward of {@link BiasReluForward}. */
    public static final class BiasReluBackward extends OwningOp {
        private final CudaKernels k;
        private final int n, c, hw;
        private final DeviceBuffer[] dy;
        private final DeviceBuffer[] y;
        private final DeviceBuffer dbias;

        public BiasReluBackward(GpuContext ctx, int n, int c, int hw) {
            super(ctx);
            k = ctx.kernels();
            this.n = n;
            this.c = c;
            this.hw = hw;
            long count = (long) n * c * hw;
            int sets = rotation(ctx, count * 8);
            dy = rotatingFloats(count, sets, SEED, -1, 1, "bias+relu backward gradient");
            y = rotatingFloats(count, sets, SEED + 100, -1, 1, "bias+relu backward activations");
            dbias = own(DeviceBuffer.floats(c, "bias gradient"));
        }

        @Override
        public void launch(int run) {
            int i = run % dy.length;
            k.biasActivationBackward(ctx.cuStream(), dy[i].ptr(), y[i].ptr(), dbias.ptr(), n, c, hw, true);
        }

        @Override
        public Check check() {
            int sn = 3, sc = 4, shw = 41 * 23;
            float[] hdy = BenchData.uniform(sn * sc * shw, 3, -1, 1);
            float[] hy = BenchData.uniform(sn * sc * shw, 4, -1, 1);
            try (DeviceBuffer ddy = DeviceBuffer.floats(hdy, "check dy"); DeviceBuffer dyv = DeviceBuffer.floats(hy, "check y");
                    DeviceBuffer ddb = DeviceBuffer.floats(sc, "check dbias")) {
                k.biasActivationBackward(ctx.cuStream(), ddy.ptr(), dyv.ptr(), ddb.ptr(), sn, sc, shw, true);
                ctx.sync();
                CpuReference.BiasActivationGrad ref = CpuReference.biasActivationBackward(hdy, hy, sn, sc, shw, true);
                return Check.compare("relu mask", ref.dx(), ddy.downloadFloats(0, hdy.length), 0)
                        .and(Check.compare("bias gradient", ref.dbias(), ddb.downloadFloats(0, sc), 1e-5));
            }
        }
    }

    // ---------------------------------------------------------------- reductions

    /** loss = mean((out - target)^2) and dOut = 2 (out - target) / count in one pass. */
    public static final class Mse extends OwningOp {
        private final CudaKernels k;
        private final int count;
        private final DeviceBuffer[] out, target, grad;
        private final DeviceBuffer loss, scratch;

        public Mse(GpuContext ctx, int count) {
            super(ctx);
            k = ctx.kernels();
            this.count = count;
            int sets = rotation(ctx, 12L * count);
            out = rotatingFloats(count, sets, SEED, 0, 1, "mse output");
            target = rotatingFloats(count, sets, SEED + 100, 0, 1, "mse target");
            grad = rotatingFloats(count, sets, SEED + 200, 0, 0, "mse gradient");
            loss = own(DeviceBuffer.floats(1, "loss"));
            scratch = own(DeviceBuffer.floats(Math.max(1, CudaKernels.reductionScratchFloats(count)), "mse scratch"));
        }

        @Override
        public void launch(int run) {
            int i = run % out.length;
            k.mseLossAndGrad(ctx.cuStream(), out[i].ptr(), target[i].ptr(), grad[i].ptr(), loss.ptr(), scratch.ptr(), count);
        }

        @Override
        public Check check() {
            int sc = 10007;
            float[] ho = BenchData.uniform(sc, 5, 0, 1);
            float[] ht = BenchData.uniform(sc, 6, 0, 1);
            try (DeviceBuffer o = DeviceBuffer.floats(ho, "check out"); DeviceBuffer t = DeviceBuffer.floats(ht, "check target");
                    DeviceBuffer g = DeviceBuffer.floats(sc, "check grad"); DeviceBuffer l = DeviceBuffer.floats(1, "check loss");
                    DeviceBuffer s = DeviceBuffer.floats(Math.max(1, CudaKernels.reductionScratchFloats(sc)), "check scratch")) {
                k.mseLossAndGrad(ctx.cuStream(), o.ptr(), t.ptr(), g.ptr(), l.ptr(), s.ptr(), sc);
                ctx.sync();
                CpuReference.MseResult ref = CpuReference.mse(ho, ht);
                return Check.compare("mse loss", new double[] {ref.loss()}, l.downloadFloats(0, 1), 1e-5)
                        .and(Check.compare("mse gradient", ref.grad(), g.downloadFloats(0, sc), 1e-6));
            }
        }
    }

    /** The PSNR numerator: sum of squared differences of 8-bit-quantised planes inside a shaved border. */
    public static final class SumSquaredError extends OwningOp {
        private final CudaKernels k;
        private final int planes, h, w, shave;
        private final DeviceBuffer[] a, b;
        private final DeviceBuffer sse, scratch;

        public SumSquaredError(GpuContext ctx, int planes, int h, int w, int shave) {
            super(ctx);
            k = ctx.kernels();
            this.planes = planes;
            this.h = h;
            this.w = w;
            this.shave = shave;
            long count = (long) planes * h * w;
            int sets = rotation(ctx, 8 * count);
            a = rotatingFloats(count, sets, SEED, -0.1f, 1.1f, "sse a");
            b = rotatingFloats(count, sets, SEED + 100, -0.1f, 1.1f, "sse b");
            sse = own(DeviceBuffer.allocate(Sizeof.DOUBLE, "sse"));
            scratch = own(DeviceBuffer.floats(Math.max(1, CudaKernels.reductionScratchFloats((int) count)), "sse scratch"));
        }

        /**
         * Values in [-0.1, 1.1] whose v * 255 lies at least 0.05 from a half-integer, so the check does not depend
         * on how the kernel breaks rounding ties, nor on float-versus-double products landing either side of one.
         */
        static float[] awayFromRoundingTies(int count, long seed) {
            Random rng = new Random(seed);
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                int level = rng.nextInt(306) - 25;
                v[i] = (float) ((level + 0.45 * (rng.nextDouble() * 2 - 1)) / 255);
            }
            return v;
        }

        @Override
        public void launch(int run) {
            int i = run % a.length;
            k.sumSquaredError(ctx.cuStream(), a[i].ptr(), b[i].ptr(), sse.ptr(), scratch.ptr(), planes, h, w, shave);
        }

        @Override
        public Check check() {
            int sp = 3, sh = 41, sw = 37, ss = 3;
            float[] ha = awayFromRoundingTies(sp * sh * sw, 7);
            float[] hb = awayFromRoundingTies(sp * sh * sw, 8);
            try (DeviceBuffer da = DeviceBuffer.floats(ha, "check a"); DeviceBuffer db = DeviceBuffer.floats(hb, "check b");
                    DeviceBuffer ds = DeviceBuffer.allocate(Sizeof.DOUBLE, "check sse");
                    DeviceBuffer dscr = DeviceBuffer.floats(Math.max(1, CudaKernels.reductionScratchFloats(sp * sh * sw)),
                            "check scratch")) {
                k.sumSquaredError(ctx.cuStream(), da.ptr(), db.ptr(), ds.ptr(), dscr.ptr(), sp, sh, sw, ss);
                ctx.sync();
                double expected = CpuReference.sumSquaredError(ha, hb, sp, sh, sw, ss);
                double got = ds.downloadDoubles(0, 1)[0];
                // a sum of squared integers: exact in double
                return got == expected ? Check.passed("exact")
                        : Check.failed("sum of squared errors " + got + ", expected " + expected);
            }
        }
    }

    // ---------------------------------------------------------------- pixels

    /** 8-bit interleaved RGB <-> float Y, Cb, Cr planes (MATLAB's matrix): the decode and encode ends of a batch. */
    public static final class Pixels extends OwningOp {
        private final CudaKernels k;
        private final int n, h, w;
        private final boolean unpack;
        private final DeviceBuffer[] packed;
        private final DeviceBuffer[] planes;

        public Pixels(GpuContext ctx, int n, int h, int w, boolean unpack) {
            super(ctx);
            k = ctx.kernels();
            this.n = n;
            this.h = h;
            this.w = w;
            this.unpack = unpack;
            long pixels = (long) n * h * w;
            int sets = rotation(ctx, 15 * pixels);
            packed = new DeviceBuffer[sets];
            planes = new DeviceBuffer[sets];
            byte[] tile = new byte[(int) Math.min(3 * pixels, 16 << 20)];
            new Random(SEED).nextBytes(tile);
            for (int i = 0; i < sets; i++) {
                packed[i] = own(DeviceBuffer.allocate(3 * pixels, "packed pixels")).fillRepeating(tile);
                planes[i] = own(DeviceBuffer.floats(3 * pixels, "pixel planes"));
                // realistic planes for packing: the unpacked random pixels
                k.unpackPixels(ctx.cuStream(), packed[i].ptr(), planes[i].ptr(), n, h, w, 3, 1, true);
            }
            ctx.sync();
        }

        @Override
        public void launch(int run) {
            int i = run % packed.length;
            if (unpack) k.unpackPixels(ctx.cuStream(), packed[i].ptr(), planes[i].ptr(), n, h, w, 3, 1, true);
            else k.packPixels(ctx.cuStream(), planes[i].ptr(), packed[i].ptr(), n, h, w, 3, 1, true);
        }

        /** Unpacking matches the CPU colour conversion; packing what was unpacked gives back the same bytes. */
        @Override
        public Check check() {
            int sn = 2, sh = 9, sw = 13, plane = sh * sw;
            byte[] rgb = new byte[sn * plane * 3];
            new Random(9).nextBytes(rgb);
            try (DeviceBuffer dp = DeviceBuffer.allocate(rgb.length, "check packed");
                    DeviceBuffer dpl = DeviceBuffer.floats(rgb.length, "check planes");
                    DeviceBuffer back = DeviceBuffer.allocate(rgb.length, "check repacked")) {
                dp.upload(rgb);
                k.unpackPixels(ctx.cuStream(), dp.ptr(), dpl.ptr(), sn, sh, sw, 3, 1, true);
                k.packPixels(ctx.cuStream(), dpl.ptr(), back.ptr(), sn, sh, sw, 3, 1, true);
                ctx.sync();
                float[] ycc = dpl.downloadFloats(0, rgb.length);
                byte[] repacked = back.downloadBytes(0, rgb.length);
                Check roundTrip = java.util.Arrays.equals(rgb, repacked) ? Check.passed("round trip exact")
                        : Check.failed("pack(unpack(rgb)) != rgb");
                return roundTrip.and(unpackAgainstCpu(rgb, ycc, sn, plane));
            }
        }

        private static Check unpackAgainstCpu(byte[] rgb, float[] ycc, int images, int plane) {
            float[] expected = new float[ycc.length];
            for (int img = 0; img < images; img++) {
                float[][] p = new float[3][plane];
                for (int i = 0; i < plane; i++) {
                    for (int ch = 0; ch < 3; ch++) p[ch][i] = (rgb[(img * plane + i) * 3 + ch] & 0xff) / 255f;
                }
                float[][] y = ColorConversion.rgbToYcbcr(p);
                for (int ch = 0; ch < 3; ch++) System.arraycopy(y[ch], 0, expected, (img * 3 + ch) * plane, plane);
            }
            return Check.compare("unpack vs ColorConversion", expected, ycc, 1e-5);
        }
    }

    // ---------------------------------------------------------------- resampling

    /**
     * MATLAB bicubic resize by k of 1-channel planes: enlargement ({@code up}), or the antialiased shrink (how
     * training inputs and the bicubic baseline are made).
     */
    public static final class Bicubic extends OwningOp {
        private final CudaKernels k;
        private final boolean up;
        private final int planes, inH, inW, scale;
        private final DeviceBuffer[] src, dst;

        public Bicubic(GpuContext ctx, boolean up, int planes, int inH, int inW, int scale) {
            super(ctx);
            k = ctx.kernels();
            this.up = up;
            this.planes = planes;
            this.inH = inH;
            this.inW = inW;
            this.scale = scale;
            long in = (long) planes * inH * inW;
            long out = (long) planes * outSide(inH, scale, up) * outSide(inW, scale, up);
            int sets = rotation(ctx, 4 * (in + out));
            src = rotatingFloats(in, sets, SEED, 0, 1, "bicubic source");
            dst = new DeviceBuffer[sets];
            for (int i = 0; i < sets; i++) dst[i] = own(DeviceBuffer.floats(out, "bicubic destination"));
        }

        /** An output side: n k enlarged, ceil(n / k) shrunk. */
        static long outSide(int n, int k, boolean up) {
            return up ? (long) n * k : (n + k - 1) / k;
        }

        private void resize(Pointer from, Pointer to, int planes, int h, int w) {
            if (up) k.bicubicUpscale(ctx.cuStream(), from, to, planes, h, w, scale);
            else k.bicubicDownscale(ctx.cuStream(), from, to, planes, h, w, scale);
        }

        @Override
        public void launch(int run) {
            int i = run % src.length;
            resize(src[i].ptr(), dst[i].ptr(), planes, inH, inW);
        }

        @Override
        public Check check() {
            int sp = 2, sh = up ? 23 : 61, sw = up ? 31 : 47;
            float[] in = BenchData.uniform(sp * sh * sw, up ? 10 : 11, 0, 1);
            long outPlane = outSide(sh, scale, up) * outSide(sw, scale, up);
            try (DeviceBuffer s = DeviceBuffer.floats(in, "check source");
                    DeviceBuffer d = DeviceBuffer.floats(sp * outPlane, "check destination")) {
                resize(s.ptr(), d.ptr(), sp, sh, sw);
                ctx.sync();
                Tensor t = new Tensor(sp, 1, sh, sw, in);
                float[] expected = (up ? BicubicResampler.upscale(t, scale) : BicubicResampler.downscale(t, scale)).data;
                return Check.compare("bicubic " + (up ? "x" : "/") + scale, expected,
                        d.downloadFloats(0, expected.length), 1e-5);
            }
        }
    }

    // ---------------------------------------------------------------- optimizer

    /** SGD with momentum over a flat parameter block with per-layer learning rates. */
    public static final class Sgd extends OwningOp {
        private final CudaKernels k;
        private final int count;
        private final int[] layerEnds;
        private final float[] lr;
        private final float momentum;
        private final DeviceBuffer params, grads, m;

        public Sgd(GpuContext ctx, int[] layerEnds, float[] lr, float momentum) {
            super(ctx);
            k = ctx.kernels();
            this.layerEnds = layerEnds.clone();
            this.count = layerEnds[layerEnds.length - 1];
            this.lr = lr.clone();
            this.momentum = momentum;
            params = own(DeviceBuffer.floats(BenchData.uniform(count, 12, -0.1f, 0.1f), "parameters"));
            grads = own(DeviceBuffer.floats(BenchData.uniform(count, 13, -1e-3f, 1e-3f), "gradients"));
            m = own(DeviceBuffer.floats(count, "momentum")).zero();
        }

        @Override
        public void launch(int run) {
            k.sgdMomentum(ctx.cuStream(), params.ptr(), grads.ptr(), m.ptr(), count, layerEnds, lr, momentum);
        }

        @Override
        public Check check() {
            float[] p = BenchData.uniform(count, 14, -0.1f, 0.1f);
            float[] g = BenchData.uniform(count, 15, -1f, 1f);
            float[] mm = BenchData.uniform(count, 16, -1f, 1f);
            try (DeviceBuffer dp = DeviceBuffer.floats(p, "check params"); DeviceBuffer dg = DeviceBuffer.floats(g, "check grads");
                    DeviceBuffer dm = DeviceBuffer.floats(mm, "check momentum")) {
                k.sgdMomentum(ctx.cuStream(), dp.ptr(), dg.ptr(), dm.ptr(), count, layerEnds, lr, momentum);
                ctx.sync();
                double[][] ref = CpuReference.sgdMomentum(p, g, mm, layerEnds, lr, momentum);
                return Check.compare("sgd params", ref[0], dp.downloadFloats(0, count), 1e-6)
                        .and(Check.compare("sgd momentum", ref[1], dm.downloadFloats(0, count), 1e-6));
            }
        }
    }
}
