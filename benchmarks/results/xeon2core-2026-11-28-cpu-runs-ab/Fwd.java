import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.*;
import dev.gpusr.bench.BenchData;
public class Fwd {
  public static void main(String[] a) throws Exception {
    int f2 = Integer.parseInt(a[0]); int size = Integer.parseInt(a[1]);
    SrcnnConfig cfg = new SrcnnConfig(1, 64, 32, 9, f2, 5, 3, SrcnnConfig.ColorSpace.Y);
    Tensor x = BenchData.image(1, 1, size, size, 52);
    try (CpuSrcnn e = new CpuSrcnn(BenchData.weights(cfg, 7), 0)) {
      long end = System.nanoTime() + 3_000_000_000L; while (System.nanoTime() < end) e.forward(x);
      double[] ms = new double[7];
      for (int i = 0; i < 7; i++) { long t0 = System.nanoTime(); e.forward(x); ms[i] = (System.nanoTime()-t0)/1e6; }
      java.util.Arrays.sort(ms); System.out.printf("%.1f%n", ms[3]);
    }
  }
}
