package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.model.SrcnnConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' own data sets as they come: T91 (flat .bmp files), BSD200 (.jpg below nested folders), DIV2K (.png in a
 * folder per split), with upper-case extensions, TIFF, 16-bit and RGBA files, and a folder whose name
 * looks like an image. All of them train as they are.
 */
class ImageFolderLayoutsTest {
    @TempDir
    Path dir;

    private static void write(Image image, Path file, ImageFormat format) throws Exception {
        Files.createDirectories(file.getParent());
        ImageWriter.write(image, file, format, 95);
    }

    @Test
    void standardLayoutsAndOddFormatsAllTrain() throws Exception {
        write(TrainingData.rgb(40, 36, 1), dir.resolve("T91/t1.bmp"), ImageFormat.BMP);
        write(TrainingData.rgb(36, 40, 2), dir.resolve("T91/T2.BMP"), ImageFormat.BMP);
        write(TrainingData.rgb(48, 40, 3), dir.resolve("BSDS300/images/train/100075.jpg"), ImageFormat.JPG);
        write(TrainingData.rgb(40, 48, 4), dir.resolve("BSDS300/images/test/3096.JPG"), ImageFormat.JPG);
        write(TrainingData.rgb(44, 44, 5), dir.resolve("DIV2K/DIV2K_train_HR/0001.png"), ImageFormat.PNG);
        write(TrainingData.rgb(44, 40, 6), dir.resolve("tiff/scan.TIF"), ImageFormat.TIFF);
        Image deep = new Image(40, 40, new float[][] {TrainingData.texturedPlane(40, 40, 7)}, null, 16);
        write(deep, dir.resolve("16bit/gray16.png"), ImageFormat.PNG);
        BufferedImage rgba = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) rgba.setRGB(x, y, (x * 6) << 24 | (y * 6) << 8 | x * y);
        Files.createDirectories(dir.resolve("alpha"));
        assertTrue(ImageIO.write(rgba, "png", dir.resolve("alpha/rgba.png").toFile()));
        Files.createDirectories(dir.resolve("looks-like.png")); // a folder named like an image: walked into, not read
        Files.writeString(dir.resolve("DIV2K/readme.txt"), "not an image");

        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        PatchDataset data = PatchDataset.fromFolder(dir, new PatchDataset.Options(2, SrcnnConfig.ColorSpace.Y, 33, 14,
                PatchDataset.Augment.NONE), new PrintStream(warnings, true, StandardCharsets.UTF_8));
        String w = warnings.toString(StandardCharsets.UTF_8);
        assertEquals(8, data.pictureCount(), w);
        List<String> lines = w.lines().toList();
        assertEquals(1, lines.size(), w);
        assertTrue(lines.get(0).contains("readme.txt") && lines.get(0).contains("not an image"), w);
        assertTrue(data.size() >= 8, "every picture gives at least one 33x33 sub-image: " + data.size());
    }
}
