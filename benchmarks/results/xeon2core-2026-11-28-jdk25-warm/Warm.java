import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.*;
import dev.gpusr.bench.BenchData;
import dev.gpusr.optim.OptimizerConfig;
public class Warm {
  public static void main(String[] a) throws Exception {
    int f2 = Integer.parseInt(a[0]); int b = Integer.parseInt(a[1]); int n = Integer.parseInt(a[2]);
    SrcnnConfig base = SrcnnConfig.defaults(3);
    SrcnnConfig cfg = f2 == 1 ? base : new SrcnnConfig(1, base.n1(), base.n2(), 9, 5, 5, 3, SrcnnConfig.ColorSpace.Y);
    Tensor x = BenchData.image(b, 1, 33, 33, 52), t = BenchData.image(b, 1, 33, 33, 53);
    try (CpuSrcnn e = new CpuSrcnn(BenchData.weights(cfg, 7), 0)) {
      e.setOptimizer(OptimizerConfig.paperSgd(), null);
      long start = System.nanoTime();
      for (int blk = 0; blk < n; blk++) {
        double[] ms = new double[50];
        for (int i = 0; i < 50; i++) { long t0 = System.nanoTime(); e.trainStep(x, t, true); ms[i] = (System.nanoTime()-t0)/1e6; }
        java.util.Arrays.sort(ms);
        System.out.printf("t=%.1fs block %d: min %.2f median %.2f max %.2f%n", (System.nanoTime()-start)/1e9, blk, ms[0], ms[25], ms[49]);
      }
    }
  }
}
