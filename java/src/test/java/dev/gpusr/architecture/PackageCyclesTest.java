package dev.gpusr.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The developers' guide: packages by job, no cycles, imports only downward. Reads java/src/main (the tests run in the
 * java module folder) and fails with the cycle and a file on each of its edges.
 */
class PackageCyclesTest {
    private static final Path MAIN = Path.of("src", "main", "java");

    @Test
    void mainCodeHasNoPackageCycle() {
        PackageGraph graph = PackageGraph.read(MAIN);
        // guard against reading the wrong folder, which would pass vacuously
        assertTrue(graph.edges.keySet().containsAll(Set.of("cli", "engine", "cpu", "cuda", "train", "image")),
                () -> "expected the gpu-sr packages under " + MAIN.toAbsolutePath() + ", found " + graph.edges.keySet());
        assertTrue(graph.edges.get("cli").contains("engine"), "cli uses engine: the graph reads references");
        Optional<List<String>> cycle = graph.findCycle();
        assertFalse(cycle.isPresent(), () -> graph.describe(cycle.get()));
    }

    /** ARCHITECTURE.md: engine never imports train or cli; choosing an engine (cpu or cuda) is done above it. */
    @Test
    void engineInterfacesSitBelowTheEnginesAndTheirUsers() {
        Set<String> engineUses = PackageGraph.read(MAIN).edges.get("engine");
        for (String above : List.of("cpu", "cuda", "train", "cli", "pipeline", "api", "device", "bench")) {
            assertFalse(engineUses.contains(above), "dev.gpusr.engine must not use dev.gpusr." + above);
        }
    }

    /** README's Layout table lists every package, each below the packages it uses. */
    @Test
    void readmeLayoutListsEveryPackageBelowWhatItUses() throws IOException {
        List<String> listed = new ArrayList<>();
        boolean inLayout = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) inLayout = line.equals("## Layout");
            Matcher m = LAYOUT_ROW.matcher(line);
            if (inLayout && m.find()) listed.add(m.group(1));
        }
        PackageGraph graph = PackageGraph.read(MAIN);
        assertEquals(new TreeSet<>(graph.edges.keySet()), new TreeSet<>(listed), "README Layout rows vs packages");
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "a package listed twice: " + listed);
        assertEquals(List.of(), graph.usesBelow(listed));
    }

    private static final Pattern LAYOUT_ROW =
            Pattern.compile("^\\| `(?:java/src/main/java/dev/gpusr|\\.\\.\\.)/([a-z]+)` \\|");

    @Test
    void aListingWithAPackageAboveWhatItUsesIsReported(@TempDir Path root) throws IOException {
        write(root, "dev/gpusr/low/L.java", "package dev.gpusr.low;\nclass L {}\n");
        write(root, "dev/gpusr/high/H.java", "package dev.gpusr.high;\nclass H { dev.gpusr.low.L l; }\n");
        PackageGraph graph = PackageGraph.read(root);
        assertEquals(List.of(), graph.usesBelow(List.of("low", "high")));
        assertEquals(List.of("high uses low, listed below it (" + Path.of("dev/gpusr/high/H.java") + ")"),
                graph.usesBelow(List.of("high", "low")));
    }

    @Test
    void findsAndNamesADeliberateCycle(@TempDir Path root) throws IOException {
        write(root, "dev/gpusr/a/A.java", """
                package dev.gpusr.a;

                import dev.gpusr.b.B;

                public class A { B b; }
                """);
        write(root, "dev/gpusr/b/B.java", """
                package dev.gpusr.b;

                public class B { dev.gpusr.c.C c; }
                """);
        write(root, "dev/gpusr/c/C.java", """
                package dev.gpusr.c;

                public class C { static int x = dev.gpusr.a.A.class.hashCode(); }
                """);
        PackageGraph graph = PackageGraph.read(root);
        Optional<List<String>> cycle = graph.findCycle();
        assertEquals(Optional.of(List.of("a", "b", "c", "a")), cycle);
        String text = graph.describe(cycle.get());
        assertTrue(text.startsWith("package cycle: a -> b -> c -> a"), text);
        assertTrue(text.contains("c -> a (e.g. " + Path.of("dev/gpusr/c/C.java") + ")"), text);
    }

    @Test
    void staticImportsCount(@TempDir Path root) throws IOException {
        write(root, "dev/gpusr/a/A.java", "package dev.gpusr.a;\nimport static dev.gpusr.b.B.f;\nclass A {}\n");
        write(root, "dev/gpusr/b/B.java", "package dev.gpusr.b;\nimport dev.gpusr.a.*;\nclass B {}\n");
        assertEquals(Optional.of(List.of("a", "b", "a")), PackageGraph.read(root).findCycle());
    }

    @Test
    void commentsAndStringsAreNotDependencies(@TempDir Path root) throws IOException {
        write(root, "dev/gpusr/a/A.java", """
                package dev.gpusr.a;

                import dev.gpusr.b.B;

                class A { B b; }
                """);
        write(root, "dev/gpusr/b/B.java", """
                package dev.gpusr.b;

                /** Not used: {@link dev.gpusr.a.A}. */
                class B {
                    // dev.gpusr.a.A
                    String s = "dev.gpusr.a.A // and \\" dev.gpusr.a.A";
                    char q = '"';
                    String t = \"""
                        dev.gpusr.a.A
                        \""";
                }
                """);
        PackageGraph graph = PackageGraph.read(root);
        assertEquals(Set.of("b"), graph.edges.get("a"));
        assertEquals(Set.of(), graph.edges.get("b"));
        assertEquals(Optional.empty(), graph.findCycle());
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }
}
