package dev.gpusr.mos;

import dev.gpusr.util.AtomicFiles;
import dev.gpusr.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A MOS study: the manifest ({@value #MANIFEST}) of a study folder. Each source image has a reference (the cropped
 * original) and one test image per method; every image has an opaque random id and a file named after that id, so
 * neither the page nor its URLs say which method made an image. Reading validates everything the server relies on:
 * ids, methods, file names confined to the folder, and each file's SHA-256.
 */
public record Study(String id, int scale, List<String> methods, List<Entry> images, Path folder) {
    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "gpu-sr-mos-study";
    public static final int VERSION = 1;
    /** The method name of a reference image (the original, shown on request; not rated unless also a method). */
    public static final String REFERENCE = "reference";
    /** The hidden-reference method: the original itself rated blindly (ACR-HR). */
    public static final String ORIGINAL = "original";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One image of the study. {@code reference} is the id of the reference image of the same source (for a reference
     * itself: its own id).
     */
    public record Entry(String id, String source, String method, String file, String sha256, int width, int height,
            String reference) {
        public boolean isReference() {
            return REFERENCE.equals(method);
        }
    }

    public Study {
        methods = List.copyOf(methods);
        images = List.copyOf(images);
    }

    /** A new opaque id: 128 random bits as 32 lower-case hex digits. */
    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    public static boolean isMethodName(String s) {
        return s != null && METHOD.matcher(s).matches() && !s.equals(REFERENCE);
    }

    /** The images raters score (every entry but the references), in manifest order. */
    public List<Entry> rated() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : images) if (!e.isReference()) out.add(e);
        return Collections.unmodifiableList(out);
    }

    public Map<String, Entry> byId() {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : images) m.put(e.id(), e);
        return m;
    }

    /** The source names in manifest order. */
    public List<String> sources() {
        List<String> out = new ArrayList<>();
        for (Entry e : images) if (!out.contains(e.source())) out.add(e.source());
        return out;
    }

    public Path file(Entry e) {
        return folder.resolve(e.file());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("study", id);
        m.put("scale", scale);
        m.put("methods", methods);
        List<Object> list = new ArrayList<>();
        for (Entry e : images) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", e.id());
            o.put("source", e.source());
            o.put("method", e.method());
            o.put("file", e.file());
            o.put("sha256", e.sha256());
            o.put("width", e.width());
            o.put("height", e.height());
            o.put("reference", e.reference());
            list.add(o);
        }
        m.put("images", list);
        return m;
    }

    /** Writes the manifest atomically (temporary file, then linked in); an existing manifest is never replaced. */
    public void writeManifest() throws IOException {
        byte[] bytes = (Json.write(toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeNew(folder.resolve(MANIFEST), out -> out.write(bytes));
    }

    /** Reads and validates a study folder (or its manifest file); checks every image file's SHA-256 too. */
    public static Study read(Path folderOrManifest) throws IOException {
        Path manifest = Files.isDirectory(folderOrManifest) ? folderOrManifest.resolve(MANIFEST) : folderOrManifest;
        if (!Files.isRegularFile(manifest)) throw new IOException(folderOrManifest + ": no " + MANIFEST + " (not a study folder)");
        Study s = parse(Files.readString(manifest, StandardCharsets.UTF_8), manifest.toAbsolutePath().getParent(), manifest);
        for (Entry e : s.images) {
            Path f = s.file(e);
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) throw new IOException(manifest + ": image file " + e.file() + " is missing");
            String actual = sha256(f);
            if (!actual.equals(e.sha256())) {
                throw new IOException(manifest + ": image file " + e.file() + " has changed since the study was prepared (SHA-256 "
                        + actual + ", manifest " + e.sha256() + ")");
            }
        }
        return s;
    }

    /** Parses and validates a manifest's text (no file checks); {@code folder} is where its files live. */
    public static Study parse(String json, Path folder, Object where) throws IOException {
        try {
            Object root = Json.parse(json);
            if (!(root instanceof Map<?, ?> m)) throw new IllegalArgumentException("not a JSON object");
            if (!FORMAT.equals(m.get("format"))) throw new IllegalArgumentException("format is not " + FORMAT);
            if (!(m.get("version") instanceof Long v) || v != VERSION) {
                throw new IllegalArgumentException("manifest version " + m.get("version") + " (this gpu-sr reads " + VERSION + ")");
            }
            String id = string(m, "study");
            if (!isId(id)) throw new IllegalArgumentException("bad study id");
            if (!(m.get("scale") instanceof Long k) || k < 1 || k > 8) throw new IllegalArgumentException("bad scale");
            if (!(m.get("methods") instanceof List<?> ms) || ms.isEmpty()) throw new IllegalArgumentException("no methods");
            List<String> methods = new ArrayList<>();
            for (Object o : ms) {
                if (!(o instanceof String name) || !isMethodName(name) || methods.contains(name)) {
                    throw new IllegalArgumentException("bad or repeated method " + o);
                }
                methods.add(name);
            }
            if (!(m.get("images") instanceof List<?> is) || is.isEmpty()) throw new IllegalArgumentException("no images");
            List<Entry> images = new ArrayList<>();
            Map<String, Entry> ids = new LinkedHashMap<>();
            for (Object o : is) {
                if (!(o instanceof Map<?, ?> im)) throw new IllegalArgumentException("an image is not an object");
                Entry e = new Entry(string(im, "id"), string(im, "source"), string(im, "method"), string(im, "file"),
                        string(im, "sha256"), (int) number(im, "width"), (int) number(im, "height"), string(im, "reference"));
                if (!isId(e.id()) || ids.containsKey(e.id())) throw new IllegalArgumentException("bad or repeated image id " + e.id());
                if (!e.isReference() && !methods.contains(e.method())) throw new IllegalArgumentException("image " + e.id() + " has unknown method " + e.method());
                if (!e.file().equals("images/" + e.id() + ".png")) {
                    throw new IllegalArgumentException("image " + e.id() + ": file must be images/<id>.png, got " + e.file());
                }
                if (!e.sha256().matches("[0-9a-f]{64}")) throw new IllegalArgumentException("image " + e.id() + ": bad sha256");
                if (e.width() < 1 || e.height() < 1) throw new IllegalArgumentException("image " + e.id() + ": bad size");
                if (e.source().isBlank()) throw new IllegalArgumentException("image " + e.id() + ": empty source");
                ids.put(e.id(), e);
                images.add(e);
            }
            for (Entry e : images) {
                Entry ref = ids.get(e.reference());
                if (ref == null || !ref.isReference() || !ref.source().equals(e.source())) {
                    throw new IllegalArgumentException("image " + e.id() + ": reference " + e.reference() + " is not the reference of " + e.source());
                }
            }
            return new Study(id, (int) (long) (Long) m.get("scale"), methods, images, folder);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(where + ": not a valid study manifest: " + e.getMessage(), e);
        }
    }

    private static String string(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s)) throw new IllegalArgumentException("'" + key + "' must be a string");
        return s;
    }

    private static long number(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Long n)) throw new IllegalArgumentException("'" + key + "' must be an integer");
        return n;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
