package dev.gpusr.train;

import dev.gpusr.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training curve of a metrics file ({@link TrainingMetrics}) as a PNG: the training loss (log scale, left axis)
 * and the validation PSNR (right axis) against the step, with the bicubic baseline's PSNR as a horizontal line.
 */
public final class TrainingPlot {
    public static final int DEFAULT_WIDTH = 1000;
    public static final int DEFAULT_HEIGHT = 600;

    private TrainingPlot() {}

    /** Reads a metrics file and writes its plot (atomically). */
    public static void write(Path metrics, Path png, String title) throws IOException {
        write(TrainingMetrics.read(metrics), png, title, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public static void write(List<Map<String, Object>> lines, Path png, String title, int width, int height)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = chart(lines, title);
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    static JFreeChart chart(List<Map<String, Object>> lines, String title) {
        XYSeries loss = new XYSeries("training loss (MSE)");
        XYSeries psnr = new XYSeries("validation PSNR-Y (dB)");
        double bicubic = Double.NaN;
        for (Map<String, Object> line : lines) {
            double step = TrainingMetrics.number(line, "step");
            double l = TrainingMetrics.number(line, "loss");
            if (l > 0) loss.add(step, l);
            double p = TrainingMetrics.number(line, "val_psnr");
            if (!Double.isNaN(p)) psnr.add(step, p);
            double b = TrainingMetrics.number(line, "bicubic_psnr");
            if (!Double.isNaN(b)) bicubic = b;
        }
        NumberAxis stepAxis = new NumberAxis("step");
        stepAxis.setAutoRangeIncludesZero(true);
        LogAxis lossAxis = new LogAxis("training loss (MSE, log scale)");
        lossAxis.setAutoRangeMinimumSize(1e-6);
        lossAxis.setSmallestValue(1e-7);
        // three significant digits: on the narrow range of a second cycle, ticks a few per cent apart stay distinct
        lossAxis.setNumberFormatOverride(new DecimalFormat("0.##E0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        stepAxis.setNumberFormatOverride(new DecimalFormat("0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, false);
        lossRenderer.setSeriesPaint(0, new Color(0x1f77b4));
        XYPlot plot = new XYPlot(new XYSeriesCollection(loss), stepAxis, lossAxis, lossRenderer);

        NumberAxis psnrAxis = new NumberAxis("validation PSNR-Y (dB)");
        psnrAxis.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(1, psnrAxis);
        plot.setDataset(1, new XYSeriesCollection(psnr));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer psnrRenderer = new XYLineAndShapeRenderer(true, true);
        psnrRenderer.setSeriesPaint(0, new Color(0xd62728));
        plot.setRenderer(1, psnrRenderer);
        if (!Double.isNaN(bicubic)) {
            ValueMarker marker = new ValueMarker(bicubic, new Color(0x2ca02c), new BasicStroke(2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setAlpha(1f);
            marker.setLabel(String.format(Locale.ROOT, "bicubic %.3f dB", bicubic));
            marker.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
            marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addRangeMarker(1, marker, org.jfree.chart.ui.Layer.FOREGROUND);
            // the baseline stays in view even when the model is far above it
            if (psnr.getItemCount() > 0) {
                double lo = Math.min(bicubic, psnr.getMinY());
                double hi = Math.max(bicubic, psnr.getMaxY());
                double pad = Math.max(0.05, 0.05 * (hi - lo));
                psnrAxis.setRange(lo - pad, hi + pad);
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }
}
