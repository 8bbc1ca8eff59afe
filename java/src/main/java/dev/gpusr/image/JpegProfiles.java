package dev.gpusr.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageTypeSpecifier;

/**
 * Keeps the JDK's JPEG reader from converting the samples of a JPEG with an embedded ICC profile to sRGB (by default
 * it does, while PNG and TIFF keep their samples as stored): gpu-sr works in every file's own encoded values and
 * carries the profile to the output instead.
 */
final class JpegProfiles {
    private JpegProfiles() {}

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
