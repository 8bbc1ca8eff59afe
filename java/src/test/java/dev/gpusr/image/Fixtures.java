package dev.gpusr.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The files made by java/src/test/fixtures/make_exif_icc.py (Pillow), as readable paths (also from a test jar). */
final class Fixtures {
    private Fixtures() {}

    static Path path(String name) {
        String res = "/dev/gpusr/image/fixtures/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("test resource " + res + " is missing");
            var url = Fixtures.class.getResource(res);
            if (url != null && url.getProtocol().equals("file")) return Path.of(url.toURI());
            Path tmp = Files.createTempFile("gpusr-fixture-", "-" + name);
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The planes as raw samples (exact: ImageReader gives v / max). */
    static Pixels pixels(Image img) {
        int c = img.planes().length + (img.alpha() != null ? 1 : 0);
        Pixels p = Pixels.allocate(img.width(), img.height(), c, img.bitDepth(), null);
        int max = p.maxValue();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int i = y * img.width() + x;
                for (int k = 0; k < img.planes().length; k++) p.setSample(x, y, k, Math.round(img.planes()[k][i] * max));
                if (img.alpha() != null) p.setSample(x, y, c - 1, Math.round(img.alpha()[i] * max));
            }
        }
        return p;
    }
}
