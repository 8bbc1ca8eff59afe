package dev.gpusr.mos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrProtocol;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyPreparerTest {
    @TempDir
    Path dir;

    private static StudyMethods noEngine(String... methods) {
        return StudyMethods.open(List.of(methods), 3, w -> {
            throw new AssertionError("no engine needed");
        });
    }

    @Test
    void writesOpaqueImagesAndAVerifiableManifest() throws Exception {
        // 50x38 is cropped to 48x36 (multiples of 3)
        Image rgb = TestStudies.pattern(50, 38, 1, false);
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        ImageWriter.write(rgb, in.resolve("bird.png"), ImageFormat.PNG, 100);
        Path corrupt = in.resolve("broken.png");
        Files.write(corrupt, "not a png".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StudyPreparer.Outcome o;
        try (StudyMethods m = noEngine("bicubic", "original")) {
            o = StudyPreparer.prepare(List.of(corrupt, in.resolve("bird.png")), m, dir.resolve("study"), 1_000_000,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
        }
        assertEquals(1, o.failures().size(), "the corrupt input is reported, the other one prepared");
        assertTrue(o.failures().get(0).startsWith(corrupt.toString() + ": "), o.failures().get(0));

        Study s = Study.read(dir.resolve("study"));
        assertEquals(o.study().id(), s.id());
        assertEquals(3, s.scale());
        assertEquals(List.of("bicubic", "original"), s.methods());
        assertEquals(3, s.images().size());
        assertEquals(2, s.rated().size());
        Study.Entry ref = s.images().stream().filter(Study.Entry::isReference).findFirst().orElseThrow();
        for (Study.Entry e : s.images()) {
            assertEquals("bird.png", e.source());
            assertTrue(e.id().matches("[0-9a-f]{32}"), e.id());
            assertEquals("images/" + e.id() + ".png", e.file());
            assertFalse(e.file().contains(e.method()), "the file name says nothing of the method");
            assertEquals(48, e.width());
            assertEquals(36, e.height());
            assertEquals(ref.id(), e.reference());
            byte[] bytes = Files.readAllBytes(s.file(e));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), e.sha256());
        }
        // the reference is the original's top-left 48x36, pixel for pixel; the hidden reference is the same image
        BufferedImage refImg = ImageIO.read(s.file(ref).toFile());
        Study.Entry original = s.rated().stream().filter(e -> e.method().equals("original")).findFirst().orElseThrow();
        BufferedImage origImg = ImageIO.read(s.file(original).toFile());
        for (int y = 0; y < 36; y++) {
            for (int x = 0; x < 48; x++) {
                int expected = 0;
                for (int c = 0; c < 3; c++) expected = (expected << 8) | Math.round(rgb.planes()[c][y * 50 + x] * 255);
                assertEquals(expected, refImg.getRGB(x, y) & 0xffffff, "reference at " + x + "," + y);
                assertEquals(expected, origImg.getRGB(x, y) & 0xffffff);
            }
        }
        // no temporary files left
        try (var files = Files.list(dir.resolve("study/images"))) {
            assertEquals(3, files.count());
        }
    }

    /**
     * The study's bicubic image is the evaluation protocol's bicubic baseline: on a gray image its PSNR against the
     * reference equals what SrProtocol (as used by gpu-sr eval) computes from the original.
     */
    @Test
    void bicubicImageIsTheProtocolBaseline() throws Exception {
        Image gray = TestStudies.pattern(61, 47, 4, true);
        Path in = dir.resolve("gray.png");
        ImageWriter.write(gray, in, ImageFormat.PNG, 100);
        Study s;
        try (StudyMethods m = noEngine("bicubic")) {
            s = StudyPreparer.prepare(List.of(in), m, dir.resolve("study"), 1_000_000, new PrintStream(new ByteArrayOutputStream())).study();
        }
        Study.Entry bic = s.rated().get(0);
        Study.Entry ref = s.byId().get(bic.reference());
        assertEquals(60, bic.width());
        assertEquals(45, bic.height());
        Plane bicPlane = grayPlane(ImageIO.read(s.file(bic).toFile()));
        Plane refPlane = grayPlane(ImageIO.read(s.file(ref).toFile()));

        Plane hr = SrProtocol.lumaLevels(gray);
        Plane cropped = SrProtocol.modcrop(hr, 3);
        SrProtocol.Scores protocol = SrProtocol.score(cropped, SrProtocol.degrade(hr, 3), 3);
        assertArrayEquals(cropped.data(), refPlane.data(), 1e-7f);
        SrProtocol.Scores study = SrProtocol.score(refPlane, bicPlane, 3);
        assertEquals(protocol.psnr(), study.psnr(), 1e-9);
        assertEquals(protocol.ssim(), study.ssim(), 1e-9);
        assertTrue(protocol.psnr() > 10 && protocol.psnr() < 40, "a real degradation: " + protocol.psnr());
    }

    private static Plane grayPlane(BufferedImage img) {
        float[] p = new float[img.getWidth() * img.getHeight()];
        var raster = img.getRaster();
        assertEquals(1, raster.getNumBands());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) p[y * img.getWidth() + x] = raster.getSample(x, y, 0) / 255f;
        }
        return new Plane(p, img.getWidth(), img.getHeight());
    }

    @Test
    void refusesAFolderThatIsNotEmpty() throws Exception {
        Path out = dir.resolve("study");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        List<Path> inputs = TestStudies.writeInputs(dir.resolve("in"), 1, 30, 30);
        try (StudyMethods m = noEngine("bicubic")) {
            IOException e = assertThrows(IOException.class,
                    () -> StudyPreparer.prepare(inputs, m, out, 1_000_000, new PrintStream(new ByteArrayOutputStream())));
            assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        }
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void noUsableInputLeavesNoFolder() throws Exception {
        Path bad = dir.resolve("bad.png");
        Files.writeString(bad, "not an image");
        Path tiny = dir.resolve("tiny.png");
        ImageWriter.write(TestStudies.pattern(2, 2, 0, false), tiny, ImageFormat.PNG, 100);
        Path out = dir.resolve("study");
        StudyPreparer.Outcome o;
        try (StudyMethods m = noEngine("bicubic")) {
            o = StudyPreparer.prepare(List.of(bad, tiny), m, out, 1_000_000, new PrintStream(new ByteArrayOutputStream()));
        }
        assertEquals(null, o.study());
        assertEquals(2, o.failures().size());
        assertTrue(o.failures().get(1).contains("smaller than the scale factor 3"), o.failures().get(1));
        assertFalse(Files.exists(out));
    }

    @Test
    void methodListIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> noEngine("bicubic", "Bicubic"));
        assertThrows(IllegalArgumentException.class, () -> noEngine("bicubic", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> noEngine("nosuch.safetensors"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals("my_model_v2", StudyMethods.methodName("/x/y/my model v2.safetensors"));
    }

    @Test
    void tamperedStudiesAreRefused() throws Exception {
        Study s = TestStudies.make(dir, 1);
        Path manifest = s.folder().resolve(Study.MANIFEST);
        String good = Files.readString(manifest);
        Study.Entry e = s.rated().get(0);

        Files.writeString(manifest, good.replace("\"images/" + e.id() + ".png\"", "\"../../etc/passwd\""));
        assertTrue(assertThrows(IOException.class, () -> Study.read(s.folder())).getMessage().contains("file must be images/<id>.png"));
        Files.writeString(manifest, good.replace("\"method\":\"bicubic\"", "\"method\":\"secret\""));
        assertTrue(assertThrows(IOException.class, () -> Study.read(s.folder())).getMessage().contains("unknown method"));
        Files.writeString(manifest, good);
        assertNotNull(Study.read(s.folder()));
        byte[] png = Files.readAllBytes(s.file(e));
        png[png.length - 20] ^= 1;
        Files.write(s.file(e), png);
        assertTrue(assertThrows(IOException.class, () -> Study.read(s.folder())).getMessage().contains("has changed"));
    }
}
