package dev.gpusr.mos;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.resample.BicubicResampler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes a study folder from HR images: each is cropped to a multiple of the scale and shrunk with MATLAB bicubic (the
 * evaluation protocol's degradation, on every colour plane), then enlarged by every method; the cropped original is
 * kept as the reference. Images are written as 8-bit PNG under {@code images/<random id>.png}, the manifest last
 * (atomically), so a folder with a manifest is always a complete study. Alpha is not carried (raters see the colour
 * planes). An input that cannot be used is reported on one line and skipped.
 */
public final class StudyPreparer {
    /** What came of a preparation: the study (null when no input could be used) and the inputs that failed. */
    public record Outcome(Study study, List<String> failures) {}

    private StudyPreparer() {}

    public static Outcome prepare(List<Path> inputs, StudyMethods methods, Path folder, long maxPixels, PrintStream err)
            throws IOException {
        if (Files.exists(folder)) {
            if (!Files.isDirectory(folder)) throw new IOException(folder + " exists and is not a folder");
            try (Stream<Path> s = Files.list(folder)) {
                if (s.findAny().isPresent()) throw new IOException(folder + " is not empty; a study goes to a new or empty folder");
            }
        }
        boolean created = !Files.exists(folder);
        Path images = folder.resolve("images");
        Files.createDirectories(images);
        int k = methods.scale();
        List<String> names = methods.names();
        List<Study.Entry> entries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Set<String> sourceNames = new HashSet<>();
        for (Path input : inputs) {
            List<Study.Entry> made = new ArrayList<>();
            try {
                Image hr = crop(ImageReader.read(input, maxPixels), k);
                int lw = hr.width() / k;
                int lh = hr.height() / k;
                int min = methods.minInputSide();
                if (lw < min || lh < min) {
                    throw new IOException("after shrinking by " + k + " it is " + lw + "x" + lh + ", smaller than the "
                            + min + " pixels the methods need on each side");
                }
                float[][] low = new float[hr.planes().length][];
                for (int i = 0; i < low.length; i++) low[i] = BicubicResampler.downscale(hr.planes()[i], hr.width(), hr.height(), k);
                Image lr = new Image(lw, lh, low, null, 8);
                String source = uniqueName(input.getFileName().toString(), sourceNames);
                String refId = Study.newId();
                made.add(write(images, refId, source, Study.REFERENCE, refId, hr));
                for (int m = 0; m < names.size(); m++) {
                    Image out = methods.apply(m, lr, hr);
                    made.add(write(images, Study.newId(), source, names.get(m), refId, out));
                }
                sourceNames.add(source);
                entries.addAll(made);
                err.printf("gpu-sr mos: %s: %dx%d, %d methods%n", input, hr.width(), hr.height(), names.size());
            } catch (IOException | RuntimeException e) {
                for (Study.Entry e2 : made) Files.deleteIfExists(folder.resolve(e2.file()));
                String line = input + ": " + reason(e);
                failures.add(line);
                err.println("gpu-sr mos: " + line);
            }
        }
        if (entries.isEmpty()) {
            // nothing usable: leave no half-made study behind (a folder that existed, empty, stays)
            Files.deleteIfExists(images);
            if (created) Files.deleteIfExists(folder);
            return new Outcome(null, failures);
        }
        Study study = new Study(Study.newId(), k, names, entries, folder.toAbsolutePath());
        study.writeManifest();
        return new Outcome(study, failures);
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s*\\R\\s*", " ");
    }

    /** The file name, or "name (2)", "name (3)"... when two inputs in different folders share it. */
    private static String uniqueName(String name, Set<String> taken) {
        if (!taken.contains(name)) return name;
        for (int i = 2; ; i++) if (!taken.contains(name + " (" + i + ")")) return name + " (" + i + ")";
    }

    /** The colour planes cropped to multiples of k (top-left kept, as MATLAB modcrop), 8-bit, no alpha. */
    static Image crop(Image img, int k) {
        float[][] planes = new float[img.planes().length][];
        int w = 0;
        int h = 0;
        for (int i = 0; i < planes.length; i++) {
            var p = SrProtocol.modcrop(img.planes()[i], img.width(), img.height(), k);
            planes[i] = p.data();
            w = p.width();
            h = p.height();
        }
        return new Image(w, h, planes, null, 8);
    }

    private static Study.Entry write(Path images, String id, String source, String method, String refId, Image img)
            throws IOException {
        Path file = images.resolve(id + ".png");
        ImageWriter.write(new Image(img.width(), img.height(), img.planes(), null, 8), file, ImageFormat.PNG, 100);
        return new Study.Entry(id, source, method, "images/" + id + ".png", Study.sha256(file), img.width(), img.height(), refId);
    }
}
