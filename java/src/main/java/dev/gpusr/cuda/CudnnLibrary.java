package dev.gpusr.cuda;

import java.util.Optional;
import jcuda.jcudnn.JCudnn;

/**
 * Loads cuDNN (through JCudnn's native library, which links libcudnn.so.9) once per process and remembers why it
 * failed: after a failed static initialiser the JVM only says "Could not initialize class", so the first reason is
 * the one worth repeating.
 */
final class CudnnLibrary {
    static final String INSTALL_HINT = "install cuDNN 9 for CUDA 12 or 13 (e.g. the distribution package "
            + "libcudnn9-cuda-12 or libcudnn9-cuda-13), or put the folder holding libcudnn.so.9 on LD_LIBRARY_PATH";

    private static Optional<String> failure;
    private static long version;

    private CudnnLibrary() {}

    /** Empty when cuDNN loaded, else why not (one line with the fix). */
    static synchronized Optional<String> loadFailure() {
        if (failure == null) {
            try {
                version = JCudnn.cudnnGetVersion();
                failure = version > 0 ? Optional.empty()
                        : Optional.of("cuDNN reported version " + version + "; " + INSTALL_HINT);
            } catch (LinkageError e) {
                failure = Optional.of("cuDNN 9 could not be loaded (" + oneLine(e) + "); " + INSTALL_HINT);
            }
        }
        return failure;
    }

    /** Throws a CudaUnavailableException with the reason when cuDNN is not usable. */
    static void require() {
        Optional<String> f = loadFailure();
        if (f.isPresent()) throw new CudaUnavailableException(f.get());
    }

    /** cudnnGetVersion() of the loaded library; requires {@link #loadFailure()} to be empty. */
    static synchronized long version() {
        require();
        return version;
    }

    /** "9.14.0" from 91400 (cuDNN 9 numbers versions major*10000 + minor*100 + patch, cuDNN 8 major*1000 + ...). */
    static String formatVersion(long v) {
        if (v >= 90000) return (v / 10000) + "." + (v % 10000) / 100 + "." + v % 100;
        return (v / 1000) + "." + (v % 1000) / 100 + "." + v % 100;
    }

    /**
     * The informative line of a native-library loading failure. JCuda's message runs to dozens of lines (both load
     * attempts with stack traces); the dynamic linker's own complaint, e.g. "libcudnn.so.9: cannot open shared object
     * file", is the one that says what is missing.
     */
    static String oneLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        String[] lines = message.split("\\R");
        String chosen = lines[0].trim();
        for (String line : lines) {
            if (line.contains("cannot open shared object file") || line.contains("undefined symbol")
                    || line.contains("version `")) {
                chosen = line.trim().replaceFirst("^java\\.lang\\.UnsatisfiedLinkError: ", "");
                break;
            }
        }
        if (chosen.length() > 300) chosen = chosen.substring(0, 300) + "...";
        return t.getClass().getSimpleName() + ": " + chosen;
    }
}
