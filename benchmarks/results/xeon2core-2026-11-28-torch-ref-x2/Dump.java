import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.Tensor;
import dev.gpusr.train.PatchDataset;
import java.io.*;
import java.nio.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;

/** Writes every sub-image pair gpu-sr train would use (no augmentation) as float32 [N][2][P][P]: input, target. */
public class Dump {
  public static void main(String[] a) throws Exception {
    int scale = Integer.parseInt(a[1]);
    PatchDataset d = PatchDataset.fromFolder(Path.of(a[0]), new PatchDataset.Options(scale, ColorSpace.Y, 33, 14, false), System.err);
    int n = d.size(), p = d.patchSize();
    System.err.println(d + ": " + n + " sub-images");
    try (FileChannel ch = FileChannel.open(Path.of(a[2]), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      Tensor[] b = d.newBatch(1);
      ByteBuffer buf = ByteBuffer.allocate(2 * p * p * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        d.fill(b[0], b[1], new int[] {i});
        buf.clear();
        for (float v : b[0].data) buf.putFloat(v);
        for (float v : b[1].data) buf.putFloat(v);
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
      }
    }
    System.out.println(n + " " + p);
  }
}
