package dev.gpusr.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a batch may write an output: never over any input of the run (whatever --overwrite says), never
 * twice in one run, and over an existing file only with --overwrite. Thread-safe.
 */
public final class OutputGuard {
    private final List<Path> inputs = new ArrayList<>();
    private final Map<Path, Path> written = new HashMap<>();
    private final boolean overwrite;

    public OutputGuard(List<Path> inputFiles, boolean overwrite) {
        this.overwrite = overwrite;
        for (Path p : inputFiles) inputs.add(canonical(p));
    }

    /** Throws with a one-line reason when {@code target} (the output of {@code input}) must not be written. */
    public synchronized void claim(Path target, Path input) throws IOException {
        Path t = canonical(target);
        for (Path in : inputs) {
            if (t.equals(in) || (Files.exists(t) && Files.isSameFile(t, in))) {
                throw new IOException("output " + target + " is an input of this run" + (in.equals(canonical(input))
                        ? "" : " (" + in.getFileName() + ")") + "; inputs are never overwritten, choose another -o");
            }
        }
        Path earlier = written.putIfAbsent(t, input);
        if (earlier != null) {
            throw new IOException("output " + target + " is also the output of " + earlier + " in this run; skipped");
        }
        if (Files.exists(t) && !overwrite) throw new IOException("output " + target + " exists (use --overwrite)");
    }

    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path parent = abs.getParent();
            try {
                return parent == null ? abs : parent.toRealPath().resolve(abs.getFileName());
            } catch (IOException e2) {
                return abs;
            }
        }
    }
}
