package dev.gpusr.cpu;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.model.Tensor;
import dev.gpusr.optim.OptimizerConfig;
import java.util.Random;

/**
 * Timing of the CPU engine (a program, not a test): inference Mpix/s on a 1024x1024 Y image and training patches/s
 * on batches of 33x33 patches, for 9-1-5 (and 9-5-5 with {@code --955}).
 *
 * <pre>
 * java -cp java/target/classes:java/target/test-classes dev.gpusr.cpu.CpuSrcnnBenchmark [threads] [--955] [--1080p]
 * </pre>
 */
public final class CpuSrcnnBenchmark {
    private CpuSrcnnBenchmark() {}

    public static void main(String[] args) {
        int threads = 0;
        boolean model955 = false;
        boolean fullHd = false;
        for (String a : args) {
            if (a.equals("--955")) model955 = true;
            else if (a.equals("--1080p")) fullHd = true;
            else threads = Integer.parseInt(a);
        }
        SrcnnConfig cfg = model955 ? new SrcnnConfig(1, 64, 32, 9, 5, 5, 3, SrcnnConfig.ColorSpace.Y)
                : SrcnnConfig.defaults(3);
        SrcnnWeights w = SrcnnWeights.gaussian(cfg, 0.05, 1);
        double flopPerPixel = 2.0 * cfg.macsPerPixel();
        try (CpuSrcnn engine = new CpuSrcnn(w, threads)) {
            System.out.println(engine.name() + ", " + cfg + ", " + System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.version"));

            Tensor image = random(1, 1, 1024, 1024, 2);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                engine.forward(image);
                double s = (System.nanoTime() - t0) * 1e-9;
                if (i >= 1) best = Math.min(best, s);
            }
            double pixels = 1024.0 * 1024;
            System.out.printf("inference 1024x1024: %.3f s = %.2f Mpix/s = %.1f GFLOP/s%n", best, pixels / best / 1e6,
                    pixels * flopPerPixel / best / 1e9);

            for (int batch : new int[] {128, 64}) {
                Tensor in = random(batch, 1, 33, 33, 3);
                Tensor target = random(batch, 1, 33, 33, 4);
                engine.setOptimizer(OptimizerConfig.paperSgd(), null);
                double bestStep = Double.MAX_VALUE;
                for (int i = 0; i < 8; i++) {
                    long t0 = System.nanoTime();
                    engine.trainStep(in, target, true);
                    double s = (System.nanoTime() - t0) * 1e-9;
                    if (i >= 2) bestStep = Math.min(bestStep, s);
                }
                // forward + weight gradients (all layers) + input gradients (layers 2, 3)
                double macs = 2.0 * cfg.macsPerPixel() - (double) cfg.f1() * cfg.f1() * cfg.n1() * cfg.channels()
                        + cfg.macsPerPixel();
                double px = batch * 33.0 * 33;
                System.out.printf("training batch %d of 33x33: %.1f ms/step = %.0f patches/s = %.1f GFLOP/s%n", batch,
                        bestStep * 1e3, batch / bestStep, 2 * macs * px / bestStep / 1e9);
            }

            if (fullHd) {
                Tensor hd = random(1, 1, 1080, 1920, 5);
                Runtime rt = Runtime.getRuntime();
                long t0 = System.nanoTime();
                Tensor out = engine.forward(hd);
                double s = (System.nanoTime() - t0) * 1e-9;
                System.gc();
                System.out.printf("inference 1920x1080: %.2f s (%.2f Mpix/s), heap used after %.0f MiB, out[0]=%f%n", s,
                        1920.0 * 1080 / s / 1e6, (rt.totalMemory() - rt.freeMemory()) / 1048576.0, out.data[0]);
            }
        }
    }

    private static Tensor random(int n, int c, int h, int w, long seed) {
        Random rng = new Random(seed);
        Tensor t = new Tensor(n, c, h, w);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rng.nextFloat();
        return t;
    }

}
