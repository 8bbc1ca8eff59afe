import dev.gpusr.train.*;
import dev.gpusr.model.Tensor;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import java.nio.file.Path;
public class FillBench {
    public static void main(String[] a) throws Exception {
        int k = Integer.parseInt(a[0]);
        PatchDataset d = PatchDataset.fromFolder(Path.of("/work/train-run/data2/train"),
            new PatchDataset.Options(k, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL), System.err);
        Tensor[] b = d.newBatch(128);
        PatchDataset.EpochPlan plan = d.plan(new SplitMix64(1));
        int steps = d.size() / 128;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) d.fill(b[0], b[1], plan, s * 128);
            System.out.printf("x%d rep %d: %.3f ms per batch of 128%n", k, rep, (System.nanoTime() - t0) / 1e6 / steps);
        }
    }
}
