package dev.gpusr.cpu;
public class WConv {
  public static void main(String[] a) {
    int cin = Integer.parseInt(a[0]), cout = Integer.parseInt(a[1]);
    RowLayout layout = new RowLayout(16, 33, 33, 4);
    java.util.Random r = new java.util.Random(1);
    float[] zero = new float[layout.length()];
    float[] w = new float[cout * cin * 25]; for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
    float[] b = new float[cout];
    ConvLayer layer = new ConvLayer(cin, cout, 5, w, 0, b, 0);
    Canvas in = new Canvas(); in.layout(cin, 0, 33, 33, layout.length(), zero);
    for (int c = 0; c < cin; c++) for (int y = 0; y < 33; y++) { float[] row = in.writable(c, y); for (int j = 0; j < row.length; j++) row[j] = Math.max(0, r.nextFloat() - 0.5f); layout.clearPadding(row, 0, row.length); }
    Canvas out = new Canvas(); out.layout(cout, 0, 33, 33, layout.length(), zero);
    try (WorkerPool pool = new WorkerPool(1)) {
      Winograd wg = new Winograd(1); Scratch s = new Scratch();
      for (int rep = 0; rep < 8; rep++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) wg.run(layer, in, out, layout, ConvLayer.Epilogue.RELU, pool);
        long t1 = System.nanoTime();
        for (int i = 0; i < 50; i++) layer.forwardRows(in, out, layout, 0, 33, ConvLayer.Epilogue.RELU, s);
        long t2 = System.nanoTime();
        System.out.printf("winograd %.2f ms  direct %.2f ms%n", (t1 - t0) / 50e6, (t2 - t1) / 50e6);
      }
    }
  }
}
