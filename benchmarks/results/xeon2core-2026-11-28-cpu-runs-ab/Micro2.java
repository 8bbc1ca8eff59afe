import jdk.incubator.vector.*;
public class Micro2 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int L = S.length();
  static float k8x3(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a0_2=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a1_2=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a2_2=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a3_2=FloatVector.zero(S), a4_0=FloatVector.zero(S), a4_1=FloatVector.zero(S), a4_2=FloatVector.zero(S), a5_0=FloatVector.zero(S), a5_1=FloatVector.zero(S), a5_2=FloatVector.zero(S), a6_0=FloatVector.zero(S), a6_1=FloatVector.zero(S), a6_2=FloatVector.zero(S), a7_0=FloatVector.zero(S), a7_1=FloatVector.zero(S), a7_2=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*8;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector x2=FloatVector.fromArray(S,x,c+2*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1); a0_2=x2.fma(w0,a0_2);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1); a1_2=x2.fma(w1,a1_2);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1); a2_2=x2.fma(w2,a2_2);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1); a3_2=x2.fma(w3,a3_2);
      FloatVector w4=FloatVector.broadcast(S,p[w+4]); a4_0=x0.fma(w4,a4_0); a4_1=x1.fma(w4,a4_1); a4_2=x2.fma(w4,a4_2);
      FloatVector w5=FloatVector.broadcast(S,p[w+5]); a5_0=x0.fma(w5,a5_0); a5_1=x1.fma(w5,a5_1); a5_2=x2.fma(w5,a5_2);
      FloatVector w6=FloatVector.broadcast(S,p[w+6]); a6_0=x0.fma(w6,a6_0); a6_1=x1.fma(w6,a6_1); a6_2=x2.fma(w6,a6_2);
      FloatVector w7=FloatVector.broadcast(S,p[w+7]); a7_0=x0.fma(w7,a7_0); a7_1=x1.fma(w7,a7_1); a7_2=x2.fma(w7,a7_2);
    }
    return a0_0.add(a0_1).add(a0_2).add(a1_0).add(a1_1).add(a1_2).add(a2_0).add(a2_1).add(a2_2).add(a3_0).add(a3_1).add(a3_2).add(a4_0).add(a4_1).add(a4_2).add(a5_0).add(a5_1).add(a5_2).add(a6_0).add(a6_1).add(a6_2).add(a7_0).add(a7_1).add(a7_2).reduceLanes(VectorOperators.ADD);
  }
  static float k4x6(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a0_2=FloatVector.zero(S), a0_3=FloatVector.zero(S), a0_4=FloatVector.zero(S), a0_5=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a1_2=FloatVector.zero(S), a1_3=FloatVector.zero(S), a1_4=FloatVector.zero(S), a1_5=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a2_2=FloatVector.zero(S), a2_3=FloatVector.zero(S), a2_4=FloatVector.zero(S), a2_5=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a3_2=FloatVector.zero(S), a3_3=FloatVector.zero(S), a3_4=FloatVector.zero(S), a3_5=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*4;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector x2=FloatVector.fromArray(S,x,c+2*L);
      FloatVector x3=FloatVector.fromArray(S,x,c+3*L);
      FloatVector x4=FloatVector.fromArray(S,x,c+4*L);
      FloatVector x5=FloatVector.fromArray(S,x,c+5*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1); a0_2=x2.fma(w0,a0_2); a0_3=x3.fma(w0,a0_3); a0_4=x4.fma(w0,a0_4); a0_5=x5.fma(w0,a0_5);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1); a1_2=x2.fma(w1,a1_2); a1_3=x3.fma(w1,a1_3); a1_4=x4.fma(w1,a1_4); a1_5=x5.fma(w1,a1_5);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1); a2_2=x2.fma(w2,a2_2); a2_3=x3.fma(w2,a2_3); a2_4=x4.fma(w2,a2_4); a2_5=x5.fma(w2,a2_5);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1); a3_2=x2.fma(w3,a3_2); a3_3=x3.fma(w3,a3_3); a3_4=x4.fma(w3,a3_4); a3_5=x5.fma(w3,a3_5);
    }
    return a0_0.add(a0_1).add(a0_2).add(a0_3).add(a0_4).add(a0_5).add(a1_0).add(a1_1).add(a1_2).add(a1_3).add(a1_4).add(a1_5).add(a2_0).add(a2_1).add(a2_2).add(a2_3).add(a2_4).add(a2_5).add(a3_0).add(a3_1).add(a3_2).add(a3_3).add(a3_4).add(a3_5).reduceLanes(VectorOperators.ADD);
  }
  static float k6x4(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a0_2=FloatVector.zero(S), a0_3=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a1_2=FloatVector.zero(S), a1_3=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a2_2=FloatVector.zero(S), a2_3=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a3_2=FloatVector.zero(S), a3_3=FloatVector.zero(S), a4_0=FloatVector.zero(S), a4_1=FloatVector.zero(S), a4_2=FloatVector.zero(S), a4_3=FloatVector.zero(S), a5_0=FloatVector.zero(S), a5_1=FloatVector.zero(S), a5_2=FloatVector.zero(S), a5_3=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*6;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector x2=FloatVector.fromArray(S,x,c+2*L);
      FloatVector x3=FloatVector.fromArray(S,x,c+3*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1); a0_2=x2.fma(w0,a0_2); a0_3=x3.fma(w0,a0_3);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1); a1_2=x2.fma(w1,a1_2); a1_3=x3.fma(w1,a1_3);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1); a2_2=x2.fma(w2,a2_2); a2_3=x3.fma(w2,a2_3);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1); a3_2=x2.fma(w3,a3_2); a3_3=x3.fma(w3,a3_3);
      FloatVector w4=FloatVector.broadcast(S,p[w+4]); a4_0=x0.fma(w4,a4_0); a4_1=x1.fma(w4,a4_1); a4_2=x2.fma(w4,a4_2); a4_3=x3.fma(w4,a4_3);
      FloatVector w5=FloatVector.broadcast(S,p[w+5]); a5_0=x0.fma(w5,a5_0); a5_1=x1.fma(w5,a5_1); a5_2=x2.fma(w5,a5_2); a5_3=x3.fma(w5,a5_3);
    }
    return a0_0.add(a0_1).add(a0_2).add(a0_3).add(a1_0).add(a1_1).add(a1_2).add(a1_3).add(a2_0).add(a2_1).add(a2_2).add(a2_3).add(a3_0).add(a3_1).add(a3_2).add(a3_3).add(a4_0).add(a4_1).add(a4_2).add(a4_3).add(a5_0).add(a5_1).add(a5_2).add(a5_3).reduceLanes(VectorOperators.ADD);
  }
  static float k4x5(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a0_2=FloatVector.zero(S), a0_3=FloatVector.zero(S), a0_4=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a1_2=FloatVector.zero(S), a1_3=FloatVector.zero(S), a1_4=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a2_2=FloatVector.zero(S), a2_3=FloatVector.zero(S), a2_4=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a3_2=FloatVector.zero(S), a3_3=FloatVector.zero(S), a3_4=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*4;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector x2=FloatVector.fromArray(S,x,c+2*L);
      FloatVector x3=FloatVector.fromArray(S,x,c+3*L);
      FloatVector x4=FloatVector.fromArray(S,x,c+4*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1); a0_2=x2.fma(w0,a0_2); a0_3=x3.fma(w0,a0_3); a0_4=x4.fma(w0,a0_4);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1); a1_2=x2.fma(w1,a1_2); a1_3=x3.fma(w1,a1_3); a1_4=x4.fma(w1,a1_4);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1); a2_2=x2.fma(w2,a2_2); a2_3=x3.fma(w2,a2_3); a2_4=x4.fma(w2,a2_4);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1); a3_2=x2.fma(w3,a3_2); a3_3=x3.fma(w3,a3_3); a3_4=x4.fma(w3,a3_4);
    }
    return a0_0.add(a0_1).add(a0_2).add(a0_3).add(a0_4).add(a1_0).add(a1_1).add(a1_2).add(a1_3).add(a1_4).add(a2_0).add(a2_1).add(a2_2).add(a2_3).add(a2_4).add(a3_0).add(a3_1).add(a3_2).add(a3_3).add(a3_4).reduceLanes(VectorOperators.ADD);
  }
  static float k8x2(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a4_0=FloatVector.zero(S), a4_1=FloatVector.zero(S), a5_0=FloatVector.zero(S), a5_1=FloatVector.zero(S), a6_0=FloatVector.zero(S), a6_1=FloatVector.zero(S), a7_0=FloatVector.zero(S), a7_1=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*8;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1);
      FloatVector w4=FloatVector.broadcast(S,p[w+4]); a4_0=x0.fma(w4,a4_0); a4_1=x1.fma(w4,a4_1);
      FloatVector w5=FloatVector.broadcast(S,p[w+5]); a5_0=x0.fma(w5,a5_0); a5_1=x1.fma(w5,a5_1);
      FloatVector w6=FloatVector.broadcast(S,p[w+6]); a6_0=x0.fma(w6,a6_0); a6_1=x1.fma(w6,a6_1);
      FloatVector w7=FloatVector.broadcast(S,p[w+7]); a7_0=x0.fma(w7,a7_0); a7_1=x1.fma(w7,a7_1);
    }
    return a0_0.add(a0_1).add(a1_0).add(a1_1).add(a2_0).add(a2_1).add(a3_0).add(a3_1).add(a4_0).add(a4_1).add(a5_0).add(a5_1).add(a6_0).add(a6_1).add(a7_0).add(a7_1).reduceLanes(VectorOperators.ADD);
  }
  static float k2x12(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a0_2=FloatVector.zero(S), a0_3=FloatVector.zero(S), a0_4=FloatVector.zero(S), a0_5=FloatVector.zero(S), a0_6=FloatVector.zero(S), a0_7=FloatVector.zero(S), a0_8=FloatVector.zero(S), a0_9=FloatVector.zero(S), a0_10=FloatVector.zero(S), a0_11=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a1_2=FloatVector.zero(S), a1_3=FloatVector.zero(S), a1_4=FloatVector.zero(S), a1_5=FloatVector.zero(S), a1_6=FloatVector.zero(S), a1_7=FloatVector.zero(S), a1_8=FloatVector.zero(S), a1_9=FloatVector.zero(S), a1_10=FloatVector.zero(S), a1_11=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*2;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector x2=FloatVector.fromArray(S,x,c+2*L);
      FloatVector x3=FloatVector.fromArray(S,x,c+3*L);
      FloatVector x4=FloatVector.fromArray(S,x,c+4*L);
      FloatVector x5=FloatVector.fromArray(S,x,c+5*L);
      FloatVector x6=FloatVector.fromArray(S,x,c+6*L);
      FloatVector x7=FloatVector.fromArray(S,x,c+7*L);
      FloatVector x8=FloatVector.fromArray(S,x,c+8*L);
      FloatVector x9=FloatVector.fromArray(S,x,c+9*L);
      FloatVector x10=FloatVector.fromArray(S,x,c+10*L);
      FloatVector x11=FloatVector.fromArray(S,x,c+11*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1); a0_2=x2.fma(w0,a0_2); a0_3=x3.fma(w0,a0_3); a0_4=x4.fma(w0,a0_4); a0_5=x5.fma(w0,a0_5); a0_6=x6.fma(w0,a0_6); a0_7=x7.fma(w0,a0_7); a0_8=x8.fma(w0,a0_8); a0_9=x9.fma(w0,a0_9); a0_10=x10.fma(w0,a0_10); a0_11=x11.fma(w0,a0_11);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1); a1_2=x2.fma(w1,a1_2); a1_3=x3.fma(w1,a1_3); a1_4=x4.fma(w1,a1_4); a1_5=x5.fma(w1,a1_5); a1_6=x6.fma(w1,a1_6); a1_7=x7.fma(w1,a1_7); a1_8=x8.fma(w1,a1_8); a1_9=x9.fma(w1,a1_9); a1_10=x10.fma(w1,a1_10); a1_11=x11.fma(w1,a1_11);
    }
    return a0_0.add(a0_1).add(a0_2).add(a0_3).add(a0_4).add(a0_5).add(a0_6).add(a0_7).add(a0_8).add(a0_9).add(a0_10).add(a0_11).add(a1_0).add(a1_1).add(a1_2).add(a1_3).add(a1_4).add(a1_5).add(a1_6).add(a1_7).add(a1_8).add(a1_9).add(a1_10).add(a1_11).reduceLanes(VectorOperators.ADD);
  }
  static float k12x2(float[] x, float[] p, int n) {
    FloatVector a0_0=FloatVector.zero(S), a0_1=FloatVector.zero(S), a1_0=FloatVector.zero(S), a1_1=FloatVector.zero(S), a2_0=FloatVector.zero(S), a2_1=FloatVector.zero(S), a3_0=FloatVector.zero(S), a3_1=FloatVector.zero(S), a4_0=FloatVector.zero(S), a4_1=FloatVector.zero(S), a5_0=FloatVector.zero(S), a5_1=FloatVector.zero(S), a6_0=FloatVector.zero(S), a6_1=FloatVector.zero(S), a7_0=FloatVector.zero(S), a7_1=FloatVector.zero(S), a8_0=FloatVector.zero(S), a8_1=FloatVector.zero(S), a9_0=FloatVector.zero(S), a9_1=FloatVector.zero(S), a10_0=FloatVector.zero(S), a10_1=FloatVector.zero(S), a11_0=FloatVector.zero(S), a11_1=FloatVector.zero(S);
    for (int t=0;t<n;t++){ int c=(t&7)*3+1; int w=(t&1023)*12;
      FloatVector x0=FloatVector.fromArray(S,x,c+0*L);
      FloatVector x1=FloatVector.fromArray(S,x,c+1*L);
      FloatVector w0=FloatVector.broadcast(S,p[w+0]); a0_0=x0.fma(w0,a0_0); a0_1=x1.fma(w0,a0_1);
      FloatVector w1=FloatVector.broadcast(S,p[w+1]); a1_0=x0.fma(w1,a1_0); a1_1=x1.fma(w1,a1_1);
      FloatVector w2=FloatVector.broadcast(S,p[w+2]); a2_0=x0.fma(w2,a2_0); a2_1=x1.fma(w2,a2_1);
      FloatVector w3=FloatVector.broadcast(S,p[w+3]); a3_0=x0.fma(w3,a3_0); a3_1=x1.fma(w3,a3_1);
      FloatVector w4=FloatVector.broadcast(S,p[w+4]); a4_0=x0.fma(w4,a4_0); a4_1=x1.fma(w4,a4_1);
      FloatVector w5=FloatVector.broadcast(S,p[w+5]); a5_0=x0.fma(w5,a5_0); a5_1=x1.fma(w5,a5_1);
      FloatVector w6=FloatVector.broadcast(S,p[w+6]); a6_0=x0.fma(w6,a6_0); a6_1=x1.fma(w6,a6_1);
      FloatVector w7=FloatVector.broadcast(S,p[w+7]); a7_0=x0.fma(w7,a7_0); a7_1=x1.fma(w7,a7_1);
      FloatVector w8=FloatVector.broadcast(S,p[w+8]); a8_0=x0.fma(w8,a8_0); a8_1=x1.fma(w8,a8_1);
      FloatVector w9=FloatVector.broadcast(S,p[w+9]); a9_0=x0.fma(w9,a9_0); a9_1=x1.fma(w9,a9_1);
      FloatVector w10=FloatVector.broadcast(S,p[w+10]); a10_0=x0.fma(w10,a10_0); a10_1=x1.fma(w10,a10_1);
      FloatVector w11=FloatVector.broadcast(S,p[w+11]); a11_0=x0.fma(w11,a11_0); a11_1=x1.fma(w11,a11_1);
    }
    return a0_0.add(a0_1).add(a1_0).add(a1_1).add(a2_0).add(a2_1).add(a3_0).add(a3_1).add(a4_0).add(a4_1).add(a5_0).add(a5_1).add(a6_0).add(a6_1).add(a7_0).add(a7_1).add(a8_0).add(a8_1).add(a9_0).add(a9_1).add(a10_0).add(a10_1).add(a11_0).add(a11_1).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] args){
    float[] x=new float[4096]; float[] p=new float[16384];
    for(int i=0;i<x.length;i++)x[i]=1e-3f*i; for(int i=0;i<p.length;i++)p[i]=1e-4f;
    int n=1<<20; float sink=0;
    for(int r=0;r<6;r++){ StringBuilder sb=new StringBuilder();
      { long t0=System.nanoTime(); sink+=k8x3(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k8x3 %.0f  ", 24.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k4x6(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k4x6 %.0f  ", 24.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k6x4(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k6x4 %.0f  ", 24.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k4x5(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k4x5 %.0f  ", 20.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k8x2(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k8x2 %.0f  ", 16.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k2x12(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k2x12 %.0f  ", 24.0*L*2*n/(t1-t0))); }
      { long t0=System.nanoTime(); sink+=k12x2(x,p,n); long t1=System.nanoTime(); sb.append(String.format("k12x2 %.0f  ", 24.0*L*2*n/(t1-t0))); }
      System.out.println(sb);
    }
    System.out.println(sink);
  }
}
