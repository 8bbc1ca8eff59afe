package dev.gpusr.image;

import java.util.Locale;

/**
 * A decoded image as its raw interleaved samples, exactly as stored: 8- or 16-bit, gray (1 channel), gray+alpha (2),
 * RGB (3) or RGBA (4), rows top to bottom, pixels left to right, the channels of one pixel together. 16-bit samples
 * are little-endian byte pairs. This is the layout the CUDA pixel kernels take (one plain copy to the device), the
 * layout the batch pipeline moves between its stages, and what an engine's pixel call takes and returns.
 *
 * <p>{@code iccProfile} is the colour profile the file carried (null: none, read as sRGB or gray); samples are never
 * converted through it, so super-resolution works in the file's own encoded values and the profile travels to the
 * output unchanged.
 *
 * <p>Not copied defensively: the arrays belong to the record once it is made.
 */
public record Pixels(int width, int height, int channels, int bitDepth, byte[] samples, byte[] iccProfile) {
    /** The most samples bytes one image may hold: a Java array is indexed by int. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8L;

    public Pixels {
        if (width < 1 || height < 1) throw new IllegalArgumentException("empty size " + width + "x" + height);
        if (channels < 1 || channels > 4) throw new IllegalArgumentException("1 to 4 channels, got " + channels);
        if (bitDepth != 8 && bitDepth != 16) throw new IllegalArgumentException("bit depth 8 or 16, got " + bitDepth);
        long need = byteCount(width, height, channels, bitDepth);
        if (samples == null || samples.length != need) {
            throw new IllegalArgumentException(width + "x" + height + "x" + channels + " at " + bitDepth + " bits needs "
                    + need + " bytes, got " + (samples == null ? "null" : samples.length));
        }
    }

    /** Without a colour profile. */
    public Pixels(int width, int height, int channels, int bitDepth, byte[] samples) {
        this(width, height, channels, bitDepth, samples, null);
    }

    /** Zeroed samples of the given shape; refuses (IllegalArgumentException) a shape past {@link #MAX_BYTES}. */
    public static Pixels allocate(int width, int height, int channels, int bitDepth, byte[] iccProfile) {
        long need = byteCount(width, height, channels, bitDepth);
        if (need > MAX_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%dx%d with %d channels at %d bits is %.2f GB, more than one image may hold (%.2f GB)", width,
                    height, channels, bitDepth, need / 1e9, MAX_BYTES / 1e9));
        }
        return new Pixels(width, height, channels, bitDepth, new byte[(int) need], iccProfile);
    }

    /** Bytes the samples of such an image take. */
    public static long byteCount(long width, long height, int channels, int bitDepth) {
        return width * height * channels * (bitDepth / 8);
    }

    public boolean hasAlpha() {
        return channels == 2 || channels == 4;
    }

    /** Colour channels without alpha: 1 (gray) or 3 (RGB). */
    public int colourChannels() {
        return hasAlpha() ? channels - 1 : channels;
    }

    public boolean isGray() {
        return colourChannels() == 1;
    }

    public int bytesPerSample() {
        return bitDepth / 8;
    }

    /** The largest sample value: 255 or 65535. */
    public int maxValue() {
        return bitDepth == 16 ? 65535 : 255;
    }

    public long pixels() {
        return (long) width * height;
    }

    /** Sample {@code c} of pixel (x, y), as an unsigned value. */
    public int sample(int x, int y, int c) {
        int i = ((y * width + x) * channels + c) * (bitDepth / 8);
        return bitDepth == 8 ? samples[i] & 0xFF : (samples[i] & 0xFF) | (samples[i + 1] & 0xFF) << 8;
    }

    /** Sets sample {@code c} of pixel (x, y) to an unsigned value (not range-checked beyond the bit depth). */
    public void setSample(int x, int y, int c, int value) {
        int i = ((y * width + x) * channels + c) * (bitDepth / 8);
        samples[i] = (byte) value;
        if (bitDepth == 16) samples[i + 1] = (byte) (value >>> 8);
    }

    @Override
    public String toString() {
        return width + "x" + height + " " + switch (channels) {
            case 1 -> "gray";
            case 2 -> "gray+alpha";
            case 3 -> "RGB";
            default -> "RGBA";
        } + " " + bitDepth + "-bit" + (iccProfile != null ? " with ICC profile" : "");
    }
}
