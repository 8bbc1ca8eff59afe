package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training-curve PNG: a real PNG of the asked size with the loss, the validation PSNR and the bicubic line. */
class TrainingPlotTest {
    @TempDir
    Path dir;

    /** Headless Java draws text with the system's fonts (fontconfig); a machine without any cannot draw a chart. */
    private static boolean fontsAvailable() {
        System.setProperty("java.awt.headless", "true");
        try {
            return java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    @Test
    void drawsLossValidationAndTheBicubicLineIntoAPngOfTheAskedSize() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(fontsAvailable(),
                "no fonts on this machine (apt-get install fontconfig fonts-dejavu-core)");
        Path metrics = dir.resolve("m.jsonl");
        TrainingMetrics m = TrainingMetrics.fresh(metrics);
        for (int step = 100; step <= 1000; step += 100) {
            Map<String, Object> line = TrainingMetrics.line(step, 0, 0.01 / step, new float[] {1e-3f, 1e-3f, 1e-4f}, 5000);
            if (step % 200 == 0) {
                line.put("val_psnr", 30 + step / 1000.0);
                line.put("bicubic_psnr", 29.5);
            }
            m.append(line);
        }
        Path png = dir.resolve("curve.png");
        TrainingPlot.write(TrainingMetrics.read(metrics), png, "test", 640, 400);

        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(count(image, 0x1f77b4) > 50, "no loss curve drawn");
        assertTrue(count(image, 0xd62728) > 50, "no validation curve drawn");
        assertTrue(count(image, 0x2ca02c) > 50, "no bicubic line drawn");
    }

    @Test
    void lossTickLabelsAreDistinctOnANarrowRange() {
        org.junit.jupiter.api.Assumptions.assumeTrue(fontsAvailable(),
                "no fonts on this machine (apt-get install fontconfig fonts-dejavu-core)");
        // a second training cycle: the loss moves between 0.95e-3 and 1.15e-3 only (docs/models' x3 curve once
        // labelled its axis 1.1E-3 three times and 1.0E-3 twice)
        java.util.List<Map<String, Object>> lines = new java.util.ArrayList<>();
        for (int step = 100; step <= 6000; step += 100) {
            lines.add(TrainingMetrics.line(step, 0, 1.15e-3 - 0.2e-3 * step / 6000, new float[] {2e-4f, 2e-4f, 2e-5f},
                    900));
        }
        org.jfree.chart.JFreeChart chart = TrainingPlot.chart(lines, "narrow");
        java.awt.Graphics2D g = new BufferedImage(1000, 600, BufferedImage.TYPE_INT_RGB).createGraphics();
        org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
        chart.draw(g, new java.awt.Rectangle(0, 0, 1000, 600), info);
        org.jfree.chart.axis.ValueAxis axis = chart.getXYPlot().getRangeAxis(0);
        java.util.List<?> ticks = axis.refreshTicks(g, new org.jfree.chart.axis.AxisState(),
                info.getPlotInfo().getDataArea(), org.jfree.chart.ui.RectangleEdge.LEFT);
        java.util.List<String> labels = new java.util.ArrayList<>();
        for (Object t : ticks) {
            java.text.AttributedString label = ((org.jfree.chart.axis.LogTick) t).getAttributedLabel();
            if (label == null) continue; // a minor tick
            StringBuilder text = new StringBuilder();
            java.text.AttributedCharacterIterator it = label.getIterator();
            for (char c = it.first(); c != java.text.CharacterIterator.DONE; c = it.next()) text.append(c);
            labels.add(text.toString());
        }
        assertTrue(labels.size() >= 3, "labels " + labels);
        assertEquals(labels.size(), new java.util.HashSet<>(labels).size(), "repeated labels " + labels);
        g.dispose();
    }

    /** Pixels within a small distance of a colour (curves are anti-aliased). */
    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs((p >> 16 & 255) - (rgb >> 16 & 255)) + Math.abs((p >> 8 & 255) - (rgb >> 8 & 255))
                        + Math.abs((p & 255) - (rgb & 255));
                if (d <= 60) n++;
            }
        }
        return n;
    }
}
