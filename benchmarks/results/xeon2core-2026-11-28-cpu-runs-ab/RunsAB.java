package dev.gpusr.cpu;
import java.util.*;
public class RunsAB {
  public static void main(String[] a) {
    int items = Integer.parseInt(a[0]); int rounds = Integer.parseInt(a[1]);
    int cin = 64, cout = 32, f = 5, H = 33;
    RowLayout layout = new RowLayout(items, H, 33, 4);
    float[] zero = new float[layout.length()];
    Random r = new Random(1);
    float[] w = new float[cout*cin*f*f]; for (int i=0;i<w.length;i++) w[i]=r.nextFloat()-0.5f;
    float[] b = new float[cout];
    ConvLayer[] layers = {new ConvLayer(cin,cout,f,w,0,b,0), new ConvLayer(cin,cout,f,w,0,b,0), new ConvLayer(cin,cout,f,w,0,b,0)};
    layers[0].runBlocks = false; layers[0].wideBlocks = true;
    layers[1].runBlocks = true; layers[1].wideBlocks = false; layers[2].runBlocks = true; layers[2].wideBlocks = true;
    
    String[] names = {"per-tap wide", "runs", "runs wide"};
    Canvas in = new Canvas(); in.layout(cin,0,H,H,layout.length(),zero);
    for (int c=0;c<cin;c++) for (int y=0;y<H;y++){ float[] row=in.writable(c,y); for(int j=0;j<row.length;j++) row[j]=r.nextFloat(); layout.clearPadding(row,0,row.length);}
    Canvas out = new Canvas(); out.layout(cout,0,H,H,layout.length(),zero);
    Scratch s = new Scratch();
    double flop = 2.0*cout*cin*f*f*items*33*33;
    long end = System.nanoTime() + 4_000_000_000L;
    while (System.nanoTime() < end) for (ConvLayer l : layers) l.forwardRows(in,out,layout,0,H,ConvLayer.Epilogue.RELU,s);
    for (int round=0; round<rounds; round++) {
      for (int k=0;k<3;k++) {
        double[] ms = new double[15];
        for (int i=0;i<15;i++){ long t0=System.nanoTime(); layers[k].forwardRows(in,out,layout,0,H,ConvLayer.Epilogue.RELU,s); ms[i]=(System.nanoTime()-t0)/1e6; }
        Arrays.sort(ms);
        System.out.printf("%-14s median %.2f ms min %.2f  %.1f GFLOP/s%n", names[k], ms[7], ms[0], flop/ms[7]/1e6);
      }
    }
  }
}
