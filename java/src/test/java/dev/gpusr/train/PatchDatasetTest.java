package dev.gpusr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.metrics.Plane;
import dev.gpusr.metrics.SrProtocol;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchDatasetTest {
    @TempDir
    Path dir;

    private static PatchDataset.Options y(int k) {
        return new PatchDataset.Options(k, ColorSpace.Y, 33, 14, PatchDataset.Augment.NONE);
    }

    private static Picture grayPicture(String name, int w, int h, long seed) {
        return new Picture(name, w, h, new float[][] {TrainingData.texturedPlane(w, h, seed)});
    }

    @Test
    void patchCountsFollowTheStrideAfterModcrop() {
        // 61 x 75 at x1: floor((61-33)/14)+1 = 3 across, floor((75-33)/14)+1 = 4 down
        assertEquals(12, PatchDataset.build(List.of(grayPicture("a", 61, 75, 1)), y(1)).size());
        // x2 crops to 60 x 74: 2 x 3; x3 crops to 60 x 75: 2 x 4
        assertEquals(6, PatchDataset.build(List.of(grayPicture("a", 61, 75, 1)), y(2)).size());
        assertEquals(8, PatchDataset.build(List.of(grayPicture("a", 61, 75, 1)), y(3)).size());
        assertEquals(3, PatchDataset.patchesAlong(61, 33, 14));
        assertEquals(1, PatchDataset.patchesAlong(33, 33, 14));
        assertEquals(0, PatchDataset.patchesAlong(32, 33, 14));
        // an image that modcrops below the patch gives none and is counted
        PatchDataset two = PatchDataset.build(List.of(grayPicture("a", 61, 75, 1), grayPicture("small", 35, 32, 2)), y(3));
        assertEquals(8, two.size());
        assertEquals(1, two.tooSmallCount());
        assertEquals(2, two.pictureCount());
        assertEquals(1, two.sourceCount());
        // other patch and stride
        assertEquals(((61 - 21) / 7 + 1) * ((75 - 21) / 7 + 1),
                PatchDataset.build(List.of(grayPicture("a", 61, 75, 1)), new PatchDataset.Options(1, ColorSpace.Y, 21, 7,
                        PatchDataset.Augment.NONE)).size());
    }

    @Test
    void patchesAreCropsOfTheDegradedInputAndTheHrLabel() {
        int k = 3;
        Picture pic = grayPicture("a", 64, 50, 7);
        PatchDataset data = PatchDataset.build(List.of(pic), y(k));
        Plane hr = SrProtocol.modcrop(pic.planes()[0], 64, 50, k); // 63 x 48
        Plane input = SrProtocol.degrade(hr, k);
        assertArrayEquals(hr.data(), data.sourcePlanes(0)[1]);
        assertArrayEquals(input.data(), data.sourcePlanes(0)[0]);
        int across = (63 - 33) / 14 + 1; // 3
        int down = (48 - 33) / 14 + 1; // 2
        assertEquals(across * down, data.size());
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Tensor[] batch = data.newBatch(all.length);
        data.fill(batch[0], batch[1], all);
        for (int i = 0; i < all.length; i++) {
            int y0 = (i / across) * 14;
            int x0 = (i % across) * 14;
            for (int y = 0; y < 33; y++) {
                for (int x = 0; x < 33; x++) {
                    assertEquals(input.data()[(y0 + y) * 63 + x0 + x], batch[0].get(i, 0, y, x));
                    assertEquals(hr.data()[(y0 + y) * 63 + x0 + x], batch[1].get(i, 0, y, x));
                }
            }
        }
        // the degradation really is lossy: input differs from the label
        assertFalse(Arrays.equals(batch[0].data, batch[1].data));
    }

    @Test
    void rgbPatchesKeepTheirThreePlanes() {
        Picture pic = Picture.of("c", TrainingData.rgb(40, 36, 3), ColorSpace.RGB);
        PatchDataset data = PatchDataset.build(List.of(pic), new PatchDataset.Options(2, ColorSpace.RGB, 33, 14, PatchDataset.Augment.NONE));
        assertEquals(1, data.size());
        assertEquals(3, data.channels());
        Tensor[] batch = data.newBatch(1);
        data.fill(batch[0], batch[1], new int[] {0});
        for (int c = 0; c < 3; c++) {
            Plane hr = SrProtocol.modcrop(pic.planes()[c], 40, 36, 2);
            Plane in = SrProtocol.degrade(hr, 2);
            for (int y = 0; y < 33; y++) {
                for (int x = 0; x < 33; x++) {
                    assertEquals(hr.data()[y * 40 + x], batch[1].get(0, c, y, x));
                    assertEquals(in.data()[y * 40 + x], batch[0].get(0, c, y, x));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PatchDataset.build(List.of(pic), y(2)));
    }

    /** The 8 symmetries of a square patch, made by an independent route: rotations by 90 degrees and a mirror. */
    private static Set<String> dihedral(float[] patch, int p) {
        Set<String> out = new HashSet<>();
        float[] r = patch;
        for (int rot = 0; rot < 4; rot++) {
            out.add(Arrays.toString(r));
            float[] m = new float[p * p];
            for (int y = 0; y < p; y++) for (int x = 0; x < p; x++) m[y * p + x] = r[y * p + (p - 1 - x)];
            out.add(Arrays.toString(m));
            float[] next = new float[p * p];
            for (int y = 0; y < p; y++) for (int x = 0; x < p; x++) next[y * p + x] = r[(p - 1 - x) * p + y];
            r = next;
        }
        return out;
    }

    @Test
    void augmentationTransformsAreTheEightSymmetriesAppliedToInputAndLabelAlike() {
        Picture pic = grayPicture("a", 33, 33, 11);
        PatchDataset data = PatchDataset.build(List.of(pic), new PatchDataset.Options(1, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL));
        // x1: the degraded input equals the picture; patch 0 of source 0 is the whole 33 x 33 picture
        Tensor[] batch = data.newBatch(1);
        Set<String> inputs = new HashSet<>();
        for (int t = 0; t < PatchDataset.TRANSFORMS; t++) {
            data.fill(batch[0], batch[1], new PatchDataset.EpochPlan(new int[] {0}, new byte[] {(byte) t}), 0);
            inputs.add(Arrays.toString(batch[0].data));
            assertArrayEquals(batch[0].data, batch[1].data); // same transform on both (x1: input == label)
        }
        float[] source = data.sourcePlanes(0)[1];
        assertEquals(dihedral(source, 33), inputs);
        assertEquals(8, inputs.size());
        // transform 4 is the transpose, 1 the horizontal mirror
        data.fill(batch[0], batch[1], new PatchDataset.EpochPlan(new int[] {0}, new byte[] {4}), 0);
        assertEquals(source[5 * 33 + 2], batch[1].get(0, 0, 2, 5));
        data.fill(batch[0], batch[1], new PatchDataset.EpochPlan(new int[] {0}, new byte[] {1}), 0);
        assertEquals(source[2 * 33 + 32 - 5], batch[1].get(0, 0, 2, 5));
    }

    @Test
    void centreLabelsAreTheCentreOfTheTransformedLabel() {
        // x1: input == label, so each centre label must be the centre of the transformed input patch
        Picture pic = grayPicture("a", 33, 33, 11);
        PatchDataset data = PatchDataset.build(List.of(pic), new PatchDataset.Options(1, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL, 6));
        Tensor[] batch = data.newBatch(1);
        assertEquals(33, batch[0].h);
        assertEquals(21, batch[1].h);
        assertEquals(21, batch[1].w);
        for (int t = 0; t < PatchDataset.TRANSFORMS; t++) {
            data.fill(batch[0], batch[1], new PatchDataset.EpochPlan(new int[] {0}, new byte[] {(byte) t}), 0);
            for (int y = 0; y < 21; y++) {
                for (int x = 0; x < 21; x++) {
                    assertEquals(batch[0].get(0, 0, y + 6, x + 6), batch[1].get(0, 0, y, x), "t " + t + " at " + y + "," + x);
                }
            }
        }
        // the transpose moves the source's (row 8, column 7) to the label's (1, 2), as for whole labels
        data.fill(batch[0], batch[1], new PatchDataset.EpochPlan(new int[] {0}, new byte[] {4}), 0);
        assertEquals(data.sourcePlanes(0)[1][(2 + 6) * 33 + 1 + 6], batch[1].get(0, 0, 1, 2));
        // whole-patch batches do not fit a centre-label dataset, and a margin must leave a label
        Tensor[] whole = new Tensor[] {new Tensor(1, 1, 33, 33), new Tensor(1, 1, 33, 33)};
        assertThrows(IllegalArgumentException.class,
                () -> data.fill(whole[0], whole[1], new PatchDataset.EpochPlan(new int[] {0}, null), 0));
        assertThrows(IllegalArgumentException.class, () -> new PatchDataset.Options(1, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL, 17));
        assertThrows(IllegalArgumentException.class, () -> new PatchDataset.Options(1, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL, -1));
    }

    @Test
    void augmentationAddsShrunkCopiesAndIsReproducibleWithASeed() {
        Picture pic = grayPicture("a", 61, 75, 1);
        PatchDataset data = PatchDataset.build(List.of(pic), new PatchDataset.Options(3, ColorSpace.Y, 33, 14, PatchDataset.Augment.ALL));
        // copies at 0.9, 0.8, 0.7, 0.6: 55x68, 49x60, 43x53, 37x45 -> modcrop 54x66, 48x60, 42x51, 36x45
        // patches 2x3 + 2x2 + 1x2 + 1x1 on top of the original's 2x4
        assertEquals(8 + 6 + 4 + 2 + 1, data.size());
        assertEquals(5, data.sourceCount());
        assertEquals("a@0.6", data.sourceName(data.size() - 1));
        // shrunk Y labels stay on the 8-bit grid
        for (float v : data.sourcePlanes(1)[1]) assertEquals(Math.round(v * 255), v * 255, 1e-4);

        PatchDataset.EpochPlan a = data.plan(new SplitMix64(9));
        PatchDataset.EpochPlan b = data.plan(new SplitMix64(9));
        PatchDataset.EpochPlan c = data.plan(new SplitMix64(10));
        assertArrayEquals(a.order(), b.order());
        assertArrayEquals(a.transforms(), b.transforms());
        assertFalse(Arrays.equals(a.order(), c.order()) && Arrays.equals(a.transforms(), c.transforms()));
        Tensor[] x = data.newBatch(4);
        Tensor[] z = data.newBatch(4);
        data.fill(x[0], x[1], a, 8);
        data.fill(z[0], z[1], b, 8);
        assertArrayEquals(x[0].data, z[0].data);
        assertArrayEquals(x[1].data, z[1].data);
        // without augmentation there are no transforms
        assertNull(PatchDataset.build(List.of(pic), y(3)).plan(new SplitMix64(1)).transforms());
    }

    @Test
    void flipsAndScalesAugmentSeparately() {
        Picture pic = grayPicture("a", 61, 75, 1);
        PatchDataset all = PatchDataset.build(List.of(pic), new PatchDataset.Options(3, ColorSpace.Y, 33, 14,
                PatchDataset.Augment.ALL));
        PatchDataset flips = PatchDataset.build(List.of(pic), new PatchDataset.Options(3, ColorSpace.Y, 33, 14,
                PatchDataset.Augment.FLIPS));
        PatchDataset scales = PatchDataset.build(List.of(pic), new PatchDataset.Options(3, ColorSpace.Y, 33, 14,
                PatchDataset.Augment.SCALES));
        // flips: the original's 2x4 patches only, each with a transform; scales: the 21 patches of the copies too
        assertEquals(8, flips.size());
        assertEquals(1, flips.sourceCount());
        assertEquals(8, flips.plan(new SplitMix64(3)).transforms().length);
        assertEquals(21, scales.size());
        assertEquals(5, scales.sourceCount());
        assertNull(scales.plan(new SplitMix64(3)).transforms());
        // all draws the same order and transforms as the boolean option did before the kinds (so a checkpoint of
        // that time resumes exactly): printed by commit 02fd1a6's PatchDataset for these 21 patches and this seed
        SplitMix64 rng = new SplitMix64(4);
        PatchDataset.EpochPlan a = all.plan(rng);
        assertArrayEquals(new int[] {1, 15, 12, 0, 3, 10, 7, 5, 4, 11, 19, 14, 2, 18, 13, 20, 6, 8, 16, 17, 9},
                a.order());
        assertArrayEquals(new byte[] {2, 0, 4, 1, 4, 7, 4, 6, 1, 5, 7, 0, 2, 1, 7, 6, 4, 7, 6, 1, 5}, a.transforms());
        assertEquals(978271, rng.nextInt(1000000));
        // a flipped patch of the flips-only set is the same pixels as the untransformed one, mirrored
        PatchDataset.EpochPlan p = flips.plan(new SplitMix64(5));
        int at = 0;
        while (p.transforms()[at] != 1) at++;
        Tensor[] t = flips.newBatch(1);
        Tensor[] u = flips.newBatch(1);
        flips.fill(t[0], t[1], p, at);
        flips.fill(u[0], u[1], new int[] {p.order()[at]});
        for (int y = 0; y < 33; y++) {
            for (int x = 0; x < 33; x++) assertEquals(u[0].data[y * 33 + 32 - x], t[0].data[y * 33 + x]);
        }
        assertTrue(flips.toString().endsWith("(augmented: 8 flips/rotations)"), flips.toString());
        assertTrue(scales.toString().endsWith("(augmented: 5 pictures with the scaled copies)"), scales.toString());

        assertEquals(PatchDataset.Augment.ALL, PatchDataset.Augment.parse("true"));
        assertEquals(PatchDataset.Augment.NONE, PatchDataset.Augment.parse("false"));
        assertEquals(PatchDataset.Augment.FLIPS, PatchDataset.Augment.parse(" Flips "));
        assertThrows(IllegalArgumentException.class, () -> PatchDataset.Augment.parse("rotate"));
    }

    @Test
    void readsAFolderSkippingWhatIsNotAnImageWithOneLineEach() throws Exception {
        TrainingData.png(dir, "b.png", TrainingData.rgb(61, 75, 1));
        Files.createDirectories(dir.resolve("sub"));
        TrainingData.png(dir.resolve("sub"), "a.png", TrainingData.gray(40, 40, 2));
        Files.writeString(dir.resolve("notes.txt"), "hello");
        Files.write(dir.resolve("broken.png"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve(".DS_Store"), "x");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PatchDataset data = PatchDataset.fromFolder(dir, y(3), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] warnings = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, warnings.length, Arrays.toString(warnings));
        assertTrue(warnings[0].contains("broken.png"), warnings[0]);
        assertTrue(warnings[1].contains("notes.txt") && warnings[1].contains("not an image"), warnings[1]);
        assertEquals(2, data.pictureCount());
        assertEquals(8 + 1, data.size()); // 61x75 -> 60x75: 2x4; 40x40 -> 39x39: 1x1
        assertEquals("b.png", data.sourceName(0));
        assertEquals(Path.of("sub", "a.png").toString(), data.sourceName(8));
    }

    @Test
    void emptyOrMissingFoldersAreOneLineErrors() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> PatchDataset.fromFolder(empty, y(3), System.err));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> PatchDataset.fromFolder(dir.resolve("nope"), y(3), System.err));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path junk = Files.createDirectories(dir.resolve("junk"));
        Files.writeString(junk.resolve("a.txt"), "x");
        IOException none = assertThrows(IOException.class,
                () -> PatchDataset.fromFolder(junk, y(3), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(none.getMessage().contains("no readable images"), none.getMessage());
    }

    /** A gray picture on the 8-bit grid, as an 8-bit image's Y is. */
    private static Picture levelsPicture(String name, int w, int h, long seed) {
        return new Picture(name, w, h, new float[][] {SrProtocol.unitLevels(TrainingData.texturedPlane(w, h, seed))});
    }

    @Test
    void compactPicturesGiveTheWholeImageDegradationBitForBit() {
        // odd sizes, every scale, the shrunk copies: each patch's input (enlarged from the kept low-resolution plane
        // when the batch is cut) equals the crop of the whole-image enlargement, and its label the HR crop
        for (int k = 2; k <= 4; k++) {
            Picture pic = levelsPicture("a", 101, 87, k);
            PatchDataset data = PatchDataset.build(List.of(pic), new PatchDataset.Options(k, ColorSpace.Y, 33, 14,
                    PatchDataset.Augment.SCALES));
            assertEquals(5, data.sourceCount());
            Plane hr = SrProtocol.modcrop(pic.planes()[0], 101, 87, k);
            assertArrayEquals(SrProtocol.degrade(hr, k).data(), data.sourcePlanes(0)[0], "x" + k);
            assertArrayEquals(hr.data(), data.sourcePlanes(0)[1], "x" + k);
            int[] all = new int[data.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            Tensor[] batch = data.newBatch(all.length);
            data.fill(batch[0], batch[1], all);
            int i = 0;
            for (int src = 0; src < data.sourceCount(); src++) {
                assertTrue(data.labelAsLevels(src), "x" + k + " source " + src);
                int w = data.sourceSize(src)[0], h = data.sourceSize(src)[1];
                float[][] planes = data.sourcePlanes(src);
                for (int y0 = 0; y0 + 33 <= h; y0 += 14) {
                    for (int x0 = 0; x0 + 33 <= w; x0 += 14, i++) {
                        for (int y = 0; y < 33; y++) {
                            for (int x = 0; x < 33; x++) {
                                int at = (y0 + y) * w + x0 + x;
                                assertEquals(planes[0][at], batch[0].get(i, 0, y, x), "x" + k + " patch " + i);
                                assertEquals(planes[1][at], batch[1].get(i, 0, y, x), "x" + k + " patch " + i);
                            }
                        }
                    }
                }
            }
            assertEquals(data.size(), i);
        }
    }

    @Test
    void labelsOnTheEightBitGridAreKeptAsBytesAndOthersAsFloats() {
        PatchDataset levels = PatchDataset.build(List.of(levelsPicture("a", 61, 75, 1)), y(3));
        float[] sixteenBit = TrainingData.texturedPlane(61, 75, 1);
        sixteenBit[7 * 61 + 5] = 30001 / 65535f; // a 16-bit image's value, off the 8-bit grid
        Picture offGrid = new Picture("b", 61, 75, new float[][] {sixteenBit});
        PatchDataset floats = PatchDataset.build(List.of(offGrid), y(3));
        assertTrue(levels.labelAsLevels(0));
        assertFalse(floats.labelAsLevels(0)); // kept exactly: labels are never rounded
        assertArrayEquals(SrProtocol.modcrop(sixteenBit, 61, 75, 3).data(), floats.sourcePlanes(0)[1]);
        // 60 x 75 labels, 20 x 25 low-resolution input, and 8 bytes of index for each of the 8 sub-images
        assertEquals(60 * 75 + 4 * 20 * 25 + 8 * 8, levels.bytes());
        assertEquals(4 * 60 * 75 + 4 * 20 * 25 + 8 * 8, floats.bytes());
        assertArrayEquals(new byte[] {0, (byte) 255, 1, (byte) 128},
                PatchDataset.levels(new float[] {0f, 1f, 1 / 255f, 128 / 255f}));
        assertNull(PatchDataset.levels(new float[] {0f, 0.5f}));
        assertNull(PatchDataset.levels(new float[] {-1 / 255f}));
        assertNull(PatchDataset.levels(new float[] {256 / 255f}));
        assertNull(PatchDataset.levels(new float[] {Math.nextUp(1 / 255f)}));
    }

    @Test
    void theMemoryEstimateIsWhatTheDatasetHolds() {
        // Y and RGB (whose shrunk copies keep float labels), every augmentation and scale, sizes around the patch
        for (ColorSpace color : ColorSpace.values()) {
            for (PatchDataset.Augment a : PatchDataset.Augment.values()) {
                for (int k = 2; k <= 4; k++) {
                    PatchDataset.Options o = new PatchDataset.Options(k, color, 33, 14, a);
                    for (int[] size : new int[][] {{101, 87}, {61, 75}, {40, 36}, {30, 30}}) {
                        Picture pic = color == ColorSpace.Y ? levelsPicture("a", size[0], size[1], 3)
                                : Picture.of("c", TrainingData.rgb(size[0], size[1], 3), ColorSpace.RGB);
                        PatchDataset data = PatchDataset.build(List.of(pic), o);
                        assertEquals(data.bytes() + (long) data.size() * PatchDataset.planBytes(a),
                                TrainingMemory.keptBytes(size[0], size[1], o),
                                color + " " + a + " x" + k + " " + size[0] + "x" + size[1]);
                    }
                }
            }
        }
    }

    @Test
    void batchesMustMatchThePatchShape() {
        PatchDataset data = PatchDataset.build(List.of(grayPicture("a", 40, 40, 1)), y(1));
        List<Tensor> wrong = new ArrayList<>(List.of(new Tensor(1, 1, 32, 32), new Tensor(1, 1, 32, 32)));
        assertThrows(IllegalArgumentException.class, () -> data.fill(wrong.get(0), wrong.get(1), new int[] {0}));
    }
}
