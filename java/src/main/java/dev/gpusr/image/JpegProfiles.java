package dev.gpusr.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Which JPEG decoder reads what. Ordinary (gray, YCbCr, RGB) JPEGs: always the JDK's reader, whatever other plugins
 * are registered, so adding TwelveMonkeys changes nothing for them (same samples, same truncation warnings). CMYK and
 * YCCK JPEGs, which the JDK refuses: TwelveMonkeys, converted to sRGB through the file's CMYK profile, or its default
 * CMYK profile when there is none.
 *
 * <p>Also keeps the JDK's JPEG reader from converting the samples of a JPEG with an embedded ICC profile to sRGB (by default
 * it does, while PNG and TIFF keep their samples as stored): gpu-sr works in every file's own encoded values and
 * carries the profile to the output instead.
 */
final class JpegProfiles {
    private JpegProfiles() {}

    /** The JDK's own JPEG reader among {@code readers} (the first one when it is absent); the others are disposed of. */
    static javax.imageio.ImageReader jdkReader(Iterator<javax.imageio.ImageReader> readers) {
        List<javax.imageio.ImageReader> all = new java.util.ArrayList<>();
        readers.forEachRemaining(all::add);
        javax.imageio.ImageReader chosen = all.stream().filter(x -> x.getClass().getName().startsWith("com.sun.imageio."))
                .findFirst().orElse(all.isEmpty() ? null : all.get(0));
        for (javax.imageio.ImageReader x : all) if (x != chosen) x.dispose();
        return chosen;
    }

    /** The JDK's own JPEG writer (TwelveMonkeys' wraps it; pinned so output bytes do not depend on the class path). */
    static javax.imageio.ImageWriter jdkWriter(Iterator<javax.imageio.ImageWriter> writers) {
        List<javax.imageio.ImageWriter> all = new java.util.ArrayList<>();
        writers.forEachRemaining(all::add);
        javax.imageio.ImageWriter chosen = all.stream().filter(x -> x.getClass().getName().startsWith("com.sun.imageio."))
                .findFirst().orElse(all.isEmpty() ? null : all.get(0));
        for (javax.imageio.ImageWriter x : all) if (x != chosen) x.dispose();
        return chosen;
    }

    /**
     * Decodes a CMYK or YCCK JPEG with TwelveMonkeys (from the start of {@code input}) to sRGB samples; its warnings
     * are added to {@code warnings} (a truncated file is refused by the caller as for any JPEG).
     */
    static BufferedImage readCmykAsRgb(ImageInputStream input, List<String> warnings) throws ImageException {
        javax.imageio.ImageReader reader = null;
        for (Iterator<javax.imageio.ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext(); ) {
            javax.imageio.ImageReader r = it.next();
            if (reader == null && r.getClass().getName().startsWith("com.twelvemonkeys.")) reader = r;
            else r.dispose();
        }
        if (reader == null) {
            throw new ImageException("CMYK or YCCK JPEG, and no CMYK JPEG decoder (TwelveMonkeys) on the class path");
        }
        try {
            input.seek(0);
            reader.setInput(input, false, false);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0);
            if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_RGB) return image;
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            new ColorConvertOp(image.getColorModel().getColorSpace(), rgb.getColorModel().getColorSpace(), null)
                    .filter(image, rgb);
            return rgb;
        } catch (IOException | RuntimeException e) {
            throw new ImageException("corrupt or truncated CMYK/YCCK JPEG data: " + ImageReader.reason(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * A read param whose destination is the image type in the file's own (non-sRGB) ICC colour space, so no
     * conversion runs; null (the reader's default) when the file has no such profile.
     */
    static ImageReadParam withoutConversion(javax.imageio.ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier first = null;
        while (types.hasNext()) {
            ImageTypeSpecifier t = types.next();
            if (first == null) first = t;
            ColorSpace cs = t.getColorModel().getColorSpace();
            if (t != first && cs instanceof ICC_ColorSpace && !cs.isCS_sRGB()
                    && cs.getNumComponents() == first.getColorModel().getColorSpace().getNumComponents()) {
                ImageReadParam param = reader.getDefaultReadParam();
                param.setDestinationType(t);
                return param;
            }
        }
        return null;
    }
}
