package dev.gpusr.mos;

import dev.gpusr.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report of one study in a ratings database: statistics ({@link MosStatistics}) as a text table or JSON. */
public final class MosReport {
    private final Study study;
    private final MosStatistics.Result result;

    private MosReport(Study study, MosStatistics.Result result) {
        this.study = study;
        this.result = result;
    }

    public Study study() {
        return study;
    }

    public MosStatistics.Result result() {
        return result;
    }

    /**
     * The report of a study in the database. {@code which}: a study folder, a manifest file or a study id; null when the
     * database holds exactly one study. Problems are IllegalArgumentExceptions with a one-line reason.
     */
    public static MosReport of(RatingStore store, String which, double minCorrelation) throws IOException {
        List<String> ids = store.studies();
        String id;
        if (which == null) {
            if (ids.isEmpty()) throw new IllegalArgumentException("the database holds no study yet (gpu-sr mos serve records it)");
            if (ids.size() > 1) throw new IllegalArgumentException("the database holds " + ids.size() + " studies ("
                    + String.join(", ", ids) + "); choose one with --study");
            id = ids.get(0);
        } else if (Study.isId(which) && !Files.exists(Path.of(which))) {
            id = which;
        } else {
            Path p = Path.of(which);
            Path manifest = Files.isDirectory(p) ? p.resolve(Study.MANIFEST) : p;
            if (!Files.isRegularFile(manifest)) throw new IllegalArgumentException(which + " is neither a study folder nor a study id");
            id = Study.parse(Files.readString(manifest), manifest.toAbsolutePath().getParent(), manifest).id();
        }
        String json = store.manifest(id);
        if (json == null) throw new IllegalArgumentException("the database has no study " + id + " (studies: " + String.join(", ", ids) + ")");
        Study study = Study.parse(json, null, "study " + id + " in the database");
        List<MosStatistics.Score> scores = new ArrayList<>();
        for (RatingStore.Rating r : store.ratings(id)) {
            scores.add(new MosStatistics.Score(r.rater(), r.image(), r.source(), r.method(), r.score()));
        }
        return new MosReport(study, MosStatistics.compute(scores, study.methods(), minCorrelation));
    }

    public static MosReport of(Study study, MosStatistics.Result result) {
        return new MosReport(study, result);
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        long kept = result.keptRaters();
        b.append(String.format(Locale.ROOT, "MOS study %s, x%d: %d ratings from %d raters; %d raters kept (%d ratings)%n",
                study.id(), study.scale(), result.ratings(), result.raters().size(), kept, result.keptRatings()));
        b.append(result.screened()
                ? String.format(Locale.ROOT, "screening: Pearson r with the other raters' mean >= %.2f%n", result.minCorrelation())
                : "screening: off\n");
        b.append(String.format(Locale.ROOT, "%n%-24s %6s %6s %6s %6s %17s%n", "method", "n", "raters", "MOS", "s.d.", "95% CI"));
        for (Map.Entry<String, MosStatistics.Summary> e : result.methods().entrySet()) {
            b.append(row(e.getKey(), e.getValue()));
        }
        if (!result.images().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n%-24s %6s %6s %6s %6s %17s%n", "image / method", "n", "raters", "MOS", "s.d.", "95% CI"));
            String last = null;
            for (MosStatistics.ImageMos im : result.images()) {
                if (!im.source().equals(last)) b.append(clip(im.source(), 60)).append('\n');
                last = im.source();
                b.append(row("  " + im.method(), im.summary()));
            }
        }
        b.append(String.format(Locale.ROOT, "%n%-34s %7s %6s %7s  %s%n", "rater", "ratings", "shared", "r", "screening"));
        for (MosStatistics.Rater r : result.raters()) {
            b.append(String.format(Locale.ROOT, "%-34s %7d %6d %7s  %s%n", r.id(), r.ratings(), r.shared(),
                    Double.isNaN(r.correlation()) ? "-" : String.format(Locale.ROOT, "%.3f", r.correlation()), r.reason()));
        }
        return b.toString();
    }

    private static String row(String name, MosStatistics.Summary s) {
        String ci = Double.isNaN(s.halfWidth()) ? "-" : String.format(Locale.ROOT, "%.3f - %.3f", s.low(), s.high());
        String sd = Double.isNaN(s.sd()) ? "-" : String.format(Locale.ROOT, "%.3f", s.sd());
        return String.format(Locale.ROOT, "%-24s %6d %6d %6.3f %6s %17s%n", clip(name, 24), s.n(), s.raters(), s.mean(), sd, ci);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    public String json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("study", study.id());
        out.put("scale", study.scale());
        out.put("confidence", MosStatistics.CONFIDENCE);
        Map<String, Object> screening = new LinkedHashMap<>();
        screening.put("enabled", result.screened());
        screening.put("minCorrelation", result.screened() ? result.minCorrelation() : null);
        out.put("screening", screening);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("ratings", result.ratings());
        counts.put("keptRatings", result.keptRatings());
        counts.put("raters", result.raters().size());
        counts.put("keptRaters", result.keptRaters());
        out.put("counts", counts);
        Map<String, Object> methods = new LinkedHashMap<>();
        for (Map.Entry<String, MosStatistics.Summary> e : result.methods().entrySet()) methods.put(e.getKey(), summary(e.getValue()));
        out.put("methods", methods);
        List<Object> images = new ArrayList<>();
        for (MosStatistics.ImageMos im : result.images()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", im.source());
            m.put("method", im.method());
            m.putAll(summary(im.summary()));
            images.add(m);
        }
        out.put("images", images);
        List<Object> raters = new ArrayList<>();
        for (MosStatistics.Rater r : result.raters()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rater", r.id());
            m.put("ratings", r.ratings());
            m.put("shared", r.shared());
            m.put("r", round(r.correlation()));
            m.put("kept", r.kept());
            m.put("reason", r.reason());
            raters.add(m);
        }
        out.put("raters", raters);
        return Json.write(out);
    }

    private static Map<String, Object> summary(MosStatistics.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.n());
        m.put("raters", s.raters());
        m.put("mos", round(s.mean()));
        m.put("sd", round(s.sd()));
        m.put("ci95", Double.isNaN(s.halfWidth()) ? null : List.of(round(s.low()), round(s.high())));
        return m;
    }

    private static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }
}
