import dev.gpusr.cpu.CpuSrcnn;
import dev.gpusr.model.*;
import dev.gpusr.bench.BenchData;
import dev.gpusr.optim.OptimizerConfig;
public class Parts {
  static double med(Runnable r, int n){ double[] ms=new double[n]; for(int i=0;i<n;i++){long t0=System.nanoTime(); r.run(); ms[i]=(System.nanoTime()-t0)/1e6;} java.util.Arrays.sort(ms); return ms[n/2]; }
  public static void main(String[] a) throws Exception {
    int f2 = Integer.parseInt(a[0]); int b = Integer.parseInt(a[1]); int th = Integer.parseInt(a[2]);
    SrcnnConfig base = SrcnnConfig.defaults(3);
    SrcnnConfig cfg = f2 == 1 ? base : new SrcnnConfig(1, base.n1(), base.n2(), 9, 5, 5, 3, SrcnnConfig.ColorSpace.Y);
    Tensor x = BenchData.image(b, 1, 33, 33, 52), t = BenchData.image(b, 1, 33, 33, 53);
    try (CpuSrcnn e = new CpuSrcnn(BenchData.weights(cfg, 7), th)) {
      e.setOptimizer(OptimizerConfig.paperSgd(), null);
      for (int i=0;i<150;i++) e.trainStep(x,t,true);
      for (int rep=0; rep<3; rep++)
      System.out.printf("forward %.2f  gradients %.2f  step %.2f%n", med(() -> e.forward(x), 60), med(() -> e.computeGradients(x, t), 60), med(() -> e.trainStep(x,t,true), 60));
    }
  }
}
