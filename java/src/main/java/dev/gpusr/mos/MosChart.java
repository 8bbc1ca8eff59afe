package dev.gpusr.mos;

import dev.gpusr.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/**
 * The MOS per method as a bar chart with 95% confidence-interval error bars (JFreeChart's StatisticalBarRenderer; the
 * interval half-width takes the place of its standard deviation). The value axis is the rating scale, 0 to 5, so
 * bar heights are proportional to the MOS.
 */
public final class MosChart {
    public static final Color BAR = new Color(0x3a6ea5);
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    private MosChart() {}

    public static JFreeChart chart(MosReport report) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (Map.Entry<String, MosStatistics.Summary> e : report.result().methods().entrySet()) {
            MosStatistics.Summary s = e.getValue();
            data.add(s.mean(), Double.isNaN(s.halfWidth()) ? 0 : s.halfWidth(), "MOS",
                    e.getKey() + " (n=" + s.n() + ")");
        }
        CategoryAxis methods = new CategoryAxis("method");
        NumberAxis scores = new NumberAxis("MOS (1 bad ... 5 excellent), 95% CI");
        scores.setRange(0, 5);
        scores.setTickUnit(new NumberTickUnit(1));
        StatisticalBarRenderer bars = new StatisticalBarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, BAR);
        bars.setErrorIndicatorPaint(Color.BLACK);
        bars.setErrorIndicatorStroke(new BasicStroke(2f));
        bars.setMaximumBarWidth(0.15);
        CategoryPlot plot = new CategoryPlot(data, methods, scores, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        String title = String.format(java.util.Locale.ROOT, "Mean opinion score, x%d (%d raters kept of %d)",
                report.study().scale(), report.result().keptRaters(), report.result().raters().size());
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    public static BufferedImage render(MosReport report) {
        return chart(report).createBufferedImage(WIDTH, HEIGHT);
    }

    /** Writes the chart as PNG, atomically. */
    public static void write(MosReport report, Path png) throws IOException {
        JFreeChart chart = chart(report);
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }
}
