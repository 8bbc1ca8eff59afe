package dev.gpusr.image;

import dev.gpusr.util.AtomicFiles;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes PNG, JPEG (quality 1-100), BMP and TIFF. Values are clamped to [0, 1] and rounded to the image's bit depth
 * (16-bit only where the format holds it: PNG, TIFF); alpha is kept where the format holds it. The file appears
 * under its final name only when complete (temporary file + rename).
 */
public final class ImageWriter {
    private ImageWriter() {}

    /** TIFF's most widely readable lossless compression. */
    private static final String TIFF_COMPRESSION = "LZW";

    public static void write(Image image, Path file, ImageFormat format, int jpegQuality) throws ImageException {
        write(image, file, format, jpegQuality, null);
    }

    /** As {@link #write(Image, Path, ImageFormat, int)}, carrying an ICC profile (null: none) into PNG, JPEG, TIFF. */
    public static void write(Image image, Path file, ImageFormat format, int jpegQuality, byte[] iccProfile)
            throws ImageException {
        if (format == ImageFormat.JPG && (jpegQuality < 1 || jpegQuality > 100)) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + jpegQuality);
        }
        if (Files.isDirectory(file)) throw new ImageException("output path is a folder, not a file");
        if (format == ImageFormat.PNG) {
            Pixels px = PixelImages.toPixels(image);
            write(new Pixels(px.width(), px.height(), px.channels(), px.bitDepth(), px.samples(), iccProfile), file,
                    format, WriteOptions.defaults());
            return;
        }
        boolean losslessDeepFormat = holdsDeepSamples(format);
        BufferedImage buffered = toBufferedImage(image, losslessDeepFormat && image.bitDepth() == 16,
                losslessDeepFormat);
        encode(buffered, file, format, format == ImageFormat.JPG ? jpegQuality : WriteOptions.DEFAULT_JPEG_QUALITY, true,
                iccProfile);
    }

    /**
     * Writes raw samples as they are where the format holds them; otherwise alpha is dropped (JPEG, BMP) and 16-bit
     * samples are reduced to 8 bits by the one quantisation of v / 65535 (what writing the float image did). The
     * pixels' ICC profile is written into PNG, JPEG and TIFF.
     */
    public static void write(Pixels pixels, Path file, ImageFormat format, WriteOptions options) throws ImageException {
        if (Files.isDirectory(file)) throw new ImageException("output path is a folder, not a file");
        if (format == ImageFormat.PNG) { // gpu-sr's own encoder: Pillow-sized files, the ICC profile kept (iCCP)
            atomically(file, format, options.replaceExisting(),
                    out -> PngEncoder.write(pixels, out, options.pngCompression(), options.pngCodec()));
            return;
        }
        encode(PixelImages.toBufferedImage(pixels, holdsDeepSamples(format)), file, format, options.jpegQuality(),
                options.replaceExisting(), pixels.iccProfile());
    }

    /** PNG and TIFF hold 16-bit samples and alpha; JPEG and BMP hold neither. */
    public static boolean holdsDeepSamples(ImageFormat format) {
        return format == ImageFormat.PNG || format == ImageFormat.TIFF;
    }

    private static void encode(BufferedImage buffered, Path file, ImageFormat format, int jpegQuality,
            boolean replaceExisting, byte[] iccProfile) throws ImageException {
        String imageIoName = switch (format) {
            case PNG -> "png";
            case JPG -> "jpeg";
            case BMP -> "bmp";
            case TIFF -> "tiff";
        };
        Iterator<javax.imageio.ImageWriter> writers = ImageIO.getImageWritersByFormatName(imageIoName);
        if (!writers.hasNext()) throw new ImageException("this Java runtime has no " + imageIoName + " encoder");
        javax.imageio.ImageWriter writer = format == ImageFormat.JPG ? JpegProfiles.jdkWriter(writers) : writers.next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == ImageFormat.JPG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(jpegQuality / 100f);
            } else if (format == ImageFormat.TIFF) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(TIFF_COMPRESSION);
            }
            atomically(file, format, replaceExisting, IccEmbedding.wrap(out -> {
                // A memory cache, not ImageIO's default temporary file, so nothing is written outside the target folder.
                ImageOutputStream stream = new MemoryCacheImageOutputStream(out);
                writer.setOutput(stream);
                writer.write(null, new IIOImage(buffered, null, null), param);
                stream.close(); // flushes into out; does not close out
            }, format, iccProfile));
        } finally {
            writer.dispose();
        }
    }

    /** The file written through a temporary name, failures turned into one-line ImageExceptions. */
    private static void atomically(Path file, ImageFormat format, boolean replaceExisting, AtomicFiles.Writer body)
            throws ImageException {
        try {
            AtomicFiles.write(file, replaceExisting ? AtomicFiles.Mode.REPLACE : AtomicFiles.Mode.NO_REPLACE, body);
        } catch (NoSuchFileException e) {
            throw new ImageException("cannot write: folder " + parentOf(file) + " does not exist", e);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ImageException("output " + file + " appeared meanwhile (another run?); left as it is (use --overwrite)", e);
        } catch (AccessDeniedException e) {
            throw new ImageException("cannot write: permission denied in folder " + parentOf(file), e);
        } catch (IOException | RuntimeException e) {
            throw new ImageException("cannot write " + format.name() + ": " + ImageReader.reason(e), e);
        }
    }

    /**
     * The image as 8- or 16-bit gray or sRGB samples (values clamped to [0, 1], rounded half up, NaN as 0), with its
     * alpha when keepAlpha.
     */
    public static BufferedImage toBufferedImage(Image image, boolean sixteenBit, boolean keepAlpha) {
        boolean alpha = keepAlpha && image.alpha() != null;
        ColorSpace space = ColorSpace.getInstance(image.isGray() ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(space, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                sixteenBit ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        int w = image.width(), h = image.height();
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        int max = sixteenBit ? 65535 : 255;
        float[][] planes = image.planes();
        for (int c = 0; c < planes.length; c++) fillBand(raster, c, planes[c], max);
        if (alpha) fillBand(raster, planes.length, image.alpha(), max);
        return new BufferedImage(cm, raster, false, null);
    }

    private static void fillBand(WritableRaster raster, int band, float[] plane, int max) {
        int w = raster.getWidth(), h = raster.getHeight();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) row[x] = Samples.quantize(plane[base + x], max);
            raster.setSamples(0, y, w, 1, band, row);
        }
    }

    private static String parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? "/" : parent.toString();
    }
}
