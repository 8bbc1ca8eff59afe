package dev.gpusr.mos;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order in which one rater sees a study's images: a Fisher-Yates shuffle seeded by SHA-256 of the study and rater
 * ids (SplitMix64 steps, written out here so the order never changes with the JDK), then, where possible, no two
 * images of the same source in a row (the next image of another source is moved up; what is left at the end is
 * moved to the first place between two other sources). The same rater always gets the
 * same order, so a rater who reloads or comes back resumes where they stopped.
 */
public final class RaterOrder {
    private RaterOrder() {}

    public static List<Study.Entry> of(Study study, String rater) {
        List<Study.Entry> list = new ArrayList<>(study.rated());
        long[] state = {seed(study.id() + ":" + rater)};
        for (int i = list.size() - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(next(state), i + 1);
            Collections.swap(list, i, j);
        }
        for (int i = 1; i < list.size(); i++) {
            if (!list.get(i).source().equals(list.get(i - 1).source())) continue;
            for (int j = i + 1; j < list.size(); j++) {
                if (!list.get(j).source().equals(list.get(i - 1).source())) {
                    list.add(i, list.remove(j));
                    break;
                }
            }
        }
        // what is left at the tail (one source only) goes to the first place between two other sources
        for (int pass = 0, n = list.size(); pass < n; pass++) {
            boolean moved = false;
            for (int i = 1; i < list.size(); i++) {
                if (!list.get(i).source().equals(list.get(i - 1).source())) continue;
                Study.Entry e = list.remove(i);
                int spot = -1;
                for (int j = 0; j <= list.size() && spot < 0; j++) {
                    boolean left = j == 0 || !list.get(j - 1).source().equals(e.source());
                    boolean right = j == list.size() || !list.get(j).source().equals(e.source());
                    if (left && right) spot = j;
                }
                list.add(spot < 0 ? i : spot, e);
                moved |= spot >= 0;
            }
            if (!moved) break;
        }
        return Collections.unmodifiableList(list);
    }

    private static long seed(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long next(long[] state) {
        long z = (state[0] += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
