package dev.gpusr.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The developers' guide: every JCuda and JCudnn call lives in dev.gpusr.cuda. Other packages (the benchmarks
 * included) drive the GPU through the APIs that package exposes, so no other package may name a jcuda type, in its
 * source or in its compiled classes (which also catches a jcuda value passed along without being named).
 */
class JcudaConfinementTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Path CLASSES = Path.of("target", "classes", "dev", "gpusr");

    @Test
    void onlyTheCudaPackageNamesJcudaTypesInItsSource() {
        assertTrue(Files.isDirectory(MAIN.resolve("dev/gpusr/cuda")), "expected the sources under " + MAIN.toAbsolutePath());
        for (Path root : List.of(MAIN, Path.of("..", "benchmarks", "src", "main", "java"),
                Path.of("..", "spark", "src", "main", "java"))) {
            if (!root.equals(MAIN) && !Files.isDirectory(root)) continue;
            assertEquals(List.of(), PackageGraph.jcudaUsersOutside(root, "cuda"), "files under " + root
                    + " outside dev.gpusr.cuda that use jcuda.*: move the calls into dev.gpusr.cuda and use its API");
        }
    }

    @Test
    void onlyTheCudaPackagesClassesReferToJcuda() throws IOException {
        assertTrue(Files.isDirectory(CLASSES.resolve("cuda")), "expected compiled classes under " + CLASSES.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        byte[] marker = "jcuda/".getBytes(StandardCharsets.US_ASCII);
        int cudaClassesReferring = 0;
        try (Stream<Path> s = Files.walk(CLASSES)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                boolean refers = contains(Files.readAllBytes(f), marker);
                if (CLASSES.relativize(f).startsWith("cuda")) {
                    if (refers) cudaClassesReferring++;
                } else if (refers) {
                    offenders.add(CLASSES.relativize(f).toString());
                }
            }
        }
        assertTrue(cudaClassesReferring > 0, "the scan must see the cuda package's own jcuda references");
        assertEquals(List.of(), offenders, "classes outside dev.gpusr.cuda that refer to jcuda types");
    }

    @Test
    void aJcudaImportOutsideCudaIsReportedButCommentsAndTheCudaPackageAreNot(@TempDir Path root) throws IOException {
        write(root, "dev/gpusr/cuda/Ok.java", "package dev.gpusr.cuda;\nimport jcuda.Pointer;\nclass Ok {}\n");
        write(root, "dev/gpusr/bench/Bad.java", "package dev.gpusr.bench;\nimport jcuda.runtime.JCuda;\nclass Bad {}\n");
        write(root, "dev/gpusr/bench/Qualified.java",
                "package dev.gpusr.bench;\nclass Qualified { Object p = new jcuda.Pointer(); }\n");
        write(root, "dev/gpusr/bench/Comment.java",
                "package dev.gpusr.bench;\n/** Not code: {@link jcuda.Pointer}. */\nclass Comment { String s = \"jcuda.x\"; }\n");
        assertEquals(List.of(Path.of("dev/gpusr/bench/Bad.java"), Path.of("dev/gpusr/bench/Qualified.java")),
                PackageGraph.jcudaUsersOutside(root, "cuda"));
    }

    private static boolean contains(byte[] data, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= data.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (data[i + j] != marker[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }
}
