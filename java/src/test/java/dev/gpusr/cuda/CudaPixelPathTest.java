package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Pixels;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host-side parts of the device pixel path, which need no GPU: the tiling and the alpha split. */
class CudaPixelPathTest {
    @Test
    void spansCoverEverySideOnceWithEqualCropsAndEnoughContext() {
        for (int length = 1; length <= 300; length += 7) {
            for (int tile : new int[] {1, 5, 16, 64, 1024}) {
                for (int halo : new int[] {0, 2, 6}) {
                    List<DeviceTilePlan.Span> spans = DeviceTilePlan.spans(length, tile, halo);
                    int next = 0;
                    int crop = spans.get(0).cropLength();
                    for (DeviceTilePlan.Span s : spans) {
                        String what = "length " + length + " tile " + tile + " halo " + halo + ": " + s;
                        assertEquals(next, s.coreStart(), what + " continues the previous core");
                        assertTrue(s.coreLength() >= 1 && s.coreLength() <= tile, what);
                        assertEquals(crop, s.cropLength(), what + ": one crop shape per image");
                        int cropEnd = s.cropStart() + s.cropLength();
                        assertTrue(s.cropStart() >= 0 && cropEnd <= length, what + " inside the image");
                        int end = s.coreStart() + s.coreLength();
                        assertTrue(s.coreStart() >= s.cropStart() && end <= cropEnd, what + " core inside the crop");
                        // context: halo pixels on each side, unless that side is the image's edge
                        assertTrue(s.cropStart() == 0 || s.coreStart() - s.cropStart() >= halo, what + " left context");
                        assertTrue(cropEnd == length || cropEnd - end >= halo, what + " right context");
                        next = end;
                    }
                    assertEquals(length, next, "length " + length + " tile " + tile + " covered");
                    int parts = (length + tile - 1) / tile;
                    assertEquals(parts, spans.size(), "no more tiles than needed");
                }
            }
        }
    }

    @Test
    void alphaSplitAndMergeRoundTrip() {
        Random rng = new Random(3);
        for (int bits : new int[] {8, 16}) {
            for (int ch = 1; ch <= 4; ch++) {
                Pixels px = Pixels.allocate(7, 5, ch, bits, null);
                rng.nextBytes(px.samples());
                ByteBuffer staging = ByteBuffer.allocateDirect(px.samples().length);
                CudaPixelPath.split(px, staging);
                if (px.hasAlpha()) { // colour block first, then the alpha block
                    int colour = px.colourChannels();
                    assertEquals(px.sample(6, 4, colour), sampleAt(staging, px.pixels() * colour + 4 * 7 + 6, bits));
                    assertEquals(px.sample(6, 4, 0), sampleAt(staging, (4 * 7 + 6) * colour, bits));
                }
                Pixels back = Pixels.allocate(7, 5, ch, bits, null);
                CudaPixelPath.merge(staging, back);
                assertArrayEquals(px.samples(), back.samples(), px.toString());
            }
        }
    }

    private static int sampleAt(ByteBuffer b, long index, int bits) {
        int i = (int) index * (bits / 8);
        return bits == 8 ? b.get(i) & 0xFF : (b.get(i) & 0xFF) | (b.get(i + 1) & 0xFF) << 8;
    }
}
