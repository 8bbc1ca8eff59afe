package dev.gpusr.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/** {@link Pixels} as a BufferedImage for the encoders (8-bit samples are wrapped, not copied, when kept whole). */
public final class PixelImages {
    private PixelImages() {}

    /**
     * The samples as gray or sRGB; with {@code deep} false (JPEG, BMP) alpha is dropped and 16-bit samples are
     * reduced to 8 bits with {@link Samples#quantize} of v / 65535.
     */
    public static BufferedImage toBufferedImage(Pixels p, boolean deep) {
        boolean alpha = deep && p.hasAlpha();
        int bands = p.colourChannels() + (alpha ? 1 : 0);
        boolean sixteen = deep && p.bitDepth() == 16;
        int w = p.width(), h = p.height();
        int n = w * h;
        DataBuffer buffer;
        if (sixteen) {
            short[] d = new short[n * bands];
            byte[] s = p.samples();
            for (int i = 0, o = 0; i < n; i++) {
                for (int c = 0; c < bands; c++, o++) {
                    int j = (i * p.channels() + c) * 2;
                    d[o] = (short) ((s[j] & 0xFF) | (s[j + 1] & 0xFF) << 8);
                }
            }
            buffer = new DataBufferUShort(d, d.length);
        } else if (p.bitDepth() == 8 && bands == p.channels()) {
            buffer = new DataBufferByte(p.samples(), p.samples().length);
        } else {
            byte[] d = new byte[n * bands];
            for (int i = 0, o = 0; i < n; i++) {
                for (int c = 0; c < bands; c++, o++) {
                    int v = sampleAt(p, i * p.channels() + c);
                    d[o] = (byte) (p.bitDepth() == 16 ? Samples.quantize(Samples.toUnit(v, 65535), 255) : v);
                }
            }
            buffer = new DataBufferByte(d, d.length);
        }
        ColorSpace space = ColorSpace.getInstance(p.isGray() ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(space, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                sixteen ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        int[] offsets = new int[bands];
        for (int c = 0; c < bands; c++) offsets[c] = c;
        PixelInterleavedSampleModel sm = new PixelInterleavedSampleModel(buffer.getDataType(), w, h, bands, w * bands,
                offsets);
        WritableRaster raster = Raster.createWritableRaster(sm, buffer, new Point(0, 0));
        return new BufferedImage(cm, raster, false, null);
    }

    private static int sampleAt(Pixels p, int index) {
        byte[] s = p.samples();
        if (p.bitDepth() == 8) return s[index] & 0xFF;
        return (s[2 * index] & 0xFF) | (s[2 * index + 1] & 0xFF) << 8;
    }

    /** A float image as samples of its bit depth, rounded with {@link Samples#quantize} (what writing it does). */
    public static Pixels toPixels(Image img) {
        int colours = img.planes().length;
        int channels = colours + (img.alpha() != null ? 1 : 0);
        Pixels p = Pixels.allocate(img.width(), img.height(), channels, img.bitDepth(), null);
        int max = p.maxValue();
        for (int y = 0, i = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++, i++) {
                for (int c = 0; c < colours; c++) p.setSample(x, y, c, Samples.quantize(img.planes()[c][i], max));
                if (img.alpha() != null) p.setSample(x, y, colours, Samples.quantize(img.alpha()[i], max));
            }
        }
        return p;
    }

    /** Samples as a float image: v / max per plane, as the float reader gives them. */
    public static Image toImage(Pixels p) {
        int colours = p.colourChannels(), n = p.width() * p.height();
        float[][] planes = new float[colours][n];
        float[] alpha = p.hasAlpha() ? new float[n] : null;
        int max = p.maxValue();
        for (int y = 0, i = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++, i++) {
                for (int c = 0; c < colours; c++) planes[c][i] = Samples.toUnit(p.sample(x, y, c), max);
                if (alpha != null) alpha[i] = Samples.toUnit(p.sample(x, y, colours), max);
            }
        }
        return new Image(p.width(), p.height(), planes, alpha, p.bitDepth());
    }
}
