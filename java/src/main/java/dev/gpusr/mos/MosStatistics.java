package dev.gpusr.mos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mean opinion scores from a study's ratings. First rater screening, in the outline of ITU-R BT.500: each rater's
 * scores are correlated (Pearson r) with the mean score the other raters gave the same images; a rater whose r is
 * below the threshold (default 0.7), or who gave every image the same score, is dropped with all their ratings.
 * Screening needs at least {@value #MIN_RATERS_TO_SCREEN} raters and, per rater, at least
 * {@value #MIN_SHARED_IMAGES} images also rated by others; raters below that are kept and the reason is said. Then,
 * over the kept ratings, per method and per image and method: n, mean (the MOS), sample standard deviation (n - 1),
 * and the 95% confidence interval mean +- t(0.975, n - 1) s / sqrt(n) (Student's t; none for n = 1).
 */
public final class MosStatistics {
    public static final double DEFAULT_MIN_CORRELATION = 0.7;
    public static final int MIN_RATERS_TO_SCREEN = 3;
    public static final int MIN_SHARED_IMAGES = 3;
    public static final double CONFIDENCE = 0.95;

    private MosStatistics() {}

    /** One score: who gave it, to which image (source + method). */
    public record Score(String rater, String image, String source, String method, int score) {}

    /** n, mean, standard deviation and the 95% interval half-width (NaN when n < 2). */
    public record Summary(int n, int raters, double mean, double sd, double halfWidth) {
        public double low() {
            return mean - halfWidth;
        }

        public double high() {
            return mean + halfWidth;
        }
    }

    /** A rater's screening: ratings given, images shared with others, r (NaN when not computed), kept, and why. */
    public record Rater(String id, int ratings, int shared, double correlation, boolean kept, String reason) {}

    /** One image (source) under one method. */
    public record ImageMos(String source, String method, Summary summary) {}

    public record Result(double minCorrelation, boolean screened, List<Rater> raters, Map<String, Summary> methods,
            List<ImageMos> images, int ratings, int keptRatings) {
        public long keptRaters() {
            return raters.stream().filter(Rater::kept).count();
        }
    }

    /**
     * The statistics of the ratings. {@code methods} fixes the order of methods in the result (methods without ratings
     * are left out); {@code minCorrelation} NaN turns screening off.
     */
    public static Result compute(List<Score> scores, List<String> methods, double minCorrelation) {
        boolean screen = !Double.isNaN(minCorrelation);
        Map<String, Map<String, Integer>> byImage = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> byRater = new TreeMap<>();
        for (Score s : scores) {
            if (s.score() < 1 || s.score() > 5) throw new IllegalArgumentException("score out of 1..5: " + s);
            byImage.computeIfAbsent(s.image(), k -> new HashMap<>()).put(s.rater(), s.score());
            byRater.computeIfAbsent(s.rater(), k -> new LinkedHashMap<>()).put(s.image(), s.score());
        }
        List<Rater> raters = new ArrayList<>();
        Map<String, Boolean> kept = new HashMap<>();
        for (Map.Entry<String, Map<String, Integer>> r : byRater.entrySet()) {
            Rater result = screen(r.getKey(), r.getValue(), byImage, byRater.size(), screen ? minCorrelation : Double.NaN);
            raters.add(result);
            kept.put(r.getKey(), result.kept());
        }
        List<Score> use = new ArrayList<>();
        for (Score s : scores) if (kept.get(s.rater())) use.add(s);

        Map<String, List<Score>> perMethod = new LinkedHashMap<>();
        for (String m : methods) perMethod.put(m, new ArrayList<>());
        Map<String, Map<String, List<Score>>> perImage = new LinkedHashMap<>();
        for (Score s : use) {
            perMethod.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(s);
            perImage.computeIfAbsent(s.source(), k -> new LinkedHashMap<>()).computeIfAbsent(s.method(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Summary> methodMos = new LinkedHashMap<>();
        for (Map.Entry<String, List<Score>> e : perMethod.entrySet()) {
            if (!e.getValue().isEmpty()) methodMos.put(e.getKey(), summary(e.getValue()));
        }
        List<ImageMos> images = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Score>>> src : new TreeMap<>(perImage).entrySet()) {
            for (String m : methodMos.keySet()) {
                List<Score> list = src.getValue().get(m);
                if (list != null) images.add(new ImageMos(src.getKey(), m, summary(list)));
            }
        }
        return new Result(minCorrelation, screen, raters, methodMos, images, scores.size(), use.size());
    }

    private static Rater screen(String id, Map<String, Integer> mine, Map<String, Map<String, Integer>> byImage,
            int raterCount, double minCorrelation) {
        List<double[]> pairs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : mine.entrySet()) {
            double sum = 0;
            int n = 0;
            for (Map.Entry<String, Integer> other : byImage.get(e.getKey()).entrySet()) {
                if (other.getKey().equals(id)) continue;
                sum += other.getValue();
                n++;
            }
            if (n > 0) pairs.add(new double[] {e.getValue(), sum / n});
        }
        int shared = pairs.size();
        double r = pearson(pairs);
        if (Double.isNaN(minCorrelation)) return new Rater(id, mine.size(), shared, r, true, "screening off");
        if (raterCount < MIN_RATERS_TO_SCREEN) {
            return new Rater(id, mine.size(), shared, r, true, "not screened: fewer than " + MIN_RATERS_TO_SCREEN + " raters");
        }
        if (shared < MIN_SHARED_IMAGES) {
            return new Rater(id, mine.size(), shared, r, true, "not screened: fewer than " + MIN_SHARED_IMAGES
                    + " images rated by others too");
        }
        boolean constantMine = pairs.stream().allMatch(p -> p[0] == pairs.get(0)[0]);
        if (constantMine) {
            return new Rater(id, mine.size(), shared, Double.NaN, false, "dropped: gave every image the same score ("
                    + (int) pairs.get(0)[0] + ")");
        }
        if (Double.isNaN(r)) {
            return new Rater(id, mine.size(), shared, r, true, "not screened: the other raters' mean is the same on every image");
        }
        if (r < minCorrelation) {
            return new Rater(id, mine.size(), shared, r, false, String.format(java.util.Locale.ROOT,
                    "dropped: r = %.3f < %.2f with the other raters' mean over %d images", r, minCorrelation, shared));
        }
        return new Rater(id, mine.size(), shared, r, true, String.format(java.util.Locale.ROOT,
                "kept: r = %.3f >= %.2f over %d images", r, minCorrelation, shared));
    }

    /** Pearson's r of the pairs; NaN for fewer than 2 pairs or a constant side. */
    static double pearson(List<double[]> pairs) {
        int n = pairs.size();
        if (n < 2) return Double.NaN;
        double mx = 0;
        double my = 0;
        for (double[] p : pairs) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            double dx = p[0] - mx;
            double dy = p[1] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return Double.NaN;
        return sxy / Math.sqrt(sxx * syy);
    }

    static Summary summary(List<Score> scores) {
        int n = scores.size();
        double mean = 0;
        for (Score s : scores) mean += s.score();
        mean /= n;
        double ss = 0;
        for (Score s : scores) ss += (s.score() - mean) * (s.score() - mean);
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
        double half = n > 1 ? StudentT.quantile(0.5 + CONFIDENCE / 2, n - 1) * sd / Math.sqrt(n) : Double.NaN;
        long raters = scores.stream().map(Score::rater).distinct().count();
        return new Summary(n, (int) raters, mean, sd, half);
    }
}
