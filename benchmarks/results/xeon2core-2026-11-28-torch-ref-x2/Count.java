import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.train.PatchDataset;
import java.nio.file.Path;
public class Count {
  public static void main(String[] a) throws Exception {
    for (int k : new int[] {2, 3, 4}) for (boolean aug : new boolean[] {false, true}) {
      PatchDataset d = PatchDataset.fromFolder(Path.of(a[0]), new PatchDataset.Options(k, ColorSpace.Y, 33, 14, aug), System.err);
      System.out.println("x" + k + " augment=" + aug + ": " + d);
    }
  }
}
