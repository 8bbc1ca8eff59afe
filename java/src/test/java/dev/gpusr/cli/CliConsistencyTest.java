package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, option ranges and number formatting agree across the commands. */
class CliConsistencyTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        CliTestSupport.Run r = CliTestSupport.run("nosuch", "--help");
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("nosuch"), r.err());
        CliTestSupport.Run opt = CliTestSupport.run("eval", "--no-such-option", "--help");
        assertEquals(Main.USAGE, opt.exit(), opt.out() + opt.err());
        assertTrue(opt.err().contains("--no-such-option"), opt.err());
        assertEquals(Main.OK, CliTestSupport.run("eval", "--help").exit());
    }

    @Test
    void benchWithAnExplicitDeviceThatIsNotThereExits3InOneLine() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "--device", "99", "--quick", "--only", "cpu");
        assertEquals(Main.ENGINE_UNAVAILABLE, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("gpu-sr: GPU 99 requested, but "), r.err());
        assertEquals("", r.out(), "nothing was benchmarked");
    }

    @Test
    void scaleAcceptsExactlyWhatTheHelpSays() throws Exception {
        Path img = flat(dir.resolve("f.png"));
        for (String command : new String[] {"upscale", "eval", "degrade", "train"}) {
            String help = CliTestSupport.run(command, "--help").out().replaceAll("\\s+", " ");
            assertTrue(help.contains(ScaleOption.RANGE), command + " help:\n" + help);
            assertFalse(help.contains("(2, 3, 4, ...)"), help);
        }
        for (String k : new String[] {"0", "9"}) {
            CliTestSupport.Run eval = CliTestSupport.run("eval", "--device", "cpu", "--scale", k, img.toString());
            assertEquals(Main.USAGE, eval.exit(), eval.err());
            assertTrue(eval.err().contains("--scale must be 1 to 8, got " + k), eval.err());
            CliTestSupport.Run degrade = CliTestSupport.run("degrade", "--scale", k, img.toString(), "-o",
                    dir.resolve("d").toString());
            assertEquals(Main.USAGE, degrade.exit(), degrade.err());
        }
        CliTestSupport.Run demo = CliTestSupport.run("demo", "--scale", "5", "-o", dir.resolve("demo").toString());
        assertEquals(Main.USAGE, demo.exit(), demo.err());
        assertTrue(demo.err().contains("2, 3 or 4"), demo.err());
        assertFalse(Files.exists(dir.resolve("demo")), "nothing created before the options are checked");
        CliTestSupport.Run gpu = CliTestSupport.run("demo", "--device", "99", "-o", dir.resolve("demo").toString());
        assertEquals(Main.ENGINE_UNAVAILABLE, gpu.exit(), gpu.err());
        assertFalse(Files.exists(dir.resolve("demo")), "nothing created before the device is known to be good");
    }

    @Test
    void aModelWhoseShapeOverflowsIsAUsageErrorInOneLine() throws Exception {
        String header = "{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,1,1],"
                + "\"data_offsets\":[0,4]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        file.write(h);
        file.write(new byte[4]);
        Path model = Files.write(dir.resolve("huge.safetensors"), file.toByteArray());
        CliTestSupport.Run r = CliTestSupport.run("eval", "--device", "cpu", "--scale", "3", "--model", model.toString(),
                flat(dir.resolve("f.png")).toString());
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("impossible shape"), r.err());
    }

    @Test
    void infiniteAndNanPsnrPrintAsInfAndNa() throws Exception {
        assertEquals("inf", Metrics.psnrText(Double.POSITIVE_INFINITY, 3));
        assertEquals("n/a", Metrics.psnrText(Double.NaN, 2));
        assertEquals("31.416", Metrics.psnrText(Math.PI * 10, 3));
        assertEquals("+1.50", Metrics.psnrGainText(30, 31.5, 2));
        assertEquals("inf", Metrics.psnrGainText(30, Double.POSITIVE_INFINITY, 2));
        // A flat image: bicubic restores it exactly, so its PSNR is infinite and the mean over finite ones is NaN.
        CliTestSupport.Run r = CliTestSupport.run("eval", "--device", "cpu", "--scale", "3", flat(dir.resolve("f.png")).toString());
        assertEquals(Main.OK, r.exit(), r.err());
        String row = r.out().lines().filter(l -> l.startsWith("f.png")).findFirst().orElseThrow();
        assertTrue(row.matches(".*\\binf\\b.*"), row);
        String mean = r.out().lines().filter(l -> l.startsWith("mean")).findFirst().orElseThrow();
        assertTrue(mean.contains("n/a"), mean);
        assertFalse(r.out().contains("Infinity") || r.out().contains("NaN"), r.out());
    }

    @Test
    void evalPrintsPointDecimalsUnderAGermanLocale() throws Exception {
        Path img = dir.resolve("s.png");
        ImageWriter.write(EvalCommandTest.smooth(30, 30), img, ImageFormat.PNG, 100);
        Locale before = Locale.getDefault();
        Locale beforeFormat = Locale.getDefault(Locale.Category.FORMAT);
        CliTestSupport.Run r;
        try {
            Locale.setDefault(Locale.GERMANY);
            r = CliTestSupport.run("eval", "--device", "cpu", "--scale", "3", img.toString());
        } finally {
            Locale.setDefault(before);
            Locale.setDefault(Locale.Category.FORMAT, beforeFormat);
        }
        assertEquals(Main.OK, r.exit(), r.err());
        String row = r.out().lines().filter(l -> l.startsWith("s.png")).findFirst().orElseThrow();
        assertTrue(row.matches(".*\\d+\\.\\d{3} +\\d\\.\\d{4} +\\d+\\.\\d{3} +\\d\\.\\d{4}\\s*"), row);
        assertFalse(r.out().matches("(?s).*\\d,\\d.*"), r.out());
    }

    private static Path flat(Path p) throws Exception {
        if (Files.exists(p)) return p;
        float[] v = new float[36 * 36];
        Arrays.fill(v, 128 / 255f);
        ImageWriter.write(new Image(36, 36, new float[][] {v, v.clone(), v.clone()}, null, 8), p, ImageFormat.PNG, 100);
        return p;
    }
}
