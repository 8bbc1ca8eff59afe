package dev.gpusr.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes {@link Pixels} as a PNG: IHDR, iCCP when the pixels carry an ICC profile, IDAT compressed at a chosen
 * level 0-9 by a {@link PngCodec} (native libdeflate, or java.util.zip's zlib with the FILTERED strategy), IEND. Each row gets the PNG filter (None, Sub, Up or Paeth)
 * whose output has the smallest sum of absolute values taken as signed bytes -- the heuristic of libpng and Pillow --
 * which is what makes photographs compact (ImageIO's writer gives files about twice as large). Like Pillow, the
 * Average filter is not tried: it almost never wins on photographs and costs a pass per row.
 *
 * <p>Gray, gray+alpha, RGB and RGBA at 8 or 16 bits map to PNG colour types 0, 4, 2 and 6; 16-bit samples (held
 * little-endian in Pixels) are written big-endian as PNG requires. Not interlaced.
 *
 * <p>An encoder holds a deflater and row buffers and is meant to be reused, by one thread at a time (one per encoder
 * thread); {@link #close()} frees the deflater's native memory. Output is deterministic: the same pixels, level and
 * codec give the same bytes. {@link #write(Pixels, OutputStream, int)} is the
 * one-shot form.
 */
public final class PngEncoder implements AutoCloseable {
    /** The default compression level: zlib's default, as Pillow's and libpng's. */
    public static final int DEFAULT_COMPRESSION = 6;

    /** Compressed bytes per IDAT chunk (any size is valid; this keeps the output buffer small). */
    private static final int IDAT_SIZE = 1 << 17;
    /** Filtered bytes handed to the deflater at once. */
    private static final int STAGING_SIZE = 1 << 17;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    /** The name written in iCCP (any 1-79 Latin-1 characters; this is what ImageIO's and Pillow's writers use). */
    private static final byte[] ICC_NAME = "ICC Profile".getBytes(StandardCharsets.ISO_8859_1);

    private static final int NONE = 0, SUB = 1, UP = 2, PAETH = 4;

    private final int level;
    private final int forcedFilter;
    private final PngCodec codec;
    private final PngDeflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] idat = new byte[IDAT_SIZE];
    private final byte[] staging = new byte[STAGING_SIZE];
    private byte[][] filtered = new byte[5][0];
    private byte[] rowA = new byte[0], rowB = new byte[0];
    private int stagingFill;

    /**
     * An encoder at the given level, 0 (stored) to 9 (smallest), with {@link PngCodec#AUTO} (libdeflate when loaded;
     * else java.util.zip, the first such encoder of the JVM saying why on System.err).
     */
    public PngEncoder(int level) {
        this(level, PngCodec.AUTO);
    }

    /** An encoder at the given level with the given codec (AUTO as in {@link #PngEncoder(int)}). */
    public PngEncoder(int level, PngCodec codec) {
        this(level, codec, -1);
    }

    /** For tests: every row with the given filter type (0 None, 1 Sub, 2 Up, 4 Paeth), or -1 adaptive. */
    PngEncoder(int level, PngCodec codec, int forcedFilter) {
        if (level < 0 || level > 9) throw new IllegalArgumentException("PNG compression must be 0 to 9, got " + level);
        if (forcedFilter < -1 || forcedFilter > PAETH || forcedFilter == 3) {
            throw new IllegalArgumentException("filter " + forcedFilter);
        }
        this.level = level;
        this.forcedFilter = forcedFilter;
        this.codec = codec.resolve(System.err::println);
        this.deflater = PngDeflater.open(this.codec, level);
    }

    public PngEncoder() {
        this(DEFAULT_COMPRESSION);
    }

    /** The codec this encoder compresses with (never AUTO). */
    public PngCodec codec() {
        return codec;
    }

    public int level() {
        return level;
    }

    /** Encodes once with a throwaway encoder ({@link PngCodec#AUTO}). */
    public static void write(Pixels pixels, OutputStream out, int level) throws IOException {
        write(pixels, out, level, PngCodec.AUTO);
    }

    /** Encodes once with a throwaway encoder. */
    public static void write(Pixels pixels, OutputStream out, int level, PngCodec codec) throws IOException {
        try (PngEncoder encoder = new PngEncoder(level, codec)) {
            encoder.encode(pixels, out);
        }
    }

    /** Writes the whole PNG to out (not closed, not flushed beyond what its writes do). */
    public void encode(Pixels px, OutputStream out) throws IOException {
        int bps = px.bytesPerSample();
        int unit = px.channels() * bps; // the filter's "bytes per complete pixel"
        long rowLong = (long) px.width() * unit;
        if (rowLong + 1 > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("row too long for PNG: " + px);
        int rowLen = (int) rowLong;
        ensureBuffers(rowLen, bps == 2);

        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, px.width());
        putInt(ihdr, 4, px.height());
        ihdr[8] = (byte) px.bitDepth();
        ihdr[9] = (byte) colourType(px.channels());
        // compression 0, filter method 0, interlace 0
        writeChunk(out, "IHDR", ihdr, ihdr.length);
        byte[] icc = px.iccProfile();
        if (icc != null && iccMatches(icc, px.isGray())) writeChunk(out, "iCCP", iccChunk(icc), -1);

        deflater.reset();
        stagingFill = 0;
        idatFill = 0;
        byte[] samples = px.samples();
        byte[] prev = null;
        int prevOff = 0;
        for (int y = 0; y < px.height(); y++) {
            byte[] cur;
            int curOff;
            long start = (long) y * rowLen;
            if (bps == 1) {
                cur = samples;
                curOff = (int) start;
            } else {
                cur = (y & 1) == 0 ? rowA : rowB;
                curOff = 0;
                swapToBigEndian(samples, (int) start, cur, rowLen);
            }
            byte[] best = filterRow(cur, curOff, prev, prevOff, rowLen, unit);
            stage(out, best, rowLen + 1);
            prev = cur;
            prevOff = curOff;
        }
        if (stagingFill > 0) feed(out, staging, stagingFill);
        deflater.finish();
        while (!deflater.finished()) drain(out);
        if (idatFill > 0) flushIdat(out);
        writeChunk(out, "IEND", idat, 0);
    }

    @Override
    public void close() {
        deflater.close();
    }

    static int colourType(int channels) {
        return switch (channels) {
            case 1 -> 0;
            case 2 -> 4;
            case 3 -> 2;
            case 4 -> 6;
            default -> throw new IllegalArgumentException("1 to 4 channels, got " + channels);
        };
    }

    /**
     * PNG allows only a GRAY profile on gray images and an RGB one on colour images; a profile that does not match
     * (or is too short to say) is left out, since readers reject the file or ignore the chunk.
     */
    static boolean iccMatches(byte[] icc, boolean gray) {
        if (icc.length < 20) return false;
        String space = new String(icc, 16, 4, StandardCharsets.ISO_8859_1);
        return gray ? space.equals("GRAY") : space.equals("RGB ");
    }

    private byte[] iccChunk(byte[] icc) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(icc);
            d.finish();
            byte[] buf = new byte[icc.length + 64];
            int n = ICC_NAME.length + 2;
            byte[] data = new byte[n + buf.length];
            System.arraycopy(ICC_NAME, 0, data, 0, ICC_NAME.length);
            // data[len] = 0 (name terminator), data[len + 1] = 0 (compression method: zlib)
            while (!d.finished()) {
                if (n == data.length) data = java.util.Arrays.copyOf(data, data.length * 2);
                n += d.deflate(data, n, data.length - n);
            }
            return java.util.Arrays.copyOf(data, n);
        } finally {
            d.end();
        }
    }

    private void ensureBuffers(int rowLen, boolean sixteen) {
        if (filtered[0].length < rowLen + 1) {
            for (int f = 0; f < 5; f++) filtered[f] = new byte[rowLen + 1];
            for (int f = 0; f < 5; f++) filtered[f][0] = (byte) f;
        }
        if (sixteen && rowA.length < rowLen) {
            rowA = new byte[rowLen];
            rowB = new byte[rowLen];
        }
    }

    private static void swapToBigEndian(byte[] src, int off, byte[] dst, int len) {
        for (int i = 0; i < len; i += 2) {
            dst[i] = src[off + i + 1];
            dst[i + 1] = src[off + i];
        }
    }

    /**
     * Filters one row each way, abandoning a filter as soon as its sum passes the best so far, and returns the buffer
     * (filter type byte first) with the smallest sum of |signed byte|; ties go to the simpler filter.
     */
    private byte[] filterRow(byte[] cur, int co, byte[] prev, int po, int len, int bpp) {
        if (forcedFilter >= 0) return forced(cur, co, prev, po, len, bpp);
        // None: the sum of the raw bytes decides whether it wins; its buffer is filled only then.
        long bestSum = 0;
        for (int i = 0; i < len; i++) bestSum += Math.abs((int) cur[co + i]);
        int best = NONE;
        long s = sub(cur, co, len, bpp, filtered[SUB], bestSum);
        if (s < bestSum) {
            bestSum = s;
            best = SUB;
        }
        if (prev != null) {
            s = up(cur, co, prev, po, len, filtered[UP], bestSum);
            if (s < bestSum) {
                bestSum = s;
                best = UP;
            }
            s = paeth(cur, co, prev, po, len, bpp, filtered[PAETH], bestSum);
            if (s < bestSum) {
                best = PAETH;
            }
        }
        // Without a previous row Up = None and Paeth = Sub.
        if (best == NONE) System.arraycopy(cur, co, filtered[NONE], 1, len);
        return filtered[best];
    }

    private byte[] forced(byte[] cur, int co, byte[] prev, int po, int len, int bpp) {
        if (forcedFilter == NONE || (prev == null && forcedFilter == UP)) {
            System.arraycopy(cur, co, filtered[NONE], 1, len);
            return filtered[NONE];
        }
        if (forcedFilter == SUB || prev == null) { // Paeth on the first row is Sub
            sub(cur, co, len, bpp, filtered[SUB], Long.MAX_VALUE);
            return filtered[SUB];
        }
        if (forcedFilter == UP) {
            up(cur, co, prev, po, len, filtered[UP], Long.MAX_VALUE);
            return filtered[UP];
        }
        paeth(cur, co, prev, po, len, bpp, filtered[PAETH], Long.MAX_VALUE);
        return filtered[PAETH];
    }

    // Each filter writes its bytes after the type byte and stops (returning a sum >= limit) once past limit.

    private static long sub(byte[] cur, int co, int len, int bpp, byte[] out, long limit) {
        long sum = 0;
        int n = Math.min(bpp, len);
        for (int i = 0; i < n; i++) {
            byte v = cur[co + i];
            out[1 + i] = v;
            sum += Math.abs((int) v);
        }
        for (int i = bpp; i < len; i++) {
            byte v = (byte) (cur[co + i] - cur[co + i - bpp]);
            out[1 + i] = v;
            sum += Math.abs((int) v);
            if ((i & 255) == 0 && sum >= limit) return sum;
        }
        return sum;
    }

    private static long up(byte[] cur, int co, byte[] prev, int po, int len, byte[] out, long limit) {
        long sum = 0;
        for (int i = 0; i < len; i++) {
            byte v = (byte) (cur[co + i] - prev[po + i]);
            out[1 + i] = v;
            sum += Math.abs((int) v);
            if ((i & 255) == 0 && sum >= limit) return sum;
        }
        return sum;
    }

    private static long paeth(byte[] cur, int co, byte[] prev, int po, int len, int bpp, byte[] out, long limit) {
        long sum = 0;
        int n = Math.min(bpp, len);
        for (int i = 0; i < n; i++) { // a = c = 0: the predictor is b
            byte v = (byte) (cur[co + i] - prev[po + i]);
            out[1 + i] = v;
            sum += Math.abs((int) v);
        }
        for (int i = bpp; i < len; i++) {
            int a = cur[co + i - bpp] & 0xFF, b = prev[po + i] & 0xFF, c = prev[po + i - bpp] & 0xFF;
            int pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - c - c);
            int pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
            byte v = (byte) (cur[co + i] - pred);
            out[1 + i] = v;
            sum += Math.abs((int) v);
            if ((i & 255) == 0 && sum >= limit) return sum;
        }
        return sum;
    }

    private void stage(OutputStream out, byte[] row, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int n = Math.min(len - off, STAGING_SIZE - stagingFill);
            System.arraycopy(row, off, staging, stagingFill, n);
            stagingFill += n;
            off += n;
            if (stagingFill == STAGING_SIZE) {
                feed(out, staging, stagingFill);
                stagingFill = 0;
            }
        }
    }

    private void feed(OutputStream out, byte[] buf, int len) throws IOException {
        deflater.setInput(buf, 0, len);
        while (!deflater.needsInput()) drain(out);
    }

    private int idatFill;

    private void drain(OutputStream out) throws IOException {
        idatFill += deflater.deflate(idat, idatFill, IDAT_SIZE - idatFill);
        if (idatFill == IDAT_SIZE) flushIdat(out);
    }

    private void flushIdat(OutputStream out) throws IOException {
        writeChunk(out, "IDAT", idat, idatFill);
        idatFill = 0;
    }

    /** length, type, data, CRC32 of type + data; len -1: all of data. */
    private void writeChunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        if (len < 0) len = data.length;
        byte[] head = new byte[8];
        putInt(head, 0, len);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte) type.charAt(i);
        crc.reset();
        crc.update(head, 4, 4);
        crc.update(data, 0, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head);
        out.write(data, 0, len);
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
