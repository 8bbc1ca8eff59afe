package dev.gpusr.bench;

import dev.gpusr.cuda.CudaContext;
import dev.gpusr.cuda.DeviceArray;
import dev.gpusr.cuda.DeviceKernels;
import dev.gpusr.image.ColorConversion;
import dev.gpusr.model.Tensor;
import dev.gpusr.resample.BicubicResampler;
import java.util.Random;

/**
 * The memory-bound operations: gpu-sr's own kernels (bias+ReLU forward and backward, MSE loss and gradient, the
 * PSNR sum, pixel unpacking and packing, bicubic resampling, the SGD update) and the copies that set the bandwidth
 * ceiling. Each rotates between input sets so L2 does not serve repeats, and checks itself once against
 * {@link CpuReference} (or the CPU resampler and colour conversion) on a small case.
 */
public final class KernelOps {
    private KernelOps() {}

    private static final long SEED = 0x5eed;

    static int rotation(CudaContext ctx, long footprintBytes) {
        return GpuTimer.rotationFor(ctx.l2Bytes(), footprintBytes);
    }

    // ---------------------------------------------------------------- copies (ceiling)

    /** cudaMemcpyAsync device to device; work counts bytes read plus bytes written, as PyTorch's number does. */
    public static final class DeviceCopy extends OwningOp {
        private final DeviceArray src;
        private final DeviceArray dst;

        public DeviceCopy(CudaContext ctx, long bytes) {
            super(ctx);
            src = own(DeviceArray.allocate(bytes, "copy source")).fillUniform(SEED, 0, 1);
            dst = own(DeviceArray.allocate(bytes, "copy destination"));
        }

