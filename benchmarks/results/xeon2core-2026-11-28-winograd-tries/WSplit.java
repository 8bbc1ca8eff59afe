package dev.gpusr.cpu;
import jdk.incubator.vector.*;
public class WSplit {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int L = S.length();
  static final int[] EVENI = new int[L]; static { for (int k = 0; k < L; k++) EVENI[k] = 2 * k; }
  static void scalar(float[] row, int col, float[] e, float[] o, int n) { for (int j = 0; j < n; j++, col += 2) { e[j] = row[col]; o[j] = row[col + 1]; } }
  static void gather(float[] row, int col, float[] e, float[] o, int n) {
    int j = 0;
    for (; j + L <= n; j += L, col += 2 * L) {
      FloatVector.fromArray(S, row, col, EVENI, 0).intoArray(e, j);
      FloatVector.fromArray(S, row, col + 1, EVENI, 0).intoArray(o, j);
    }
    for (; j < n; j++, col += 2) { e[j] = row[col]; o[j] = row[col + 1]; }
  }
  public static void main(String[] a) {
    float[] row = new float[700]; float[] e = new float[400], o = new float[400];
    for (int i = 0; i < 700; i++) row[i] = i;
    for (int rep = 0; rep < 15; rep++) {
      long t0 = System.nanoTime(); for (int i = 0; i < 20000; i++) scalar(row, 2, e, o, 320);
      long t1 = System.nanoTime(); for (int i = 0; i < 20000; i++) WinogradKernels.split(row, 2, e, o, 320);
      long t2 = System.nanoTime(); for (int i = 0; i < 20000; i++) gather(row, 2, e, o, 320);
      long t3 = System.nanoTime();
      if (rep % 5 == 4) System.out.printf("per pair: scalar %.2f ns  rearrange %.2f ns  gather %.2f ns%n", (t1-t0)/20000.0/320, (t2-t1)/20000.0/320, (t3-t2)/20000.0/320);
    }
    gather(row, 2, e, o, 320); System.out.println(e[0] + " " + o[0] + " " + e[17] + " " + o[17]);
  }
}
