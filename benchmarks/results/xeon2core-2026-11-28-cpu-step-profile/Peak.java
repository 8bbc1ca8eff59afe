import jdk.incubator.vector.*;
public class Peak {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static float run(int n, float[] w) {
    FloatVector x = FloatVector.broadcast(S, 1.0001f), y = FloatVector.broadcast(S, 0.9999f);
    FloatVector a0=FloatVector.zero(S),a1=a0,a2=a0,a3=a0,a4=a0,a5=a0,a6=a0,a7=a0,a8=a0,a9=a0,a10=a0,a11=a0,a12=a0,a13=a0,a14=a0,a15=a0;
    for (int i=0;i<n;i++){
      a0=x.fma(y,a0);a1=x.fma(y,a1);a2=x.fma(y,a2);a3=x.fma(y,a3);a4=x.fma(y,a4);a5=x.fma(y,a5);a6=x.fma(y,a6);a7=x.fma(y,a7);
      a8=x.fma(y,a8);a9=x.fma(y,a9);a10=x.fma(y,a10);a11=x.fma(y,a11);a12=x.fma(y,a12);a13=x.fma(y,a13);a14=x.fma(y,a14);a15=x.fma(y,a15);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] a){
    float s=0; for(int r=0;r<8;r++){ long t0=System.nanoTime(); int n=50_000_000; s+=run(n,null); double sec=(System.nanoTime()-t0)/1e9;
      System.out.printf("lanes %d: %.1f GFLOP/s%n", S.length(), n*16.0*S.length()*2/sec/1e9);} System.out.println(s);
  }
}
