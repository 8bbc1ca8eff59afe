import dev.gpusr.train.*;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import java.nio.file.Path;
public class Count2 {
    public static void main(String[] a) throws Exception {
        for (int k = 2; k <= 4; k++) for (PatchDataset.Augment g : new PatchDataset.Augment[] {PatchDataset.Augment.NONE, PatchDataset.Augment.ALL}) {
            PatchDataset d = PatchDataset.fromFolder(Path.of("/work/train-run/data2/train"), new PatchDataset.Options(k, ColorSpace.Y, 33, 14, g), System.err);
            System.out.println("x" + k + " " + g + ": " + d.size());
        }
    }
}
