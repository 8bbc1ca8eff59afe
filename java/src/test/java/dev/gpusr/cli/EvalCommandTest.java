package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.testing.Golden;
import dev.gpusr.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval --json prints exactly one JSON object whose numbers follow the protocol. */
class EvalCommandTest {
    @TempDir
    Path dir;

    /** A smooth gradient with detail, so bicubic is far from perfect but meaningful. */
    static Image smooth(int w, int h) {
        float[][] p = new float[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[0][y * w + x] = (float) (0.5 + 0.4 * Math.sin(x * 0.7) * Math.cos(y * 0.3));
                p[1][y * w + x] = (float) (0.5 + 0.3 * Math.sin((x + y) * 0.2));
                p[2][y * w + x] = (float) (0.2 + 0.6 * x / w);
            }
        }
        for (float[] plane : p) for (int i = 0; i < plane.length; i++) plane[i] = Math.round(plane[i] * 255f) / 255f;
        return new Image(w, h, p, null, 8);
    }

    @Test
    void jsonHasTheDocumentedShapeAndTheProtocolsBicubicScore() throws Exception {
        Image hr = smooth(50, 41);
        Path a = dir.resolve("a.png");
        ImageWriter.write(hr, a, ImageFormat.PNG, 100);
        Files.writeString(dir.resolve("broken.png"), "nope");
        Path model = Golden.path("srcnn915_y.weights.safetensors");

        CliTestSupport.Run r = CliTestSupport.run("eval", "--json", "--device", "cpu", "--model", model.toString(),
                a.toString(), dir.resolve("broken.png").toString());

        assertEquals(Main.SOME_FAILED, r.exit(), r.err());
        assertTrue(r.err().contains("broken.png: "), r.err());
        String out = r.out().trim();
        assertEquals(1, out.lines().count(), "exactly one line of JSON:\n" + out);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(out);
        assertEquals(3L, json.get("scale"));
        assertEquals("cpu", json.get("device"));
        List<?> images = (List<?>) json.get("images");
        assertEquals(1, images.size());
        Map<?, ?> img = (Map<?, ?>) images.get(0);
        assertEquals("a.png", img.get("name"));
        assertEquals(50L, img.get("width"));
        assertEquals(41L, img.get("height"));

        Plane y = SrProtocol.modcrop(SrProtocol.lumaLevels(hr), 3);
        SrProtocol.Scores expect = SrProtocol.score(y, SrProtocol.degrade(y, 3), 3);
        Map<?, ?> bic = (Map<?, ?>) img.get("bicubic");
        assertEquals(expect.psnr(), ((Number) bic.get("psnr")).doubleValue(), 1e-4);
        assertEquals(expect.ssim(), ((Number) bic.get("ssim")).doubleValue(), 1e-6);
        Map<?, ?> mean = (Map<?, ?>) json.get("mean");
        assertEquals(((Number) bic.get("psnr")).doubleValue(), ((Number) ((Map<?, ?>) mean.get("bicubic")).get("psnr")).doubleValue(), 1e-9);
        assertTrue(((Map<?, ?>) img.get("srcnn")).get("psnr") instanceof Number);
    }
}
