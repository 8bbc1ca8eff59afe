package dev.gpusr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.image.Pixels;
import dev.gpusr.image.WriteOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API example in README.md compiles against the library and does what it says on a small image. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Java API");
        assertTrue(section >= 0, "README.md has no Java API section");
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "no java code block in the Java API section");
        return m.group(1);
    }

    @Test
    void theReadmeExampleCompilesAndRuns() throws Exception {
        String source = readmeExample();
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example declares a public class");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = src.resolve(name.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), file.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics);

        Path in = dir.resolve("photo.png");
        byte[] s = new byte[40 * 30 * 3];
        new Random(1).nextBytes(s);
        ImageWriter.write(new Pixels(40, 30, 3, 8, s), in, ImageFormat.PNG, WriteOptions.defaults());
        Path out = Files.createDirectories(dir.resolve("out"));
        PrintStream oldOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {in.toString(), out.toString()});
        } finally {
            System.setOut(oldOut);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("80x60"), text);
        assertTrue(text.contains("1 of 1 images"), text);
        for (Path written : List.of(out.resolve("single.png"), out.resolve("batch/photo.png"))) {
            Pixels p = ImageReader.readPixels(written, 1 << 20);
            assertEquals(80, p.width(), written.toString());
            assertEquals(60, p.height(), written.toString());
        }
    }
}
