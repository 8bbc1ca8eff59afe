package dev.gpusr.model;

import dev.gpusr.util.AtomicFiles;
import dev.gpusr.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data), read strictly as
 * the format's own validation does: contiguous offsets without holes, sizes that match the shapes, nothing after the
 * last tensor.
 */
public final class Safetensors {
    /** Headers above this are refused before they are read (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

    /** One tensor: its dtype ("F32", "F64", ...), its shape and its little-endian bytes. */
    public record Entry(String name, String dtype, long[] shape, ByteBuffer bytes) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /** The values as floats (F32 as they are, F64 narrowed). */
        public float[] floats() {
            ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[(int) elementCount()];
            switch (dtype) {
                case "F32" -> b.asFloatBuffer().get(out);
                case "F64" -> {
                    for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble(8 * i);
                }
                default -> throw new IllegalStateException("tensor '" + name + "' has dtype " + dtype
                        + "; only F32 and F64 are read as numbers");
            }
            return out;
        }

        /** The values as doubles (F64 as they are, F32 widened). */
        public double[] doubles() {
            ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[(int) elementCount()];
            switch (dtype) {
                case "F64" -> b.asDoubleBuffer().get(out);
                case "F32" -> {
                    for (int i = 0; i < out.length; i++) out[i] = b.getFloat(4 * i);
                }
                default -> throw new IllegalStateException("tensor '" + name + "' has dtype " + dtype
                        + "; only F32 and F64 are read as numbers");
            }
            return out;
        }
    }

    private final Map<String, Entry> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Map<String, Entry> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public Map<String, Entry> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Entry get(String name) {
        Entry e = tensors.get(name);
        if (e == null) throw new IllegalArgumentException("no tensor named '" + name + "' (has " + tensors.keySet() + ")");
        return e;
    }

    private static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /** Reads and validates a file; every problem is an IOException whose message says what is wrong. */
    public static Safetensors read(Path file) throws IOException {
        long length = Files.size(file);
        if (length < 8) throw new IOException("not a safetensors file: " + length + " bytes, shorter than the 8-byte header length");
        byte[] all;
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            long n = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > MAX_HEADER_BYTES || n > length - 8) {
                throw new IOException("not a safetensors file: header length " + n + " does not fit a file of " + length + " bytes");
            }
            if (length > Integer.MAX_VALUE - 16) throw new IOException("safetensors file of " + length + " bytes is too large");
            all = new byte[(int) length];
            System.arraycopy(head, 0, all, 0, 8);
            int got = in.readNBytes(all, 8, (int) length - 8);
            if (got != length - 8) throw new IOException("file shrank while reading");
        }
        return parse(all);
    }

    /** Parses and validates a whole file held in memory. */
    public static Safetensors parse(byte[] all) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES || n > all.length - 8L) {
            throw new IOException("not a safetensors file: header length " + n + " does not fit " + all.length + " bytes");
        }
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        if (!header.startsWith("{")) throw new IOException("not a safetensors file: header does not start with '{'");
        Object parsed;
        try {
            parsed = Json.parse(header);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt safetensors header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) throw new IOException("corrupt safetensors header: not an object");
        int dataStart = 8 + (int) n;
        long dataLength = all.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        record Span(String name, long begin, long end) {}
        List<Span> spans = new ArrayList<>();
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) throw new IOException("__metadata__ is not an object");
                for (Map.Entry<?, ?> me : meta.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new IOException("__metadata__ value of '" + me.getKey() + "' is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) throw new IOException("tensor '" + name + "' is not an object");
            if (!(info.get("dtype") instanceof String dtype)) throw new IOException("tensor '" + name + "' has no dtype");
            int size = dtypeSize(dtype);
            if (size < 0) throw new IOException("tensor '" + name + "' has unknown dtype " + dtype);
            if (!(info.get("shape") instanceof List<?> shapeList)) throw new IOException("tensor '" + name + "' has no shape");
            if (!(info.get("data_offsets") instanceof List<?> offs) || offs.size() != 2) {
                throw new IOException("tensor '" + name + "' has no [begin, end] data_offsets");
            }
            long[] shape = new long[shapeList.size()];
            long count = 1;
            for (int k = 0; k < shape.length; k++) {
                if (!(shapeList.get(k) instanceof Long d) || d < 0) {
                    throw new IOException("tensor '" + name + "' has a bad shape " + shapeList);
                }
                shape[k] = d;
                try {
                    count = Math.multiplyExact(count, d);
                    Math.multiplyExact(count, (long) size);
                } catch (ArithmeticException overflow) {
                    throw new IOException("tensor '" + name + "' has an impossible shape " + shapeList
                            + " (its size overflows)");
                }
            }
            if (!(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end) || begin < 0 || end < begin) {
                throw new IOException("tensor '" + name + "' has bad data_offsets " + offs);
            }
            if (end - begin != count * size) {
                throw new IOException("tensor '" + name + "' has " + (end - begin) + " bytes, its shape " + shapeList
                        + " of " + dtype + " needs " + count * size);
            }
            if (end > dataLength) {
                throw new IOException("tensor '" + name + "' ends at byte " + end + " past the data (" + dataLength
                        + " bytes): file truncated?");
            }
            spans.add(new Span(name, begin, end));
            ByteBuffer slice = ByteBuffer.wrap(all, dataStart + (int) (long) begin, (int) (end - begin)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(name, new Entry(name, dtype, shape, slice));
        }
        spans.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        long at = 0;
        for (Span sp : spans) {
            if (sp.begin != at) {
                throw new IOException("tensor '" + sp.name + "' starts at byte " + sp.begin + ", expected " + at
                        + " (offsets must be contiguous, without holes or overlap)");
            }
            at = sp.end;
        }
        if (at != dataLength) {
            throw new IOException("data is " + dataLength + " bytes but the tensors cover " + at + " (file truncated or padded)");
        }
        return new Safetensors(tensors, metadata);
    }

    /** One tensor to write: F32 data in row-major order with its shape. */
    public record F32(String name, int[] shape, float[] data) {}

    /** Writes F32 tensors in the order given, atomically (temporary file in the same folder, then a rename). */
    public static void writeF32(Path file, Map<String, String> metadata, List<F32> entries) throws IOException {
        writeF32(file, metadata, entries, AtomicFiles.Mode.REPLACE);
    }

    /** As {@link #writeF32(Path, Map, List)}; NO_REPLACE fails (naming the file) where one exists, atomically. */
    public static void writeF32(Path file, Map<String, String> metadata, List<F32> entries, AtomicFiles.Mode mode)
            throws IOException {
        byte[] bytes = toBytes(metadata, entries);
        write(file, mode, out -> out.write(bytes));
    }

    /**
     * Writes atomically; a failure (a full disk says only "No space left on device") names the file and says that
     * the file there before, e.g. the last good checkpoint, is unchanged.
     */
    static void write(Path file, AtomicFiles.Writer writer) throws IOException {
        write(file, AtomicFiles.Mode.REPLACE, writer);
    }

    static void write(Path file, AtomicFiles.Mode mode, AtomicFiles.Writer writer) throws IOException {
        boolean existed = java.nio.file.Files.exists(file);
        try {
            AtomicFiles.write(file, mode, writer);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException("cannot write " + file + ": it exists (created meanwhile, by another run?) and is "
                    + "left as it is", e);
        } catch (IOException e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException("cannot write " + file + ": " + reason + (existed
                    ? " (the previous " + file.getFileName() + " is unchanged)" : " (nothing was written)"), e);
        }
    }

    public static byte[] toBytes(Map<String, String> metadata, List<F32> entries) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (F32 t : entries) {
            long count = 1;
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape) {
                count *= d;
                shape.add((long) d);
            }
            if (count != t.data.length) {
                throw new IllegalArgumentException("tensor '" + t.name + "' has " + t.data.length + " values for shape "
                        + shape);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + 4 * count));
            if (header.put(t.name, info) != null) throw new IllegalArgumentException("duplicate tensor '" + t.name + "'");
            offset += 4 * count;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned, as the reference writer does
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int k = json.length; k < padded; k++) out.put((byte) ' ');
        for (F32 t : entries) {
            for (float v : t.data) out.putFloat(v);
        }
        return out.array();
    }
}
