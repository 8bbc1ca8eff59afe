package dev.gpusr.image;

import java.nio.file.Path;
import java.util.Locale;

/** Formats gpu-sr writes. */
public enum ImageFormat {
    PNG("png"), JPG("jpg"), BMP("bmp"), TIFF("tiff");

    public final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    /** "png", "jpg"/"jpeg", "bmp", "tif"/"tiff" (any case). */
    public static ImageFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "png" -> PNG;
            case "jpg", "jpeg" -> JPG;
            case "bmp" -> BMP;
            case "tif", "tiff" -> TIFF;
            default -> throw new IllegalArgumentException("unknown output format '" + s + "' (png, jpg, bmp, tiff)");
        };
    }

    /** The format a file name's extension names, or null. */
    public static ImageFormat ofPath(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        if (dot < 0) return null;
        try {
            return parse(n.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