        @Override
        public void launch(int run) {
            dst.copyFromAsync(src, ctx);
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
        private final DeviceArray device;
        private final boolean toDevice;

        public HostCopy(CudaContext ctx, int floats, boolean toDevice) {
            super(ctx);
            this.toDevice = toDevice;
            host = BenchData.uniform(floats, SEED, 0, 1);
            device = own(DeviceArray.floats(floats, "host copy buffer"));
            if (!toDevice) device.upload(host);
        }

        @Override
        public void launch(int run) {
            if (toDevice) device.upload(host);
            else device.downloadInto(host);
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
        private final DeviceKernels k;
        private final int n, c, hw;
        private final DeviceArray[] x;
        private final DeviceArray bias;

        public BiasReluForward(CudaContext ctx, int n, int c, int hw) {
            super(ctx);
            k = ctx.deviceKernels();
            this.n = n;
            this.c = c;
            this.hw = hw;
            long count = (long) n * c * hw;
            x = rotatingFloats(count, rotation(ctx, count * 4), SEED, -1, 1, "bias+relu input");
            // tiny biases: the op runs in place thousands of times and must not drift far
            bias = own(DeviceArray.floats(BenchData.uniform(c, SEED, -1e-4f, 1e-4f), "bias"));
        }

        @Override
        public void launch(int run) {
            k.biasActivation(x[run % x.length], bias, n, c, hw, true);
        }

        @Override
        public Check check() {
            int sn = 2, sc = 5, shw = 37 * 29;
            float[] hx = BenchData.uniform(sn * sc * shw, 1, -1, 1);
            float[] hb = BenchData.uniform(sc, 2, -0.5f, 0.5f);
            try (DeviceArray dx = DeviceArray.floats(hx, "check x"); DeviceArray db = DeviceArray.floats(hb, "check bias")) {
                k.biasActivation(dx, db, sn, sc, shw, true);
                ctx.sync();
                return Check.compare("bias+relu", CpuReference.biasActivation(hx, hb, sn, sc, shw, true),
                        dx.downloadFloats(0, hx.length), 1e-6);
            }
        }
    }

    /** ReLU mask of the gradient (in place) and the bias gradient, the backward of {@link BiasReluForward}. */
    public static final class BiasReluBackward extends OwningOp {
        private final DeviceKernels k;
        private final int n, c, hw;
        private final DeviceArray[] dy;
        private final DeviceArray[] y;
        private final DeviceArray dbias;

        public BiasReluBackward(CudaContext ctx, int n, int c, int hw) {
            super(ctx);
            k = ctx.deviceKernels();
            this.n = n;
            this.c = c;
            this.hw = hw;
            long count = (long) n * c * hw;
            int sets = rotation(ctx, count * 8);
            dy = rotatingFloats(count, sets, SEED, -1, 1, "bias+relu backward gradient");
            y = rotatingFloats(count, sets, SEED + 100, -1, 1, "bias+relu backward activations");
            dbias = own(DeviceArray.floats(c, "bias gradient"));
        }

        @Override
        public void launch(int run) {
            int i = run % dy.length;
            k.biasActivationBackward(dy[i], y[i], dbias, n, c, hw, true);
        }

        @Override
        public Check check() {
            int sn = 3, sc = 4, shw = 41 * 23;
            float[] hdy = BenchData.uniform(sn * sc * shw, 3, -1, 1);
            float[] hy = BenchData.uniform(sn * sc * shw, 4, -1, 1);
            try (DeviceArray ddy = DeviceArray.floats(hdy, "check dy"); DeviceArray dyv = DeviceArray.floats(hy, "check y");
                    DeviceArray ddb = DeviceArray.floats(sc, "check dbias")) {
                k.biasActivationBackward(ddy, dyv, ddb, sn, sc, shw, true);
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
        private final DeviceKernels k;
        private final int count;
        private final DeviceArray[] out, target, grad;
        private final DeviceArray loss, scratch;

        public Mse(CudaContext ctx, int count) {
            super(ctx);
            k = ctx.deviceKernels();
            this.count = count;
            int sets = rotation(ctx, 12L * count);
            out = rotatingFloats(count, sets, SEED, 0, 1, "mse output");
            target = rotatingFloats(count, sets, SEED + 100, 0, 1, "mse target");
            grad = rotatingFloats(count, sets, SEED + 200, 0, 0, "mse gradient");
            loss = own(DeviceArray.floats(1, "loss"));
            scratch = own(DeviceArray.floats(Math.max(1, DeviceKernels.reductionScratchFloats(count)), "mse scratch"));
        }

        @Override
        public void launch(int run) {
            int i = run % out.length;
            k.mseLossAndGrad(out[i], target[i], grad[i], loss, scratch, count);
        }

        @Override
        public Check check() {
            int sc = 10007;
            float[] ho = BenchData.uniform(sc, 5, 0, 1);
            float[] ht = BenchData.uniform(sc, 6, 0, 1);
            try (DeviceArray o = DeviceArray.floats(ho, "check out"); DeviceArray t = DeviceArray.floats(ht, "check target");
                    DeviceArray g = DeviceArray.floats(sc, "check grad"); DeviceArray l = DeviceArray.floats(1, "check loss");
                    DeviceArray s = DeviceArray.floats(Math.max(1, DeviceKernels.reductionScratchFloats(sc)), "check scratch")) {
                k.mseLossAndGrad(o, t, g, l, s, sc);
                ctx.sync();
                CpuReference.MseResult ref = CpuReference.mse(ho, ht);
                return Check.compare("mse loss", new double[] {ref.loss()}, l.downloadFloats(0, 1), 1e-5)
                        .and(Check.compare("mse gradient", ref.grad(), g.downloadFloats(0, sc), 1e-6));
            }
        }
    }

    /** The PSNR numerator: sum of squared differences of 8-bit-quantised planes inside a shaved border. */
    public static final class SumSquaredError extends OwningOp {
        private final DeviceKernels k;
        private final int planes, h, w, shave;
        private final DeviceArray[] a, b;
        private final DeviceArray sse, scratch;

        public SumSquaredError(CudaContext ctx, int planes, int h, int w, int shave) {
            super(ctx);
            k = ctx.deviceKernels();
            this.planes = planes;
            this.h = h;
            this.w = w;
            this.shave = shave;
            long count = (long) planes * h * w;
            int sets = rotation(ctx, 8 * count);
            a = rotatingFloats(count, sets, SEED, -0.1f, 1.1f, "sse a");
            b = rotatingFloats(count, sets, SEED + 100, -0.1f, 1.1f, "sse b");
            sse = own(DeviceArray.allocate(Double.BYTES, "sse"));
            scratch = own(DeviceArray.floats(Math.max(1, DeviceKernels.reductionScratchFloats((int) count)), "sse scratch"));
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
            k.sumSquaredError(a[i], b[i], sse, scratch, planes, h, w, shave);
        }

        @Override
        public Check check() {
            int sp = 3, sh = 41, sw = 37, ss = 3;
            float[] ha = awayFromRoundingTies(sp * sh * sw, 7);
            float[] hb = awayFromRoundingTies(sp * sh * sw, 8);
            try (DeviceArray da = DeviceArray.floats(ha, "check a"); DeviceArray db = DeviceArray.floats(hb, "check b");
                    DeviceArray ds = DeviceArray.allocate(Double.BYTES, "check sse");
                    DeviceArray dscr = DeviceArray.floats(Math.max(1, DeviceKernels.reductionScratchFloats(sp * sh * sw)),
                            "check scratch")) {
                k.sumSquaredError(da, db, ds, dscr, sp, sh, sw, ss);
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
        private final DeviceKernels k;
        private final int n, h, w;
        private final boolean unpack;
        private final DeviceArray[] packed;
        private final DeviceArray[] planes;

        public Pixels(CudaContext ctx, int n, int h, int w, boolean unpack) {
            super(ctx);
            k = ctx.deviceKernels();
            this.n = n;
            this.h = h;
            this.w = w;
            this.unpack = unpack;
            long pixels = (long) n * h * w;
            int sets = rotation(ctx, 15 * pixels);
            packed = new DeviceArray[sets];
            planes = new DeviceArray[sets];
            byte[] tile = new byte[(int) Math.min(3 * pixels, 16 << 20)];
            new Random(SEED).nextBytes(tile);
            for (int i = 0; i < sets; i++) {
                packed[i] = own(DeviceArray.allocate(3 * pixels, "packed pixels")).fillRepeating(tile);
                planes[i] = own(DeviceArray.floats(3 * pixels, "pixel planes"));
                // realistic planes for packing: the unpacked random pixels
                k.unpackPixels(packed[i], planes[i], n, h, w, 3, 1, true);
            }
            ctx.sync();
        }

        @Override
        public void launch(int run) {
            int i = run % packed.length;
            if (unpack) k.unpackPixels(packed[i], planes[i], n, h, w, 3, 1, true);
            else k.packPixels(planes[i], packed[i], n, h, w, 3, 1, true);
        }

        /** Unpacking matches the CPU colour conversion; packing what was unpacked gives back the same bytes. */
        @Override
        public Check check() {
            int sn = 2, sh = 9, sw = 13, plane = sh * sw;
            byte[] rgb = new byte[sn * plane * 3];
            new Random(9).nextBytes(rgb);
            try (DeviceArray dp = DeviceArray.allocate(rgb.length, "check packed");
                    DeviceArray dpl = DeviceArray.floats(rgb.length, "check planes");
                    DeviceArray back = DeviceArray.allocate(rgb.length, "check repacked")) {
                dp.upload(rgb);
                k.unpackPixels(dp, dpl, sn, sh, sw, 3, 1, true);
                k.packPixels(dpl, back, sn, sh, sw, 3, 1, true);
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
        private final DeviceKernels k;
        private final boolean up;
        private final int planes, inH, inW, scale;
        private final DeviceArray[] src, dst;

        public Bicubic(CudaContext ctx, boolean up, int planes, int inH, int inW, int scale) {
            super(ctx);
            k = ctx.deviceKernels();
            this.up = up;
            this.planes = planes;
            this.inH = inH;
            this.inW = inW;
            this.scale = scale;
            long in = (long) planes * inH * inW;
            long out = (long) planes * outSide(inH, scale, up) * outSide(inW, scale, up);
            int sets = rotation(ctx, 4 * (in + out));
            src = rotatingFloats(in, sets, SEED, 0, 1, "bicubic source");
            dst = new DeviceArray[sets];
            for (int i = 0; i < sets; i++) dst[i] = own(DeviceArray.floats(out, "bicubic destination"));
        }

        /** An output side: n k enlarged, ceil(n / k) shrunk. */
        static long outSide(int n, int k, boolean up) {
            return up ? (long) n * k : (n + k - 1) / k;
        }

        private void resize(DeviceArray from, DeviceArray to, int planes, int h, int w) {
            if (up) k.bicubicUpscale(from, to, planes, h, w, scale);
            else k.bicubicDownscale(from, to, planes, h, w, scale);
        }

        @Override
        public void launch(int run) {
            int i = run % src.length;
            resize(src[i], dst[i], planes, inH, inW);
        }

        @Override
        public Check check() {
            int sp = 2, sh = up ? 23 : 61, sw = up ? 31 : 47;
            float[] in = BenchData.uniform(sp * sh * sw, up ? 10 : 11, 0, 1);
            long outPlane = outSide(sh, scale, up) * outSide(sw, scale, up);
            try (DeviceArray s = DeviceArray.floats(in, "check source");
                    DeviceArray d = DeviceArray.floats(sp * outPlane, "check destination")) {
                resize(s, d, sp, sh, sw);
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
        private final DeviceKernels k;
        private final int count;
        private final int[] layerEnds;
        private final float[] lr;
        private final float momentum;
        private final DeviceArray params, grads, m;

        public Sgd(CudaContext ctx, int[] layerEnds, float[] lr, float momentum) {
            super(ctx);
            k = ctx.deviceKernels();
            this.layerEnds = layerEnds.clone();
            this.count = layerEnds[layerEnds.length - 1];
            this.lr = lr.clone();
            this.momentum = momentum;
            params = own(DeviceArray.floats(BenchData.uniform(count, 12, -0.1f, 0.1f), "parameters"));
            grads = own(DeviceArray.floats(BenchData.uniform(count, 13, -1e-3f, 1e-3f), "gradients"));
            m = own(DeviceArray.floats(count, "momentum")).zero();
        }

        @Override
        public void launch(int run) {
            k.sgdMomentum(params, grads, m, count, layerEnds, lr, momentum);
        }

        @Override
        public Check check() {
            float[] p = BenchData.uniform(count, 14, -0.1f, 0.1f);
            float[] g = BenchData.uniform(count, 15, -1f, 1f);
            float[] mm = BenchData.uniform(count, 16, -1f, 1f);
            try (DeviceArray dp = DeviceArray.floats(p, "check params"); DeviceArray dg = DeviceArray.floats(g, "check grads");
                    DeviceArray dm = DeviceArray.floats(mm, "check momentum")) {
                k.sgdMomentum(dp, dg, dm, count, layerEnds, lr, momentum);
                ctx.sync();
                double[][] ref = CpuReference.sgdMomentum(p, g, mm, layerEnds, lr, momentum);
                return Check.compare("sgd params", ref[0], dp.downloadFloats(0, count), 1e-6)
                        .and(Check.compare("sgd momentum", ref[1], dm.downloadFloats(0, count), 1e-6));
            }
        }
    }
}
