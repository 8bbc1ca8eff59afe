package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosChartTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** bicubic: 2,2,2,2 (MOS 2, no spread); srcnn: 3,4,5,4 (MOS 4, s = 0.816497, half = 3.182446 * 0.408248 = 1.299228). */
    private static MosReport report() {
        List<Study.Entry> images = new ArrayList<>();
        String ref = "1".repeat(32);
        images.add(new Study.Entry(ref, "a.png", Study.REFERENCE, "images/" + ref + ".png", "0".repeat(64), 9, 9, ref));
        images.add(new Study.Entry("2".repeat(32), "a.png", "bicubic", "images/" + "2".repeat(32) + ".png", "0".repeat(64), 9, 9, ref));
        images.add(new Study.Entry("3".repeat(32), "a.png", "srcnn", "images/" + "3".repeat(32) + ".png", "0".repeat(64), 9, 9, ref));
        Study s = new Study("f".repeat(32), 3, List.of("bicubic", "srcnn"), images, Path.of("."));
        int[] srcnn = {3, 4, 5, 4};
        List<MosStatistics.Score> scores = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            scores.add(new MosStatistics.Score("r" + r, "2".repeat(32), "a.png", "bicubic", 2));
            scores.add(new MosStatistics.Score("r" + r, "3".repeat(32), "a.png", "srcnn", srcnn[r]));
        }
        return MosReport.of(s, MosStatistics.compute(scores, s.methods(), Double.NaN));
    }

    private static boolean isBar(int rgb) {
        return (rgb & 0xffffff) == (MosChart.BAR.getRGB() & 0xffffff);
    }

    private static boolean isDark(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        return r < 60 && g < 60 && b < 60;
    }

    /** Bar heights are proportional to the MOS (axis from 0) and the srcnn error bar reaches MOS + half-width. */
    @Test
    void barsAndErrorBarsHaveTheRightHeights() throws Exception {
        MosReport report = report();
        assertEquals(1.299228, report.result().methods().get("srcnn").halfWidth(), 1e-6);
        Path png = dir.resolve("mos.png");
        MosChart.write(report, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(MosChart.WIDTH, img.getWidth());
        assertEquals(MosChart.HEIGHT, img.getHeight());

        // find the two bars: runs of columns that contain bar-coloured pixels
        List<int[]> bars = new ArrayList<>(); // {firstX, lastX}
        int start = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            boolean any = false;
            for (int y = 0; y < img.getHeight() && !any; y++) any = isBar(img.getRGB(x, y));
            if (any && start < 0) start = x;
            if (!any && start >= 0) {
                bars.add(new int[] {start, x - 1});
                start = -1;
            }
        }
        assertEquals(2, bars.size(), "two bars");
        double[] heights = new double[2];
        int[] bottoms = new int[2];
        int[] tops = new int[2];
        for (int i = 0; i < 2; i++) {
            int x = bars.get(i)[0] + 2; // near the left edge, away from the error bar in the middle
            int top = -1;
            int bottom = -1;
            for (int y = 0; y < img.getHeight(); y++) {
                if (isBar(img.getRGB(x, y))) {
                    if (top < 0) top = y;
                    bottom = y;
                }
            }
            tops[i] = top;
            bottoms[i] = bottom;
            heights[i] = bottom - top + 1;
        }
        assertEquals(bottoms[0], bottoms[1], 1, "bars stand on the same baseline");
        assertEquals(2.0, heights[1] / heights[0], 0.04, "srcnn (MOS 4) is twice as tall as bicubic (MOS 2)");

        // srcnn's error bar: dark pixels in the bar's middle column above the bar; MOS + half = 5.3 is past the axis
        // top (5), so the whisker runs from 4.0 up to about 5: at least 0.9 points above the bar
        int mid = (bars.get(1)[0] + bars.get(1)[1]) / 2;
        int whiskerTop = tops[1];
        for (int y = tops[1] - 1; y > 0 && (isDark(img.getRGB(mid, y)) || isDark(img.getRGB(mid + 1, y))); y--) whiskerTop = y;
        double pixelsPerPoint = heights[1] / 4.0;
        double whisker = (tops[1] - whiskerTop) / pixelsPerPoint;
        assertTrue(whisker > 0.9, "the error bar rises above the bar: " + whisker + " points");
        // bicubic has no spread: no whisker above its bar
        int mid0 = (bars.get(0)[0] + bars.get(0)[1]) / 2;
        assertTrue(!isDark(img.getRGB(mid0, tops[0] - 4)), "no error bar on a zero-spread bar");
        assertTrue(Files.size(png) > 1000);
    }
}
