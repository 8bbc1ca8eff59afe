package dev.gpusr.cpu;
public class WMicro {
  public static void main(String[] a) {
    int L = WinogradKernels.LANES, cin = 64, count = 96, vectors = count / L, blocks = 4, q = 8;
    float[] v = new float[36 * cin * count], u = new float[36 * 32 * cin], m = new float[36 * q * count];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
    for (int i = 0; i < u.length; i++) u[i] = r.nextFloat();
    for (int rep = 0; rep < 30; rep++) {
      long t0 = System.nanoTime(); int calls = 0;
      for (int it = 0; it < 20; it++)
      for (int b = 0; b < blocks; b++) for (int p = 0; p < 36; p++) {
        for (int k = 0; k + 3 <= vectors; k += 3) { WinogradKernels.product3(v, p * cin * count + k * L, count, u, (p * blocks + b) * cin * q, cin, m, p * q * count + k * L); calls++; }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double flops = (double) calls * cin * 24 * L * 2;
      if (rep % 5 == 4) System.out.printf("product3: %.1f GFLOP/s%n", flops / s / 1e9);
    }
    float[] tmp = new float[36 * L]; float[][] e = new float[6][], o = new float[6][];
    for (int j = 0; j < 6; j++) { e[j] = new float[320]; o[j] = new float[320]; for (int i = 0; i < 320; i++) { e[j][i] = r.nextFloat(); o[j][i] = r.nextFloat(); } }
    for (int rep = 0; rep < 30; rep++) {
      long t0 = System.nanoTime(); long n = 0;
      for (int it = 0; it < 200; it++) for (int c = 0; c < cin; c++) for (int k = 0; k < vectors; k++) { WinogradKernels.input(e, o, k * L, tmp, v, c * count + k * L, cin * count); n++; }
      double s = (System.nanoTime() - t0) / 1e9;
      if (rep % 5 == 4) System.out.printf("input: %.1f ns per vector of tiles (per channel)%n", s / n * 1e9);
    }
    float[] y = new float[4 * L];
    for (int rep = 0; rep < 30; rep++) {
      long t0 = System.nanoTime(); long n = 0;
      for (int it = 0; it < 200; it++) for (int oq = 0; oq < q; oq++) for (int k = 0; k < vectors; k++) { WinogradKernels.output(m, oq * count + k * L, q * count, 0.5f, tmp, y); n++; }
      double s = (System.nanoTime() - t0) / 1e9;
      if (rep % 5 == 4) System.out.printf("output: %.1f ns per vector of tiles%n", s / n * 1e9);
    }
  }
}
