package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.mos.RatingStore;
import dev.gpusr.mos.Study;
import dev.gpusr.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpu-sr mos prepare and report through the CLI (serve runs until stopped; its endpoints are tested in dev.gpusr.mos). */
class MosCommandTest {
    @TempDir
    Path dir;

    @Test
    void prepareWithTheBundledModelThenReport() throws Exception {
        Path in = Files.createDirectories(dir.resolve("photos"));
        ImageWriter.write(EvalCommandTest.smooth(40, 31), in.resolve("a.png"), ImageFormat.PNG, 100);
        ImageWriter.write(EvalCommandTest.smooth(33, 36), in.resolve("b.png"), ImageFormat.PNG, 100);
        Path studyDir = dir.resolve("study");
        CliTestSupport.Run run = CliTestSupport.run("mos", "prepare", "--scale", "3", "--device", "cpu", "--methods",
                "bicubic,srcnn,original", in.toString(), "-o", studyDir.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("2 sources x 3 methods = 6 images to rate (x3)"), run.err());
        Study study = Study.read(studyDir);
        assertEquals(List.of("bicubic", "srcnn", "original"), study.methods());
        assertEquals(List.of("a.png", "b.png"), study.sources());
        Study.Entry a = study.rated().stream().filter(e -> e.source().equals("a.png")).findFirst().orElseThrow();
        assertEquals(39, a.width(), "cropped to a multiple of 3");
        assertEquals(30, a.height());

        // a second prepare into the same folder is refused, the study untouched
        CliTestSupport.Run again = CliTestSupport.run("mos", "prepare", "--scale", "3", "--methods", "bicubic",
                in.toString(), "-o", studyDir.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not empty"), again.err());
        Study.read(studyDir);

        // three raters score all six images; srcnn above bicubic
        Path db = dir.resolve("ratings.db");
        Map<String, int[]> byMethod = Map.of("bicubic", new int[] {2, 3, 2}, "srcnn", new int[] {4, 3, 4}, "original", new int[] {5, 5, 4});
        try (RatingStore store = RatingStore.open(db)) {
            store.addStudy(study);
            for (int r = 0; r < 3; r++) {
                String rater = String.format("%032x", r + 1);
                for (Study.Entry e : study.rated()) {
                    int score = byMethod.get(e.method())[r];
                    if (e.source().equals("b.png") && e.method().equals("bicubic")) score = 1;
                    store.add(new RatingStore.Rating(study.id(), rater, e.id(), e.source(), e.method(), score, 1, "2026-11-28T07:00:00Z"));
                }
            }
        }
        Path plot = dir.resolve("mos.png");
        CliTestSupport.Run json = CliTestSupport.run("mos", "report", "--db", db.toString(), "--json", "--plot", plot.toString());
        assertEquals(0, json.exit(), json.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.parse(json.out().trim());
        assertEquals(study.id(), out.get("study"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> methods = (Map<String, Map<String, Object>>) out.get("methods");
        assertEquals(List.of("bicubic", "srcnn", "original"), List.copyOf(methods.keySet()));
        // bicubic: a.png 2,3,2 and b.png 1,1,1: mean 10/6
        assertEquals(10.0 / 6, ((Number) methods.get("bicubic").get("mos")).doubleValue(), 1e-6);
        assertEquals(6L, methods.get("bicubic").get("n"));
        assertEquals(3L, methods.get("bicubic").get("raters"));
        assertEquals(22.0 / 6, ((Number) methods.get("srcnn").get("mos")).doubleValue(), 1e-6);
        assertNotNull(methods.get("srcnn").get("ci95"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> images = (List<Map<String, Object>>) out.get("images");
        assertEquals(6, images.size());
        assertEquals("a.png", images.get(0).get("source"));
        assertEquals(7.0 / 3, ((Number) images.get(0).get("mos")).doubleValue(), 1e-6);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> raters = (List<Map<String, Object>>) out.get("raters");
        assertEquals(3, raters.size());
        BufferedImage chart = ImageIO.read(plot.toFile());
        assertEquals(800, chart.getWidth());
        // an earlier chart may be replaced; the database or another file never
        assertEquals(0, CliTestSupport.run("mos", "report", "--db", db.toString(), "--plot", plot.toString()).exit());
        long dbSize = Files.size(db);
        CliTestSupport.Run self = CliTestSupport.run("mos", "report", "--db", db.toString(), "--plot", db.toString());
        assertEquals(2, self.exit());
        assertTrue(self.err().contains("is the database"), self.err());
        assertEquals(dbSize, Files.size(db));
        Path notes = Files.writeString(dir.resolve("notes.png"), "my notes");
        assertEquals(2, CliTestSupport.run("mos", "report", "--db", db.toString(), "--plot", notes.toString()).exit());
        assertEquals("my notes", Files.readString(notes));

        CliTestSupport.Run text = CliTestSupport.run("mos", "report", "--db", db.toString(), "--study", studyDir.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("18 ratings from 3 raters"), text.out());
        assertTrue(text.out().matches("(?s).*\\nbicubic\\s+6\\s+3\\s+1\\.667 .*"), text.out());
    }

    @Test
    void helpIsClean() {
        for (String[] args : new String[][] {{"mos", "--help"}, {"mos", "prepare", "--help"}, {"mos", "serve", "--help"},
                {"mos", "report", "--help"}}) {
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(0, r.exit(), String.join(" ", args));
            assertTrue(r.out().startsWith("Usage: gpu-sr mos"), r.out());
            assertTrue(!r.err().contains("WARN") && !r.out().contains("%n") && !r.out().contains("%%"), r.out() + r.err());
        }
        assertTrue(CliTestSupport.run("mos", "--help").out().contains("95% CIs"));
    }

    @Test
    void usageErrors() throws Exception {
        assertEquals(2, CliTestSupport.run("mos").exit());
        CliTestSupport.Run r = CliTestSupport.run("mos", "serve", dir.resolve("nothing").toString(), "--db", dir.resolve("r.db").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a study folder"), r.err());
        r = CliTestSupport.run("mos", "report", "--db", dir.resolve("none.db").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("does not exist"), r.err());
        r = CliTestSupport.run("mos", "prepare", "--scale", "3", "--methods", "bicubic,nosuch.safetensors", dir.toString(), "-o",
                dir.resolve("s").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("nosuch.safetensors"), r.err());
    }
}
