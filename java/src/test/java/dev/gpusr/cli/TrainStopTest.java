package dev.gpusr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.train.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (a real SIGINT) to a running {@code gpu-sr train} process: the stop checkpoint is written, not refused by
 * the temporary-file cleanup that runs in the same JVM shutdown, and a resumed run continues from it.
 */
class TrainStopTest {
    @TempDir
    Path dir;

    @Test
    void sigintWritesTheStopCheckpointAndResumeContinuesFromIt() throws Exception {
        Path train = Files.createDirectories(dir.resolve("train"));
        ImageWriter.write(TrainCommandTest.texture(48, 40, 1), train.resolve("a.png"), ImageFormat.PNG, 100);
        Path model = dir.resolve("m.safetensors");
        Path checkpoint = dir.resolve("m.ckpt.safetensors");
        Path log = dir.resolve("log.txt");
        Process p = CliTestSupport.start(log, "train", "--scale", "2", "--train", train.toString(), "--steps",
                "100000000", "--batch", "2", "--n1", "4", "--n2", "2", "--f1", "3", "--f3", "3", "--patch", "11",
                "--stride", "8", "--device", "cpu", "--threads", "1", "--checkpoint-every", "0", "--log-every", "1",
                "-o", model.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && p.isAlive() && !Files.readString(log).contains("step 2")) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "training ended before it could be interrupted:\n" + Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit after SIGINT");
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(text.contains("stopped at step") && text.contains("--resume"), text);
            assertTrue(!text.contains("not written"), text);
            assertTrue(Files.exists(checkpoint), "no stop checkpoint:\n" + text);
            long stoppedAt = Checkpoint.read(checkpoint).progress().step();
            assertTrue(stoppedAt >= 2, "checkpoint at step " + stoppedAt);
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(0, s.filter(f -> f.getFileName().toString().endsWith(".tmp")).count(), "temporary files");
            }
            TrainCommandTest.Run resumed = TrainCommandTest.run("--scale", "2", "--train", train.toString(), "--resume",
                    checkpoint.toString(), "--steps", Long.toString(stoppedAt + 2), "--device", "cpu", "--threads", "1",
                    "-o", model.toString());
            assertEquals(0, resumed.exit(), resumed.err());
            assertTrue(resumed.out().contains("steps " + stoppedAt + " to " + (stoppedAt + 2)), resumed.out());
        } finally {
            p.destroyForcibly();
        }
    }
}
