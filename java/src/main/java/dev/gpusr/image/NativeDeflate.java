package dev.gpusr.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads gpu-sr's native libdeflate binding ({@link Libdeflate}) once per JVM and says whether that worked and, if
 * not, why. The library travels in the jar as the resource {@value #RESOURCE} next to this class (built by
 * {@code native/} during the Maven build); from a folder of classes it is loaded in place, from a jar it is copied to
 * a private temporary folder, loaded and deleted (Linux keeps a loaded library after its file is gone).
 */
public final class NativeDeflate {
    /** The library's resource name, relative to this package. */
    static final String RESOURCE = "linux-x86_64/libgpusr_deflate.so";

    /** Whether the library is usable; the libdeflate version when loaded, else the reason in a few words. */
    public record Status(boolean loaded, String version, String reason) {
        static Status ok(String version) {
            return new Status(true, version, null);
        }

        static Status failed(String reason) {
            return new Status(false, null, reason);
        }
    }

    private NativeDeflate() {
    }

    private static final class Holder { // loaded on first use only
        static final Status STATUS = load(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                NativeDeflate.class.getResource(RESOURCE));
    }

    public static Status status() {
        return Holder.STATUS;
    }

    public static boolean available() {
        return status().loaded();
    }

    /** Loads the library at {@code url} (null: not in this build) for the given platform; never throws. */
    static Status load(String osName, String osArch, URL url) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Status.failed("it is built for Linux x86-64 only, this is " + osName + " " + osArch);
        }
        if (url == null) {
            return Status.failed("this gpu-sr build has none: it was built without cmake, a C compiler and"
                    + " libdeflate-dev, or with -Dgpusr.native=skip");
        }
        try {
            if (url.getProtocol().equals("file")) {
                System.load(Path.of(url.toURI()).toString());
            } else {
                loadCopy(url);
            }
            return Status.ok(Libdeflate.version());
        } catch (UnsatisfiedLinkError | IOException | URISyntaxException | RuntimeException e) {
            return Status.failed("cannot load " + url + ": " + oneLine(e));
        }
    }

    private static void loadCopy(URL url) throws IOException {
        Path dir = Files.createTempDirectory("gpusr-native");
        Path lib = dir.resolve("libgpusr_deflate.so");
        try (InputStream in = url.openStream()) {
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            System.load(lib.toString());
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(dir);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
