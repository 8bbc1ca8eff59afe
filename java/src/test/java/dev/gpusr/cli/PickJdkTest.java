package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * java/src/dist/pick-jdk.sh, which chooses the Java that ./gpu-sr runs on and the JDK the dist's runtime is linked
 * from, run for real by bash on fake JDK homes (a release file and empty executables), with GPUSR_JDK_DIRS pointing
 * at this test's folder so the machine's own JDKs play no part.
 */
class PickJdkTest {
    private static final String VECTOR = "java.base java.desktop jdk.incubator.vector jdk.unsupported";
    private static final String NO_VECTOR = "java.base java.desktop jdk.unsupported";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsBash() {
        assumeTrue(new File("/bin/bash").canExecute(), "needs bash");
    }

    @Test
    void theNewestVersionWinsByNumberNotByText() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        home(dir.resolve("a"), "17.0.15", VECTOR, true);
        Path newest = home(dir.resolve("b"), "25.0.10", VECTOR, true);
        home(dir.resolve("c"), "25.0.3", VECTOR, true);
        home(dir.resolve("d"), "21.0.2", VECTOR, true);
        assertEquals(new Result(0, newest + "\n"), pick(dir, "java"));
    }

    @Test
    void aJavaWithoutTheVectorModuleIsPassedOver() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        Path withVector = home(dir.resolve("a"), "21.0.2", VECTOR, true);
        home(dir.resolve("b"), "25.0.3", NO_VECTOR, true);
        assertEquals(new Result(0, withVector + "\n"), pick(dir, "java"));
    }

    @Test
    void jlinkIsAskedOfTheJdksThatHaveIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        Path jdk = home(dir.resolve("a"), "21.0.2", VECTOR, true);
        Path jre = home(dir.resolve("b"), "25.0.3", VECTOR, false);
        assertEquals(new Result(0, jdk + "\n"), pick(dir, "jlink"));
        assertEquals(new Result(0, jre + "\n"), pick(dir, "java"));
    }

    @Test
    void ofEqualVersionsTheHomeNamedFirstWinsAndOlderThan17IsNone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        home(dir.resolve("a"), "21.0.2", VECTOR, true);
        Path own = home(tmp.resolve("own"), "21.0.2", VECTOR, true);
        assertEquals(new Result(0, own + "\n"), pick(dir, "java", own.toString()));

        Path old = Files.createDirectories(tmp.resolve("old"));
        home(old.resolve("a"), "11.0.22", VECTOR, true);
        home(old.resolve("b"), "16.0.2", VECTOR, true);
        assertEquals(new Result(1, ""), pick(old, "java"));
        assertEquals(new Result(1, ""), pick(tmp.resolve("missing"), "java"));
    }

    @Test
    void anEarlyAccessBuildLosesToItsReleaseAndAModuleMustBeNamedExactly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        home(dir.resolve("a-ea"), "25-ea", VECTOR, true);
        Path release = home(dir.resolve("b"), "25", VECTOR, true);
        home(dir.resolve("c"), "26", "java.base jdk.incubator.vectorx", true);
        assertEquals(new Result(0, release + "\n"), pick(dir, "java"));
        Path only = Files.createDirectories(tmp.resolve("only"));
        Path plain = home(only.resolve("x"), "17", VECTOR, true);
        assertEquals(new Result(0, plain + "\n"), pick(only, "java"));
    }

    @Test
    void homesWithSpacesAndLinksAreReadThroughToTheRealHome() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm dir"));
        Path real = home(tmp.resolve("real jdk"), "25.0.3", VECTOR, true);
        Files.createSymbolicLink(dir.resolve("link to it"), real);
        home(dir.resolve("older one"), "21.0.2", VECTOR, true);
        assertEquals(new Result(0, real + "\n"), pick(dir, "java"));
        Path named = home(tmp.resolve("named home"), "26", VECTOR, true);
        assertEquals(new Result(0, named + "\n"), pick(dir, "java", named.toString()));
    }

    @Test
    void javaHomeIsACandidateToo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jvm"));
        home(dir.resolve("a"), "21.0.2", VECTOR, true);
        Path javaHome = home(tmp.resolve("jh"), "25.0.3", VECTOR, true);
        assertEquals(new Result(0, javaHome + "\n"), run(dir, javaHome, "java"));
    }

    /** A fake home: release file and empty executables bin/java (and bin/jlink for a JDK). */
    private static Path home(Path home, String version, String modules, boolean jdk) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        List<String> tools = jdk ? List.of("java", "jlink") : List.of("java");
        for (String t : tools) {
            Files.createFile(bin.resolve(t), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\nMODULES=\""
                + modules + "\"\n");
        return home.toRealPath();
    }

    record Result(int exit, String out) {}

    private static Result pick(Path dirs, String tool, String... homes) throws Exception {
        return run(dirs, null, tool, homes);
    }

    private static Result run(Path dirs, Path javaHome, String tool, String... homes)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("src", "dist", "pick-jdk.sh").toString(), tool));
        command.addAll(List.of(homes));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GPUSR_JDK_DIRS", dirs.toString());
        if (javaHome != null) pb.environment().put("JAVA_HOME", javaHome.toString());
        else pb.environment().remove("JAVA_HOME");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
