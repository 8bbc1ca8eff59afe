package dev.gpusr.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Test resources (the golden files made by independent tools) as files, whether the tests run from Maven's
 * test-classes folder or from the test jar of the self-contained distribution on a GPU machine.
 */
public final class Golden {
    private Golden() {}

    /** A resource under /golden/ as a readable file path (copied to a temporary file when inside a jar). */
    public static Path path(String name) {
        String res = "/golden/" + name;
        try (InputStream in = Golden.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("test resource " + res + " is missing");
            var url = Golden.class.getResource(res);
            if (url != null && url.getProtocol().equals("file")) return Path.of(url.toURI());
            Path tmp = Files.createTempFile("gpusr-golden-", "-" + name);
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
