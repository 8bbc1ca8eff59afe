package dev.gpusr.image;

import dev.gpusr.util.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Puts an ICC profile into an encoded PNG, JPEG or TIFF, whatever encoder made it: the profile is spliced into the
 * file's own structure (PNG iCCP chunk after IHDR; JPEG APP2 ICC_PROFILE segments after SOI/APP0; TIFF tag 34675 in
 * a rewritten first directory). Samples are never touched. BMP carries no profile (dropped).
 */
public final class IccEmbedding {
    /** Profile bytes per JPEG APP2 segment: 65535 - 2 (length) - 12 ("ICC_PROFILE\0") - 2 (sequence, count). */
    static final int JPEG_CHUNK = 65519;
    private static final int TIFF_ICC_PROFILE = 34675;

    private IccEmbedding() {}

    /**
     * Wraps an encoder so its output carries {@code icc}; the encoder itself when there is no profile or the format
     * holds none. The wrapped encoder's output is buffered in memory (the splice needs the whole file).
     */
    public static AtomicFiles.Writer wrap(AtomicFiles.Writer encoder, ImageFormat format, byte[] icc) {
        if (icc == null || format == ImageFormat.BMP) return encoder;
        return out -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            encoder.write(buffer);
            out.write(embed(buffer.toByteArray(), format, icc));
        };
    }

    /** The encoded file with the profile embedded (any profile it had replaced). */
    public static byte[] embed(byte[] encoded, ImageFormat format, byte[] icc) throws IOException {
        return switch (format) {
            case PNG -> png(encoded, icc);
            case JPG -> jpeg(encoded, icc);
            case TIFF -> tiff(encoded, icc);
            case BMP -> encoded;
        };
    }

    static byte[] png(byte[] png, byte[] icc) throws IOException {
        if (png.length < 33 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            throw new IOException("not a PNG starting with IHDR");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + icc.length + 64);
        out.write(png, 0, 33); // signature + IHDR
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write("ICC profile".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0); // name terminator
        data.write(0); // compression method: zlib
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(icc);
        d.finish();
        byte[] buf = new byte[8192];
        while (!d.finished()) data.write(buf, 0, d.deflate(buf));
        d.end();
        writeChunk(out, "iCCP", data.toByteArray());
        int pos = 33;
        while (pos + 12 <= png.length) {
            int length = ByteBuffer.wrap(png, pos, 4).getInt();
            if (length < 0 || pos + 12L + length > png.length) throw new IOException("corrupt PNG chunk at " + pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            // iCCP and sRGB must not both be present; an older profile is replaced.
            if (!type.equals("iCCP") && !type.equals("sRGB")) out.write(png, pos, 12 + length);
            pos += 12 + length;
        }
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    static byte[] jpeg(byte[] jpg, byte[] icc) throws IOException {
        if (jpg.length < 4 || (jpg[0] & 0xFF) != 0xFF || (jpg[1] & 0xFF) != 0xD8) throw new IOException("not a JPEG");
        int chunks = (icc.length + JPEG_CHUNK - 1) / JPEG_CHUNK;
        if (chunks > 255) throw new IOException("ICC profile of " + icc.length + " bytes is too large for JPEG");
        // After SOI and any APP0 (JFIF must come first); drop ICC_PROFILE segments already there.
        List<int[]> drops = new ArrayList<>();
        int pos = 2;
        int insertAt = 2;
        boolean inApp0 = true;
        while (pos + 4 <= jpg.length && (jpg[pos] & 0xFF) == 0xFF) {
            int marker = jpg[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) break;
            int length = (jpg[pos + 2] & 0xFF) << 8 | (jpg[pos + 3] & 0xFF);
            if (length < 2 || pos + 2 + length > jpg.length) throw new IOException("corrupt JPEG segment at " + pos);
            boolean icc0 = marker == 0xE2 && length >= 16 && new String(jpg, pos + 4, 12, StandardCharsets.ISO_8859_1)
                    .equals("ICC_PROFILE\0");
            if (icc0) drops.add(new int[] {pos, 2 + length});
            if (inApp0 && marker == 0xE0) insertAt = pos + 2 + length;
            else inApp0 = false;
            pos += 2 + length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpg.length + icc.length + 18 * chunks);
        out.write(jpg, 0, insertAt);
        for (int i = 0; i < chunks; i++) {
            int from = i * JPEG_CHUNK, n = Math.min(JPEG_CHUNK, icc.length - from);
            int length = 2 + 12 + 2 + n;
            out.write(0xFF);
            out.write(0xE2);
            out.write(length >> 8);
            out.write(length & 0xFF);
            out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
            out.write(i + 1);
            out.write(chunks);
            out.write(icc, from, n);
        }
        int at = insertAt;
        for (int[] drop : drops) {
            out.write(jpg, at, drop[0] - at);
            at = drop[0] + drop[1];
        }
        out.write(jpg, at, jpg.length - at);
        return out.toByteArray();
    }

    static byte[] tiff(byte[] tif, byte[] icc) throws IOException {
        if (tif.length < 8) throw new IOException("not a TIFF");
        ByteOrder order;
        if (tif[0] == 'I' && tif[1] == 'I') order = ByteOrder.LITTLE_ENDIAN;
        else if (tif[0] == 'M' && tif[1] == 'M') order = ByteOrder.BIG_ENDIAN;
        else throw new IOException("not a TIFF");
        ByteBuffer in = ByteBuffer.wrap(tif).order(order);
        if (in.getShort(2) != 42) throw new IOException("not a classic TIFF (BigTIFF is not supported)");
        long ifd = in.getInt(4) & 0xFFFFFFFFL;
        if (ifd < 8 || ifd + 2 > tif.length) throw new IOException("corrupt TIFF: first directory at " + ifd);
        int count = in.getShort((int) ifd) & 0xFFFF;
        if (ifd + 2 + 12L * count + 4 > tif.length) throw new IOException("corrupt TIFF: directory past the end");
        long next = in.getInt((int) (ifd + 2 + 12L * count)) & 0xFFFFFFFFL;

        long profileAt = align(tif.length);
        long newIfd = align(profileAt + icc.length);
        if (newIfd + 2 + 12L * (count + 1) + 4 > 0xFFFFFFFFL) throw new IOException("TIFF too large to add a profile");
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int e = (int) (ifd + 2 + 12L * i);
            if ((in.getShort(e) & 0xFFFF) == TIFF_ICC_PROFILE) continue;
            byte[] entry = new byte[12];
            System.arraycopy(tif, e, entry, 0, 12);
            entries.add(entry);
        }
        ByteBuffer iccEntry = ByteBuffer.allocate(12).order(order);
        iccEntry.putShort((short) TIFF_ICC_PROFILE).putShort((short) 7).putInt(icc.length).putInt((int) profileAt);
        int insert = 0;
        while (insert < entries.size()
                && (ByteBuffer.wrap(entries.get(insert)).order(order).getShort(0) & 0xFFFF) < TIFF_ICC_PROFILE) {
            insert++;
        }
        entries.add(insert, iccEntry.array());

        ByteBuffer out = ByteBuffer.allocate((int) (newIfd + 2 + 12L * entries.size() + 4)).order(order);
        out.put(tif);
        out.putInt(4, (int) newIfd);
        out.position((int) profileAt);
        out.put(icc);
        out.position((int) newIfd);
        out.putShort((short) entries.size());
        for (byte[] e : entries) out.put(e);
        out.putInt((int) next);
        return out.array();
    }

    private static long align(long offset) {
        return (offset + 1) & ~1L; // TIFF offsets are word-aligned
    }
}
