import dev.gpusr.image.PngCodec;
import dev.gpusr.image.PngEncoder;
import dev.gpusr.image.Pixels;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Times gpu-sr's PngEncoder (levels 1-9, with each codec asked for: zlib = java.util.zip, libdeflate = the native
 * library, which must load) and the JDK's ImageIO PNG writer on the given images, one thread, output to memory: wall
 * and thread-CPU ms, median of REPS runs after a warm-up run (levels 8-9: one run). One JSON object per line on
 * stdout. Run from the repository root:
 * java -cp java/target/classes benchmarks/png/PngBench.java REPS LEVELS CODECS IMAGE...
 *   (LEVELS: 1,6,9; CODECS: zlib,libdeflate)   or   --write SRC DST: one file at level 6 with zlib
 */
public class PngBench {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("--write")) { // --write SRC DST: SRC encoded at the default level, to DST
            try (var out = new java.io.FileOutputStream(args[2])) {
                PngEncoder.write(toPixels(ImageIO.read(new File(args[1]))), out, PngEncoder.DEFAULT_COMPRESSION,
                        PngCodec.ZLIB);
            }
            return;
        }
        int reps = Integer.parseInt(args[0]);
        int[] levels = java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        PngCodec[] codecs = java.util.Arrays.stream(args[2].split(",")).map(PngCodec::parse).toArray(PngCodec[]::new);
        int warmup = 1;
        for (int a = 3; a < args.length; a++) {
            File f = new File(args[a]);
            BufferedImage img = ImageIO.read(f);
            Pixels px = toPixels(img);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(px.samples().length + 4096);
            try (PngEncoder jit = new PngEncoder(1, PngCodec.ZLIB)) { // compile the filter loops before timing
                for (int i = 0; i < 5; i++) {
                    buf.reset();
                    jit.encode(px, buf);
                }
            }
            for (PngCodec codec : codecs) for (int level : levels) {
                try (PngEncoder enc = new PngEncoder(level, codec)) {
                    double[] ms = new double[level >= 8 ? 1 : reps]; // levels 8-9 take seconds: one run
                    double[] cpu = new double[ms.length];
                    for (int r = level >= 8 ? 0 : -warmup; r < ms.length; r++) {
                        buf.reset();
                        long c = THREADS.getCurrentThreadCpuTime();
                        long t = System.nanoTime();
                        enc.encode(px, buf);
                        if (r >= 0) {
                            ms[r] = (System.nanoTime() - t) / 1e6;
                            cpu[r] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
                        }
                    }
                    row(f.getName(), px, "gpu-sr PngEncoder " + enc.codec().label(), level, ms, cpu, buf.size());
                }
            }
            double[] ms = new double[reps];
            double[] cpu = new double[reps];
            for (int r = -1; r < ms.length; r++) {
                buf.reset();
                long c = THREADS.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                ImageIO.write(img, "png", buf);
                if (r >= 0) {
                    ms[r] = (System.nanoTime() - t) / 1e6;
                    cpu[r] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
                }
            }
            row(f.getName(), px, "JDK ImageIO", -1, ms, cpu, buf.size());
        }
    }

    /** CPU time of this thread: on a shared, loaded machine it moves far less than wall time. */
    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    static void row(String image, Pixels px, String encoder, int level, double[] ms, double[] cpu, long bytes) {
        double[] s = ms.clone();
        Arrays.sort(s);
        double[] c = cpu.clone();
        Arrays.sort(c);
        System.out.printf(Locale.ROOT,
                "{\"image\":\"%s\",\"width\":%d,\"height\":%d,\"encoder\":\"%s\",\"level\":%s,\"bytes\":%d,"
                        + "\"ms_median\":%.1f,\"ms_min\":%.1f,\"ms_max\":%.1f,\"cpu_ms_median\":%.1f,"
                        + "\"cpu_ms_min\":%.1f,\"runs\":%d}%n",
                image, px.width(), px.height(), encoder, level < 0 ? "null" : Integer.toString(level), bytes,
                s[s.length / 2], s[0], s[s.length - 1], c[c.length / 2], c[0], s.length);
    }

    static Pixels toPixels(BufferedImage img) {
        Raster r = img.getRaster();
        int w = img.getWidth(), h = img.getHeight(), c = r.getNumBands();
        int[] v = r.getPixels(0, 0, w, h, (int[]) null);
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return new Pixels(w, h, c, 8, b);
    }
}
