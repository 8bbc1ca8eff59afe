package dev.gpusr.cpu;
import jdk.incubator.vector.*;
public class WZip {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int L = S.length();
  static final VectorShuffle<Float> P_EVEN = VectorShuffle.fromOp(S, k -> (2 * k) % L), P_ODD = VectorShuffle.fromOp(S, k -> (2 * k + 1) % L);
  static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));
  static final VectorShuffle<Float> Z_LO = VectorShuffle.fromOp(S, k -> k / 2), Z_HI = VectorShuffle.fromOp(S, k -> (L + k) / 2);
  static final VectorMask<Float> ODDM = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL & ((1L << L) - 1));
  static final int[] ZI = new int[L]; static { for (int k = 0; k < L; k++) ZI[k] = 2 * k; }
  static void split(float[] row, int col, float[] e, float[] o, int n) {
    int j = 0;
    for (; j + L <= n; j += L, col += 2 * L) {
      FloatVector a = FloatVector.fromArray(S, row, col), b = FloatVector.fromArray(S, row, col + L);
      a.rearrange(P_EVEN).blend(b.rearrange(P_EVEN), UPPER).intoArray(e, j);
      a.rearrange(P_ODD).blend(b.rearrange(P_ODD), UPPER).intoArray(o, j);
    }
    for (; j < n; j++, col += 2) { e[j] = row[col]; o[j] = row[col + 1]; }
  }
  static void zip(float[] e, float[] o, float[] row, int col, int n) {
    for (int j = 0; j + L <= n; j += L, col += 2 * L) {
      FloatVector a = FloatVector.fromArray(S, e, j), b = FloatVector.fromArray(S, o, j);
      a.rearrange(Z_LO).blend(b.rearrange(Z_LO), ODDM).intoArray(row, col);
      a.rearrange(Z_HI).blend(b.rearrange(Z_HI), ODDM).intoArray(row, col + L);
    }
  }
  static void zipScatter(float[] e, float[] o, float[] row, int col, int n) {
    for (int j = 0; j + L <= n; j += L, col += 2 * L) {
      FloatVector.fromArray(S, e, j).intoArray(row, col, ZI, 0);
      FloatVector.fromArray(S, o, j).intoArray(row, col + 1, ZI, 0);
    }
  }
  static void zipScalar(float[] e, float[] o, float[] row, int col, int n) { for (int j = 0; j < n; j++, col += 2) { row[col] = e[j]; row[col + 1] = o[j]; } }
  public static void main(String[] a) {
    float[] row = new float[700], row2 = new float[700]; float[] e = new float[400], o = new float[400];
    for (int i = 0; i < 700; i++) row[i] = i;
    for (int rep = 0; rep < 15; rep++) {
      long t0 = System.nanoTime(); for (int i = 0; i < 20000; i++) split(row, 2, e, o, 320);
      long t1 = System.nanoTime(); for (int i = 0; i < 20000; i++) zip(e, o, row2, 2, 320);
      long t2 = System.nanoTime(); for (int i = 0; i < 20000; i++) zipScatter(e, o, row2, 2, 320);
      long t3 = System.nanoTime(); for (int i = 0; i < 20000; i++) zipScalar(e, o, row2, 2, 320);
      long t4 = System.nanoTime();
      if (rep % 5 == 4) System.out.printf("per pair: split perm+blend %.2f  zip perm+blend %.2f  zip scatter %.2f  zip scalar %.2f ns%n", (t1-t0)/20000.0/320, (t2-t1)/20000.0/320, (t3-t2)/20000.0/320, (t4-t3)/20000.0/320);
    }
    split(row, 2, e, o, 320); zip(e, o, row2, 2, 320);
    boolean ok = true; for (int i = 2; i < 642; i++) ok &= row2[i] == row[i];
    System.out.println(e[0] + " " + o[0] + " " + e[17] + " " + o[17] + " roundtrip " + ok);
  }
}
