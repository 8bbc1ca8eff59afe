import dev.gpusr.model.*;
import java.nio.file.Path;
/** Writes a 9-1-5 model whose output equals its input (plus N(0, std) noise on the other filters). */
public class IdentityInit {
    public static void main(String[] a) throws Exception {
        int k = Integer.parseInt(a[0]);
        SrcnnConfig c = SrcnnConfig.defaults(k);
        SrcnnWeights w = SrcnnWeights.gaussian(c, 0.001, 42);
        float[] p = w.params();
        // conv1 filter 0: centre tap 1 (input >= 0, so the ReLU passes it)
        p[c.offset(SrcnnConfig.Param.CONV1_WEIGHT) + 40] = 1f;
        // conv2 output 0 takes feature 0
        p[c.offset(SrcnnConfig.Param.CONV2_WEIGHT)] = 1f;
        // conv3: centre tap of channel 0
        p[c.offset(SrcnnConfig.Param.CONV3_WEIGHT) + 12] = 1f;
        w.save(Path.of(a[1]));
    }
}
