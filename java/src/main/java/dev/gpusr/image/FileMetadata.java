package dev.gpusr.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The two pieces of metadata gpu-sr carries from an input file, read straight from its bytes (not through ImageIO,
 * whose readers drop or apply them differently per format): the EXIF orientation (JPEG APP1 Exif, PNG eXIf, TIFF
 * IFD0 tag 274) and the embedded ICC profile (JPEG APP2 ICC_PROFILE chunks, PNG iCCP, TIFF tag 34675).
 *
 * <p>Bounded and defensive: only the structure is walked (segment and chunk headers, one directory), each read is
 * checked against the file size, and anything malformed gives "no orientation" (1) / "no profile" (null), never an
 * exception: a broken EXIF block must not cost the user the image.
 *
 * @param orientation EXIF orientation 1..8 (1: as stored, also when absent or unreadable)
 * @param iccProfile the profile's bytes, or null; only RGB and gray profiles are reported, the ones that describe
 *     the samples gpu-sr reads and writes (a CMYK JPEG is converted to sRGB on reading, so its profile is not carried)
 */
public record FileMetadata(int orientation, byte[] iccProfile) {
    /** Nothing known: orientation 1, no profile. */
    public static final FileMetadata NONE = new FileMetadata(1, null);

    /** ICC profiles are at most 255 JPEG chunks of 65519 bytes; refuse anything larger claimed by a header. */
    static final int MAX_PROFILE_BYTES = 255 * 65519;
    private static final int TIFF_ORIENTATION = 274;
    private static final int TIFF_ICC_PROFILE = 34675;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};
    private static final byte[] ICC_HEADER = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    /** Reads the file's orientation and profile; {@link #NONE} for a file that cannot be read or parsed. */
    public static FileMetadata read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Source s = new Source(ch);
            byte[] head = s.bytes(0, (int) Math.min(8, s.size));
            if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) return jpeg(s);
            if (head.length == 8 && Arrays.equals(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
                return png(s);
            }
            if (head.length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                    || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42))) {
                return tiffFile(s);
            }
            return NONE;
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** Random access to the file with every read checked against its size. */
    private static final class Source {
        final FileChannel ch;
        final long size;

        Source(FileChannel ch) throws IOException {
            this.ch = ch;
            this.size = ch.size();
        }

        byte[] bytes(long pos, int n) throws IOException {
            if (pos < 0 || n < 0 || pos + n > size) throw new IOException("past the end");
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) throw new IOException("past the end");
            }
            return b.array();
        }
    }

    private static FileMetadata jpeg(Source s) throws IOException {
        int orientation = 1;
        boolean exifSeen = false;
        byte[][] chunks = null;
        long pos = 2;
        for (int segments = 0; segments < 10_000 && pos + 4 <= s.size; segments++) {
            byte[] h = s.bytes(pos, 2);
            if ((h[0] & 0xFF) != 0xFF) break; // not a marker: corrupt; keep what was found
            int marker = h[1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) break; // image data starts: metadata comes before it
            byte[] l = s.bytes(pos + 2, 2);
            int length = (l[0] & 0xFF) << 8 | (l[1] & 0xFF);
            if (length < 2) break;
            long payload = pos + 4;
            int n = length - 2;
            if (marker == 0xE1 && !exifSeen && n > EXIF_HEADER.length) {
                byte[] p = s.bytes(payload, n);
                if (startsWith(p, EXIF_HEADER)) {
                    exifSeen = true;
                    orientation = orientationFromTiff(p, EXIF_HEADER.length);
                }
            } else if (marker == 0xE2 && n > ICC_HEADER.length + 2) {
                byte[] p = s.bytes(payload, n);
                if (startsWith(p, ICC_HEADER)) {
                    int seq = p[ICC_HEADER.length] & 0xFF;
                    int count = p[ICC_HEADER.length + 1] & 0xFF;
                    if (chunks == null && count > 0) chunks = new byte[count][];
                    if (chunks != null && count == chunks.length && seq >= 1 && seq <= count && chunks[seq - 1] == null) {
                        chunks[seq - 1] = Arrays.copyOfRange(p, ICC_HEADER.length + 2, p.length);
                    } else {
                        chunks = new byte[0][]; // inconsistent numbering: ignore the profile
                    }
                }
            }
            pos = payload + n;
        }
        return new FileMetadata(orientation, joinChunks(chunks));
    }

    private static byte[] joinChunks(byte[][] chunks) {
        if (chunks == null || chunks.length == 0) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            if (c == null) return null; // a chunk is missing
            out.write(c, 0, c.length);
        }
        return validProfile(out.toByteArray());
    }

    private static FileMetadata png(Source s) throws IOException {
        int orientation = 1;
        byte[] icc = null;
        long pos = 8;
        for (int chunks = 0; chunks < 1_000_000 && pos + 12 <= s.size; chunks++) {
            byte[] h = s.bytes(pos, 8);
            long length = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
            String type = new String(h, 4, 4, StandardCharsets.ISO_8859_1);
            if (length > s.size) break;
            if (type.equals("IEND")) break;
            if (type.equals("eXIf") && length <= 1 << 20) {
                byte[] p = s.bytes(pos + 8, (int) length);
                orientation = orientationFromTiff(p, startsWith(p, EXIF_HEADER) ? EXIF_HEADER.length : 0);
            } else if (type.equals("iCCP") && icc == null && length <= MAX_PROFILE_BYTES) {
                icc = inflateIccp(s.bytes(pos + 8, (int) length));
            }
            pos += 12 + length;
        }
        return new FileMetadata(orientation, icc);
    }

    /** iCCP: profile name (1-79 bytes), NUL, compression method 0, zlib stream. */
    private static byte[] inflateIccp(byte[] p) {
        int nul = -1;
        for (int i = 0; i < Math.min(p.length, 80); i++) {
            if (p[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 1 || nul + 2 > p.length || p[nul + 1] != 0) return null;
        Inflater inf = new Inflater();
        try {
            inf.setInput(p, nul + 2, p.length - nul - 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) return null;
                out.write(buf, 0, n);
                if (out.size() > MAX_PROFILE_BYTES) return null;
            }
            return validProfile(out.toByteArray());
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    private static FileMetadata tiffFile(Source s) throws IOException {
        byte[] head = s.bytes(0, 8);
        boolean le = head[0] == 'I';
        long ifd = u32(head, 4, le);
        if (ifd < 8 || ifd + 2 > s.size) return NONE;
        int count = u16(s.bytes(ifd, 2), 0, le);
        if (count == 0 || ifd + 2 + 12L * count > s.size) return NONE;
        byte[] entries = s.bytes(ifd + 2, 12 * count);
        int orientation = 1;
        byte[] icc = null;
        for (int i = 0; i < count; i++) {
            int e = 12 * i;
            int tag = u16(entries, e, le);
            int type = u16(entries, e + 2, le);
            long n = u32(entries, e + 4, le);
            if (tag == TIFF_ORIENTATION) {
                orientation = shortValue(entries, e, le);
            } else if (tag == TIFF_ICC_PROFILE && (type == 7 || type == 1) && n > 4 && n <= MAX_PROFILE_BYTES) {
                long offset = u32(entries, e + 8, le);
                if (offset + n <= s.size) icc = validProfile(s.bytes(offset, (int) n));
            }
        }
        return new FileMetadata(orientation, icc);
    }

    /** The orientation in a TIFF structure (an Exif block) starting at {@code base}; 1 when absent or malformed. */
    static int orientationFromTiff(byte[] b, int base) {
        if (b.length < base + 8) return 1;
        boolean le;
        if (b[base] == 'I' && b[base + 1] == 'I') le = true;
        else if (b[base] == 'M' && b[base + 1] == 'M') le = false;
        else return 1;
        if (u16(b, base + 2, le) != 42) return 1;
        long ifd = u32(b, base + 4, le);
        if (ifd < 8 || base + ifd + 2 > b.length) return 1;
        int at = (int) (base + ifd);
        int count = u16(b, at, le);
        for (int i = 0; i < count; i++) {
            int e = at + 2 + 12 * i;
            if (e + 12 > b.length) return 1;
            if (u16(b, e, le) == TIFF_ORIENTATION) return shortValue(b, e, le);
        }
        return 1;
    }

    /** A SHORT (or LONG) entry with count 1 holding 1..8; anything else reads as 1. */
    private static int shortValue(byte[] b, int e, boolean le) {
        int type = u16(b, e + 2, le);
        long n = u32(b, e + 4, le);
        if (n != 1) return 1;
        long v = type == 3 ? u16(b, e + 8, le) : type == 4 ? u32(b, e + 8, le) : 0;
        return v >= 1 && v <= 8 ? (int) v : 1;
    }

    /** RGB or gray data colour space (header bytes 16-19). */
    private static boolean carried(byte[] p) {
        String space = new String(p, 16, 4, StandardCharsets.ISO_8859_1);
        return space.equals("RGB ") || space.equals("GRAY");
    }

    /** An ICC profile starts with its own size (big-endian) and has "acsp" at byte 36; else it is not one. */
    private static byte[] validProfile(byte[] p) {
        if (p.length < 128) return null;
        long declared = u32(p, 0, false);
        if (declared != p.length && !(declared < p.length && declared >= 128)) return null;
        if (p[36] != 'a' || p[37] != 'c' || p[38] != 's' || p[39] != 'p' || !carried(p)) return null;
        return declared == p.length ? p : Arrays.copyOf(p, (int) declared);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }

    private static int u16(byte[] b, int i, boolean le) {
        return le ? (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 : (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static long u32(byte[] b, int i, boolean le) {
        return le ? (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                : (b[i] & 0xFFL) << 24 | (b[i + 1] & 0xFFL) << 16 | (b[i + 2] & 0xFFL) << 8 | (b[i + 3] & 0xFFL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileMetadata m && m.orientation == orientation && Arrays.equals(m.iccProfile, iccProfile);
    }

    @Override
    public int hashCode() {
        return 31 * orientation + Arrays.hashCode(iccProfile);
    }

    @Override
    public String toString() {
        return "orientation " + orientation + (iccProfile == null ? ", no ICC profile" : ", ICC profile of "
                + iccProfile.length + " bytes");
    }
}
