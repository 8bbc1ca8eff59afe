package dev.gpusr.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for tests, independent of ImageIO's writer, so every colour type and bit depth the PNG
 * standard allows can be produced exactly (ImageIO's writer picks its own layout).
 */
final class PngBytes {
    static final int GRAY = 0, RGB = 2, PALETTE = 3, GRAY_ALPHA = 4, RGBA = 6;

    private PngBytes() {}

    /**
     * samples: channel values of each pixel, interleaved, row-major (palette: indices). plte: RGB triplets or null;
     * trns: raw tRNS chunk data or null.
     */
    static byte[] encode(int w, int h, int bitDepth, int colorType, int[] samples, byte[] plte, byte[] trns) {
        int channels = switch (colorType) {
            case GRAY, PALETTE -> 1;
            case GRAY_ALPHA -> 2;
            case RGB -> 3;
            case RGBA -> 4;
            default -> throw new IllegalArgumentException("colour type " + colorType);
        };
        if (samples.length != w * h * channels) throw new IllegalArgumentException("sample count");
        int rowBytes = (w * channels * bitDepth + 7) / 8;
        byte[] raw = new byte[h * (1 + rowBytes)];
        for (int y = 0; y < h; y++) {
            int rowStart = y * (1 + rowBytes) + 1; // filter byte 0 (None) before each row
            long bitPos = 0;
            for (int i = 0; i < w * channels; i++) {
                int v = samples[y * w * channels + i];
                if (v < 0 || v >= (1 << bitDepth)) throw new IllegalArgumentException("sample " + v);
                if (bitDepth == 16) {
                    raw[rowStart + 2 * i] = (byte) (v >> 8);
                    raw[rowStart + 2 * i + 1] = (byte) v;
                } else {
                    int byteIndex = rowStart + (int) (bitPos / 8);
                    int shift = 8 - bitDepth - (int) (bitPos % 8);
                    raw[byteIndex] |= (byte) (v << shift);
                    bitPos += bitDepth;
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(w, h, bitDepth, colorType));
        if (plte != null) out.writeBytes(chunk("PLTE", plte));
        if (trns != null) out.writeBytes(chunk("tRNS", trns));
        out.writeBytes(chunk("IDAT", deflate(raw)));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** Signature and IHDR only: all a reader needs to know the size. */
    static byte[] header(int w, int h, int bitDepth, int colorType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = (byte) bitDepth;
        ihdr[9] = (byte) colorType;
        out.writeBytes(chunk("IHDR", ihdr));
        return out.toByteArray();
    }

    static byte[] chunk(String type, byte[] data) {
        byte[] c = new byte[12 + data.length];
        putInt(c, 0, data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, c, 4, 4);
        System.arraycopy(data, 0, c, 8, data.length);
        CRC32 crc = new CRC32();
        crc.update(c, 4, 4 + data.length);
        putInt(c, 8 + data.length, (int) crc.getValue());
        return c;
    }

    static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
