import dev.gpusr.image.Image;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.ImageWriter;
import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes each photograph of a folder as an 8-bit gray PNG of the Y levels gpu-sr trains and scores on
 * ({@link SrProtocol#lumaLevels}: rgb2ycbcr's Y rounded to 8 bits). gpu-sr takes a gray image's plane as its Y, so a
 * Y model trains and evaluates on these files exactly as on the originals, from a third of the bytes.
 *
 * <p>Not part of the build: pack-training-set.sh runs it with the jar on the class path
 * ({@code java -cp gpu-sr.jar:lib/* PackLuma SRC_DIR OUT_DIR}).
 */
public final class PackLuma {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PackLuma SRC_DIR OUT_DIR");
            System.exit(2);
        }
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        List<Path> files;
        try (Stream<Path> s = Files.list(src)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            Image image = ImageReader.read(f, ImageReader.DEFAULT_MAX_PIXELS);
            Plane y = SrProtocol.lumaLevels(image);
            String name = f.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".png";
            Path tmp = out.resolve(name + ".tmp");
            ImageWriter.write(new Image(y.width(), y.height(), new float[][] {y.data()}, null, 8), tmp, ImageFormat.PNG, 0);
            Files.move(tmp, out.resolve(name));
        }
        System.out.println(files.size() + " pictures -> " + out);
    }
}
