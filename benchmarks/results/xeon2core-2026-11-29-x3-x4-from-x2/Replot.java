import dev.gpusr.train.TrainingPlot;
import java.nio.file.Path;

/** Redraws a training curve from a run's metrics file with gpu-sr's TrainingPlot: Replot METRICS.jsonl OUT.png TITLE. */
public class Replot {
    public static void main(String[] a) throws Exception {
        TrainingPlot.write(Path.of(a[0]), Path.of(a[1]), a[2]);
    }
}
