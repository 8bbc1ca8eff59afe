package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaterOrderTest {
    /** 6 sources x 3 methods, no files needed: the order only uses ids and sources. */
    private static Study study() {
        List<Study.Entry> images = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            String ref = String.format("%032x", 1000 + s);
            images.add(new Study.Entry(ref, "src" + s, Study.REFERENCE, "images/" + ref + ".png", "0".repeat(64), 9, 9, ref));
            for (String m : List.of("bicubic", "srcnn", "original")) {
                String id = String.format("%032x", images.size() * 7919L);
                images.add(new Study.Entry(id, "src" + s, m, "images/" + id + ".png", "0".repeat(64), 9, 9, ref));
            }
        }
        return new Study("f".repeat(32), 3, List.of("bicubic", "srcnn", "original"), images, Path.of("."));
    }

    @Test
    void stablePerRaterDifferentBetweenRaters() {
        Study s = study();
        List<Study.Entry> a = RaterOrder.of(s, "a".repeat(32));
        assertEquals(a, RaterOrder.of(s, "a".repeat(32)), "the same rater gets the same order");
        assertEquals(18, a.size());
        assertEquals(new HashSet<>(s.rated()), new HashSet<>(a), "a permutation of the rated images (no references)");
        int differ = 0;
        for (int r = 0; r < 20; r++) {
            if (!RaterOrder.of(s, Study.newId()).equals(a)) differ++;
        }
        assertEquals(20, differ, "random raters get other orders");
        // first images spread over positions: each image is first for some rater among 400
        HashSet<String> firsts = new HashSet<>();
        for (int r = 0; r < 400; r++) firsts.add(RaterOrder.of(s, String.format("%032x", r)).get(0).id());
        assertEquals(18, firsts.size());
    }

    @Test
    void noSourceTwiceInARow() {
        Study s = study();
        for (int r = 0; r < 50; r++) {
            List<Study.Entry> o = RaterOrder.of(s, String.format("%032x", r));
            for (int i = 1; i < o.size(); i++) {
                assertNotEquals(o.get(i - 1).source(), o.get(i).source(), "rater " + r + " position " + i);
            }
        }
    }
}
