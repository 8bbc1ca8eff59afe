package dev.gpusr.image;

import java.awt.Transparency;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/** A decoded BufferedImage's Raster as {@link Pixels}: the samples as stored, without float planes. */
final class RasterSamples {
    private RasterSamples() {}

    /** A palette as lookup tables; indices past its end (corrupt files) read as opaque black. */
    record Palette(int[] r, int[] g, int[] b, int[] a, boolean gray, boolean hasAlpha) {
        static Palette of(IndexColorModel icm) {
            int entries = Math.max(icm.getMapSize(), 1 << Math.min(icm.getPixelSize(), 16));
            int size = icm.getMapSize();
            int[] r = new int[entries], g = new int[entries], b = new int[entries], a = new int[entries];
            boolean gray = true;
            for (int i = 0; i < entries; i++) {
                if (i < size) {
                    r[i] = icm.getRed(i);
                    g[i] = icm.getGreen(i);
                    b[i] = icm.getBlue(i);
                    a[i] = icm.getAlpha(i);
                    gray &= r[i] == g[i] && g[i] == b[i];
                } else {
                    a[i] = 255;
                }
            }
            return new Palette(r, g, b, a, gray, icm.getTransparency() != Transparency.OPAQUE);
        }
    }

    static Pixels toPixels(BufferedImage image) throws ImageException {
        ColorModel cm = image.getColorModel();
        int w = image.getWidth(), h = image.getHeight();
        if (cm instanceof IndexColorModel icm) return fromPalette(image.getRaster(), Palette.of(icm));
        int maxBits = ImageReader.checkComponents(image);
        int colours = cm.getNumColorComponents();
        int channels = colours + (cm.hasAlpha() ? 1 : 0);
        int depth = maxBits > 8 ? 16 : 8;
        Raster raster = image.getRaster();
        int[] bits = cm.getComponentSize();
        Pixels out = Pixels.allocate(w, h, channels, depth, null);
        if (depth == 8 && maxBits == 8 && copyInterleavedBytes(raster, out.samples(), channels)) return out;
        byte[] s = out.samples();
        int[] row = new int[w];
        int outMax = depth == 16 ? 65535 : 255;
        for (int c = 0; c < channels; c++) {
            int max = (1 << bits[c]) - 1;
            boolean asStored = max == outMax;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, c, row);
                int i = (y * w * channels + c) * (depth / 8);
                int step = channels * (depth / 8);
                for (int x = 0; x < w; x++, i += step) {
                    int v = asStored ? row[x] : Samples.quantize(Samples.toUnit(row[x], max), outMax);
                    s[i] = (byte) v;
                    if (depth == 16) s[i + 1] = (byte) (v >>> 8);
                }
            }
        }
        return out;
    }

    /** The common case of 8-bit samples stored pixel-interleaved in channel order: one copy per row. */
    private static boolean copyInterleavedBytes(Raster raster, byte[] dst, int channels) {
        if (raster.getDataBuffer().getDataType() != DataBuffer.TYPE_BYTE) return false;
        if (!(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)) return false;
        if (raster.getDataBuffer().getNumBanks() != 1 || sm.getPixelStride() != channels) return false;
        int[] offsets = sm.getBandOffsets();
        if (offsets.length != channels) return false;
        for (int c = 0; c < channels; c++) if (offsets[c] != offsets[0] + c) return false;
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        int w = raster.getWidth(), h = raster.getHeight();
        int stride = sm.getScanlineStride();
        int base = raster.getDataBuffer().getOffset() + offsets[0]
                - raster.getSampleModelTranslateY() * stride - raster.getSampleModelTranslateX() * channels;
        int rowBytes = w * channels;
        for (int y = 0; y < h; y++) System.arraycopy(data, base + y * stride, dst, y * rowBytes, rowBytes);
        return true;
    }

    private static Pixels fromPalette(Raster raster, Palette p) {
        int w = raster.getWidth(), h = raster.getHeight();
        int colours = p.gray() ? 1 : 3;
        int channels = colours + (p.hasAlpha() ? 1 : 0);
        Pixels out = Pixels.allocate(w, h, channels, 8, null);
        byte[] s = out.samples();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            int i = y * w * channels;
            for (int x = 0; x < w; x++) {
                int idx = row[x];
                s[i++] = (byte) p.r()[idx];
                if (!p.gray()) {
                    s[i++] = (byte) p.g()[idx];
                    s[i++] = (byte) p.b()[idx];
                }
                if (p.hasAlpha()) s[i++] = (byte) p.a()[idx];
            }
        }
        return out;
    }
}
