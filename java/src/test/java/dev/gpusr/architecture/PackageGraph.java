package dev.gpusr.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dependency graph between the packages directly under {@code dev.gpusr} (dev.gpusr.cli, dev.gpusr.engine, ...),
 * read from source: every {@code import [static] dev.gpusr.X....} line and every fully qualified
 * {@code dev.gpusr.X.Y} in code. Comments and string literals are not code (a {@code {@link dev.gpusr.X.Y}} in a
 * comment is not a dependency). Sub-packages count as their top package (dev.gpusr.cuda.foo is "cuda").
 */
final class PackageGraph {
    private static final Pattern PACKAGE =
            Pattern.compile("^\\s*package\\s+dev\\.gpusr\\.([a-z_][a-z0-9_]*)", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.gpusr\\.([a-z_][a-z0-9_]*)\\.[A-Za-z_*]");

    /** Package -> packages it uses (never itself); every package with a source file is a key. */
    final Map<String, Set<String>> edges;
    /** For each edge "a -> b", one source file of a that uses b (to name in a failure). */
    final Map<String, Path> witness;

    private PackageGraph(Map<String, Set<String>> edges, Map<String, Path> witness) {
        this.edges = edges;
        this.witness = witness;
    }

    static PackageGraph read(Path sourceRoot) {
        Map<String, Set<String>> edges = new TreeMap<>();
        Map<String, Path> witness = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            String code;
            try {
                code = codeOnly(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Matcher pm = PACKAGE.matcher(code);
            if (!pm.find()) continue; // not a dev.gpusr package
            String from = pm.group(1);
            Set<String> uses = edges.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                String to = m.group(1);
                if (to.equals(from)) continue;
                uses.add(to);
                witness.putIfAbsent(from + " -> " + to, sourceRoot.relativize(f));
            }
        }
        return new PackageGraph(edges, witness);
    }

    private static final Pattern JCUDA = Pattern.compile("\\bjcuda\\.[A-Za-z_]");

    /**
     * The source files (relative to {@code sourceRoot}) of every package but {@code allowed} whose code names a JCuda
     * or JCudnn type ({@code jcuda.*}, imported or fully qualified); comments and strings do not count.
     */
    static List<Path> jcudaUsersOutside(Path sourceRoot, String allowed) {
        List<Path> users = new ArrayList<>();
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = codeOnly(Files.readString(f, StandardCharsets.UTF_8));
                Matcher pm = PACKAGE.matcher(code);
                if (pm.find() && !pm.group(1).equals(allowed) && JCUDA.matcher(code).find()) {
                    users.add(sourceRoot.relativize(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    /** The first cycle found, as a path that starts and ends on the same package (a, b, a); empty when acyclic. */
    Optional<List<String>> findCycle() {
        Map<String, Integer> state = new HashMap<>(); // absent: unseen, 1: on the current path, 2: done
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> cycle = visit(start, state, path);
            if (cycle.isPresent()) return cycle;
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String node, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) return Optional.empty();
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(cycle);
        }
        state.put(node, 1);
        path.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            Optional<List<String>> cycle = visit(next, state, path);
            if (cycle.isPresent()) return cycle;
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return Optional.empty();
    }

    /**
     * The uses that go against a listing meant to put every package below the ones it uses ("a uses b, listed below
     * it"), in listing order; empty when the listing is a valid order.
     */
    List<String> usesBelow(List<String> listing) {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < listing.size(); i++) {
            for (String used : edges.getOrDefault(listing.get(i), Set.of())) {
                int j = listing.indexOf(used);
                if (j > i) {
                    wrong.add(listing.get(i) + " uses " + used + ", listed below it ("
                            + witness.get(listing.get(i) + " -> " + used) + ")");
                }
            }
        }
        return wrong;
    }

    /** A cycle as one line per edge, each with a file that makes it: what a failing test prints. */
    String describe(List<String> cycle) {
        StringBuilder sb = new StringBuilder("package cycle: " + String.join(" -> ", cycle));
        for (int i = 0; i + 1 < cycle.size(); i++) {
            String edge = cycle.get(i) + " -> " + cycle.get(i + 1);
            sb.append("\n  ").append(edge).append(" (e.g. ").append(witness.get(edge)).append(')');
        }
        return sb.toString();
    }

    /**
     * The source with comments, string/char literals and text blocks blanked out (newlines kept), so that only code
     * is searched.
     */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                keepNewlines(src, i, end, out);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') end = src.indexOf("\"\"\"", end + 1);
                end = end < 0 ? n : end + 3;
                keepNewlines(src, i, end, out);
                out.append("\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') j += src.charAt(j) == '\\' ? 2 : 1;
                out.append(c).append(c);
                i = Math.min(n, j + 1);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void keepNewlines(String src, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) if (src.charAt(k) == '\n') out.append('\n');
    }
}
