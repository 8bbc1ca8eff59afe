package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MosStatisticsTest {
    private static final List<String> METHODS = List.of("bicubic", "srcnn");

    /**
     * Five raters, one source, two methods, computed by hand:
     *
     * <pre>
     * bicubic: 3 4 2 3 3   mean 15/5 = 3.0   deviations 0 1 -1 0 0  SS = 2    s^2 = 2/4 = 0.5  s = 0.707107
     * srcnn:   4 5 5 3 4   mean 21/5 = 4.2   deviations -.2 .8 .8 -1.2 -.2  SS = .04+.64+.64+1.44+.04 = 2.8
     *                                                                   s^2 = 2.8/4 = 0.7  s = 0.836660
     * t(0.975, 4) = 2.776445 (printed tables: 2.776)
     * bicubic: half = 2.776445 * 0.707107 / sqrt(5) = 2.776445 * 0.316228 = 0.877989  CI 2.122011 .. 3.877989
     * srcnn:   half = 2.776445 * 0.836660 / sqrt(5) = 2.776445 * 0.374166 = 1.038851  CI 3.161149 .. 5.238851
     * </pre>
     *
     * Each rater shares only 2 images with the others (fewer than 3): none is screened, all are kept.
     */
    @Test
    void handComputedTable() {
        int[] bicubic = {3, 4, 2, 3, 3};
        int[] srcnn = {4, 5, 5, 3, 4};
        List<MosStatistics.Score> scores = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            scores.add(new MosStatistics.Score("r" + r, "img-b", "a.png", "bicubic", bicubic[r]));
            scores.add(new MosStatistics.Score("r" + r, "img-s", "a.png", "srcnn", srcnn[r]));
        }
        MosStatistics.Result res = MosStatistics.compute(scores, METHODS, MosStatistics.DEFAULT_MIN_CORRELATION);
        MosStatistics.Summary b = res.methods().get("bicubic");
        assertEquals(5, b.n());
        assertEquals(5, b.raters());
        assertEquals(3.0, b.mean(), 1e-12);
        assertEquals(0.707107, b.sd(), 1e-6);
        assertEquals(2.122011, b.low(), 1e-6);
        assertEquals(3.877989, b.high(), 1e-6);
        MosStatistics.Summary s = res.methods().get("srcnn");
        assertEquals(4.2, s.mean(), 1e-12);
        assertEquals(0.836660, s.sd(), 1e-6);
        assertEquals(3.161149, s.low(), 1e-6);
        assertEquals(5.238851, s.high(), 1e-6);
        assertEquals(10, res.ratings());
        assertEquals(10, res.keptRatings());
        assertEquals(5, res.keptRaters());
        for (MosStatistics.Rater r : res.raters()) {
            assertTrue(r.kept());
            assertTrue(r.reason().startsWith("not screened: fewer than 3 images"), r.reason());
        }
        // per image: one source, so the same numbers
        assertEquals(2, res.images().size());
        assertEquals(3.0, res.images().get(0).summary().mean(), 1e-12);
        assertEquals("srcnn", res.images().get(1).method());
        assertEquals(1.038851, res.images().get(1).summary().halfWidth(), 1e-6);
    }

    @Test
    void aSingleRatingHasNoInterval() {
        MosStatistics.Result res = MosStatistics.compute(
                List.of(new MosStatistics.Score("r", "i", "a.png", "bicubic", 4)), METHODS, 0.7);
        MosStatistics.Summary b = res.methods().get("bicubic");
        assertEquals(1, b.n());
        assertEquals(4, b.mean(), 0);
        assertTrue(Double.isNaN(b.halfWidth()));
        assertFalse(res.methods().containsKey("srcnn"), "a method without ratings is left out");
        assertTrue(res.raters().get(0).reason().contains("fewer than 3 raters"));
    }

    /**
     * Ten images (5 sources x 2 methods), four consistent raters g1..g4 and one who scores 6 - q (anti-correlated).
     * Pearson r of each rater with the mean of the other four on the same images (numpy corrcoef): g1 0.9309,
     * g2 0.9027, g3 0.8360, g4 0.8249, anti -0.9832, so only anti is dropped. Kept g1..g4: bicubic (even images)
     * n 20, MOS 2.35, s 1.225819, t(0.975, 19) 2.093024, half 0.573701; srcnn n 20, MOS 3.45, s 1.145931,
     * half 0.536312 (scipy stats.t.ppf for t). Then a sixth rater who gives every image 3 is added: dropped too.
     */
    @Test
    void screeningDropsTheAntiCorrelatedRater() {
        Map<String, int[]> raters = new java.util.LinkedHashMap<>();
        int[] q = {2, 3, 1, 2, 4, 5, 3, 4, 1, 3};
        raters.put("g1", q);
        raters.put("g2", new int[] {2, 4, 1, 2, 4, 5, 3, 5, 1, 3});
        raters.put("g3", new int[] {3, 3, 1, 1, 4, 5, 2, 4, 2, 3});
        raters.put("g4", new int[] {2, 3, 2, 2, 5, 4, 3, 4, 1, 4});
        int[] anti = new int[10];
        for (int i = 0; i < 10; i++) anti[i] = 6 - q[i];
        raters.put("anti", anti);
        MosStatistics.Result res = MosStatistics.compute(scores(raters), METHODS, 0.7);
        Map<String, MosStatistics.Rater> by = new java.util.HashMap<>();
        for (MosStatistics.Rater r : res.raters()) by.put(r.id(), r);
        assertEquals(0.9308544, by.get("g1").correlation(), 1e-6);
        assertEquals(0.9027306, by.get("g2").correlation(), 1e-6);
        assertEquals(0.8360172, by.get("g3").correlation(), 1e-6);
        assertEquals(0.8249432, by.get("g4").correlation(), 1e-6);
        assertEquals(-0.9831988, by.get("anti").correlation(), 1e-6);
        assertFalse(by.get("anti").kept());
        assertTrue(by.get("anti").reason().startsWith("dropped: r = -0.983 < 0.70"), by.get("anti").reason());
        for (String g : List.of("g1", "g2", "g3", "g4")) assertTrue(by.get(g).kept(), g);
        assertEquals(4, res.keptRaters());
        assertEquals(50, res.ratings());
        assertEquals(40, res.keptRatings());
        MosStatistics.Summary b = res.methods().get("bicubic");
        assertEquals(20, b.n());
        assertEquals(4, b.raters());
        assertEquals(2.35, b.mean(), 1e-12);
        assertEquals(1.2258187, b.sd(), 1e-6);
        assertEquals(0.5737008, b.halfWidth(), 1e-6);
        MosStatistics.Summary s = res.methods().get("srcnn");
        assertEquals(3.45, s.mean(), 1e-12);
        assertEquals(0.5363122, s.halfWidth(), 1e-6);

        // without screening the anti-correlated rater pulls both means towards 3
        MosStatistics.Result all = MosStatistics.compute(scores(raters), METHODS, Double.NaN);
        assertEquals(5, all.keptRaters());
        assertEquals((2.35 * 20 + (6 * 5 - 2 - 1 - 4 - 3 - 1)) / 25, all.methods().get("bicubic").mean(), 1e-12);

        // a rater who gives every image the same score is dropped
        raters.put("flat", new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3});
        MosStatistics.Result flat = MosStatistics.compute(scores(raters), METHODS, 0.7);
        MosStatistics.Rater f = flat.raters().stream().filter(r -> r.id().equals("flat")).findFirst().orElseThrow();
        assertFalse(f.kept());
        assertTrue(f.reason().contains("same score (3)"), f.reason());
    }

    private static List<MosStatistics.Score> scores(Map<String, int[]> raters) {
        List<MosStatistics.Score> out = new ArrayList<>();
        for (Map.Entry<String, int[]> e : raters.entrySet()) {
            for (int i = 0; i < e.getValue().length; i++) {
                out.add(new MosStatistics.Score(e.getKey(), "img" + i, "s" + (i / 2) + ".png", i % 2 == 0 ? "bicubic" : "srcnn",
                        e.getValue()[i]));
            }
        }
        return out;
    }

    @Test
    void pearsonOfKnownPairs() {
        // x = 1..4, y = 2x + 1: r = 1; y reversed: r = -1; y = (1, 3, 2, 4): r = 0.8 (sxy 4, sxx 5, syy 5)
        List<double[]> p = List.of(new double[] {1, 1}, new double[] {2, 3}, new double[] {3, 2}, new double[] {4, 4});
        assertEquals(0.8, MosStatistics.pearson(p), 1e-12);
        assertEquals(-1, MosStatistics.pearson(List.of(new double[] {1, 4}, new double[] {2, 3}, new double[] {3, 2})), 1e-12);
        assertTrue(Double.isNaN(MosStatistics.pearson(List.of(new double[] {1, 2}, new double[] {1, 3}))));
    }
}
