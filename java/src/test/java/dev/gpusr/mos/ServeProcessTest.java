package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpu-sr mos serve} in its own JVM, killed with SIGKILL right after answering a rating: the rating is in the
 * database afterwards (each rating is committed before the answer), and a new server appends to the same file.
 */
class ServeProcessTest {
    @TempDir
    Path dir;

    private static Process serve(Path study, Path db, BlockingQueue<String> lines) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), "dev.gpusr.cli.Main",
                "mos", "serve", study.toString(), "--db", db.toString(), "--port", "0").redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static int port(BlockingQueue<String> lines) throws InterruptedException {
        Pattern url = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
        StringBuilder seen = new StringBuilder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) continue;
            seen.append(line).append('\n');
            Matcher m = url.matcher(line);
            if (m.find()) return Integer.parseInt(m.group(1));
        }
        throw new AssertionError("the server did not start:\n" + seen);
    }

    /** Rates the next image of a new rater; returns the image id. */
    private static String rateOne(int port, int score) throws Exception {
        RawHttp.Response page = RawHttp.get(port, "/");
        assertEquals(200, page.status());
        String cookie = page.header("Set-Cookie").split(";")[0];
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(page.text());
        Matcher image = Pattern.compile("name=\"image\" value=\"([0-9a-f]{32})\"").matcher(page.text());
        assertTrue(csrf.find() && image.find());
        RawHttp.Response r = RawHttp.post(port, "/rate", "image=" + image.group(1) + "&score=" + score + "&csrf=" + csrf.group(1),
                "Cookie: " + cookie, "Origin: http://127.0.0.1:" + port);
        assertEquals(303, r.status(), r.text());
        return image.group(1);
    }

    @Test
    void aKilledServerLosesNoAnsweredRating() throws Exception {
        Study study = TestStudies.make(dir, 1);
        Path db = dir.resolve("ratings.db");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = serve(study.folder(), db, lines);
        String first;
        try {
            first = rateOne(port(lines), 4);
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            p.waitFor(30, TimeUnit.SECONDS);
        }
        BlockingQueue<String> lines2 = new LinkedBlockingQueue<>();
        Process second = serve(study.folder(), db, lines2);
        String other;
        try {
            other = rateOne(port(lines2), 2);
        } finally {
            second.destroy(); // SIGTERM: the shutdown hook closes the server and the database
            second.waitFor(30, TimeUnit.SECONDS);
        }
        try (RatingStore store = RatingStore.open(db)) {
            List<RatingStore.Rating> ratings = store.ratings(study.id());
            assertEquals(2, ratings.size());
            assertEquals(first, ratings.get(0).image());
            assertEquals(4, ratings.get(0).score());
            assertEquals(other, ratings.get(1).image());
            assertEquals(2, ratings.get(1).score());
        }
    }
}
