package dev.gpusr.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpusr.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MATLAB rgb2ycbcr against golden values, and the inverse against SPEC's coefficients and by round trip. */
class ColorConversionTest {
    static double[][] goldenRgb;
    static double[][] goldenYcbcr;

    @BeforeAll
    static void loadGolden() throws Exception {
        Path ref = Path.of(ColorConversionTest.class.getResource("/golden/reference.json").toURI());
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(ref));
        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) root.get("rgb2ycbcr");
        goldenRgb = table(section.get("rgb"));
        goldenYcbcr = table(section.get("ycbcr_unrounded"));
        assertEquals(12, goldenRgb.length);
        assertEquals(12, goldenYcbcr.length);
    }

    private static double[][] table(Object json) {
        List<?> rows = (List<?>) json;
        double[][] t = new double[rows.size()][];
        for (int i = 0; i < t.length; i++) {
            List<?> row = (List<?>) rows.get(i);
            t[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) t[i][j] = ((Number) row.get(j)).doubleValue();
        }
        return t;
    }

    /** Golden RGB triplets as [0, 1] planes. */
    private static float[][] goldenRgbPlanes() {
        float[][] p = new float[3][goldenRgb.length];
        for (int i = 0; i < goldenRgb.length; i++) for (int c = 0; c < 3; c++) p[c][i] = (float) (goldenRgb[i][c] / 255);
        return p;
    }

    @Test
    void doubleMatchesMatlabGolden() {
        for (int i = 0; i < goldenRgb.length; i++) {
            double[] rgb = goldenRgb[i];
            double[] ycc = ColorConversion.rgbToYcbcr(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
            for (int c = 0; c < 3; c++) assertEquals(goldenYcbcr[i][c], ycc[c] * 255, 1e-9, "triplet " + i + " channel " + c);
        }
    }

    @Test
    void floatPlanesMatchMatlabGolden() {
        float[][] ycc = ColorConversion.rgbToYcbcr(goldenRgbPlanes());
        float[] luma = ColorConversion.luma(goldenRgbPlanes());
        for (int i = 0; i < goldenRgb.length; i++) {
            for (int c = 0; c < 3; c++) assertEquals(goldenYcbcr[i][c] / 255, ycc[c][i], 1e-6, "triplet " + i + " channel " + c);
        }
        assertArrayEquals(ycc[0], luma, "luma is exactly the Y plane");
    }

    @Test
    void inverseOfGoldenGivesBackRgb() {
        for (int i = 0; i < goldenRgb.length; i++) {
            double[] y = goldenYcbcr[i];
            double[] rgb = ColorConversion.ycbcrToRgb(y[0] / 255, y[1] / 255, y[2] / 255);
            for (int c = 0; c < 3; c++) assertEquals(goldenRgb[i][c], rgb[c] * 255, 1e-9, "triplet " + i);
        }
        float[][] planes = new float[3][goldenRgb.length];
        for (int i = 0; i < goldenRgb.length; i++) for (int c = 0; c < 3; c++) planes[c][i] = (float) (goldenYcbcr[i][c] / 255);
        float[][] rgb = ColorConversion.ycbcrToRgb(planes);
        for (int i = 0; i < goldenRgb.length; i++) {
            for (int c = 0; c < 3; c++) assertEquals(goldenRgb[i][c] / 255, rgb[c][i], 2e-6, "triplet " + i);
        }
    }

    @Test
    void inverseMatrixAgreesWithSpecCoefficients() {
        // SPEC: R = 1.164384 (Y-16) + 1.596027 (Cr-128); G = 1.164384 (Y-16) - 0.391763 (Cb-128) - 0.812968 (Cr-128);
        // B = 1.164384 (Y-16) + 2.017233 (Cb-128). Rounded to 6 decimals; the exact inverse has 3e-6 where SPEC has 0.
        double[][] spec = {
            {1.164384, 0, 1.596027},
            {1.164384, -0.391763, -0.812968},
            {1.164384, 2.017233, 0},
        };
        double[][] m = ColorConversion.ycbcrToRgbMatrix();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(spec[i][j], m[i][j], 5e-6, "entry " + i + "," + j);
    }

    @Test
    void roundTripsAreExact() {
        Random rnd = new Random(11);
        for (int k = 0; k < 1000; k++) {
            double r = rnd.nextDouble(), g = rnd.nextDouble(), b = rnd.nextDouble();
            double[] ycc = ColorConversion.rgbToYcbcr(r, g, b);
            double[] back = ColorConversion.ycbcrToRgb(ycc[0], ycc[1], ycc[2]);
            assertEquals(r, back[0], 1e-14);
            assertEquals(g, back[1], 1e-14);
            assertEquals(b, back[2], 1e-14);
        }
        int n = 4096;
        float[][] rgb = new float[3][n];
        for (int c = 0; c < 3; c++) for (int i = 0; i < n; i++) rgb[c][i] = rnd.nextFloat();
        float[][] back = ColorConversion.ycbcrToRgb(ColorConversion.rgbToYcbcr(rgb));
        for (int c = 0; c < 3; c++) assertArrayEquals(rgb[c], back[c], 1e-6f);
        // 8-bit levels survive the float round trip exactly after rounding.
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) assertEquals(Math.round(rgb[c][i] * 255), Math.round(back[c][i] * 255));
        }
    }

    @Test
    void imageHelpersKeepAlphaAndDepth() {
        float[][] rgb = goldenRgbPlanes();
        float[] alpha = new float[12];
        alpha[3] = 0.5f;
        Image img = new Image(4, 3, rgb, alpha, 16);
        Image ycc = ColorConversion.toYcbcr(img);
        assertArrayEquals(ColorConversion.rgbToYcbcr(rgb)[2], ycc.planes()[2]);
        Image back = ColorConversion.fromYcbcr(ycc);
        assertEquals(16, back.bitDepth());
        assertArrayEquals(alpha, back.alpha());
        for (int c = 0; c < 3; c++) assertArrayEquals(rgb[c], back.planes()[c], 1e-6f);
        Image gray = new Image(4, 3, new float[][] {rgb[0]}, null, 8);
        assertThrows(IllegalArgumentException.class, () -> ColorConversion.toYcbcr(gray));
        assertThrows(IllegalArgumentException.class, () -> ColorConversion.luma(new float[][] {rgb[0]}));
    }
}
