package dev.gpusr.cpu;
public class WMicro2 {
  public static void main(String[] a) {
    int L = WinogradKernels.LANES, cin = 64, count = 96, vectors = count / L;
    java.util.Random r = new java.util.Random(1);
    float[] tmp = new float[36 * L]; float[][] e = new float[6][], o = new float[6][];
    for (int j = 0; j < 6; j++) { e[j] = new float[320]; o[j] = new float[320]; for (int i = 0; i < 320; i++) { e[j][i] = r.nextFloat(); o[j][i] = r.nextFloat(); } }
    for (int extra : new int[] {0, 16, 48}) {
      int ps = cin * count + extra;
      float[] v = new float[36 * ps + 64];
      for (int rep = 0; rep < 20; rep++) {
        long t0 = System.nanoTime(); long n = 0;
        for (int it = 0; it < 200; it++) for (int c = 0; c < cin; c++) for (int k = 0; k < vectors; k++) { WinogradKernels.input(e, o, k * L, tmp, v, c * count + k * L, ps); n++; }
        double s = (System.nanoTime() - t0) / 1e9;
        if (rep % 10 == 9) System.out.printf("stride %d: input %.1f ns%n", ps, s / n * 1e9);
      }
    }
    float[] small = new float[36 * L * 2];
    for (int rep = 0; rep < 20; rep++) {
      long t0 = System.nanoTime(); long n = 0;
      for (int it = 0; it < 200; it++) for (int c = 0; c < cin; c++) for (int k = 0; k < vectors; k++) { WinogradKernels.input(e, o, k * L, tmp, small, 0, L); n++; }
      double s = (System.nanoTime() - t0) / 1e9;
      if (rep % 10 == 9) System.out.printf("into L1: input %.1f ns%n", s / n * 1e9);
    }
  }
}
