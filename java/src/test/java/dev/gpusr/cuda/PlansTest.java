package dev.gpusr.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.resample.BicubicResampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The host-side work partitions of CudaKernels: every element covered once, within the kernels' limits. */
class PlansTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5865, 8191, 8192, 8193, 1_000_003, 16_588_800, Integer.MAX_VALUE})
    void reductionBlocksCoverTheCountOnceWithAlignedStarts(int count) {
        long perBlock = Plans.reductionPerBlock(count);
        int blocks = Plans.reductionBlocks(count);
        assertEquals(0, perBlock % 4, "float4-aligned block starts");
        assertTrue(blocks >= 1 && blocks <= Plans.MAX_REDUCTION_BLOCKS, blocks + " blocks");
        assertTrue((long) blocks * perBlock >= count, "covers the end");
        assertTrue((long) (blocks - 1) * perBlock < count, "no empty block");
        assertEquals(2 * blocks, CudaKernels.reductionScratchFloats(count));
        assertTrue(CudaKernels.reductionScratchFloats(count) <= CudaKernels.MAX_REDUCTION_SCRATCH_FLOATS);
    }

    @Test
    void reductionScratchRefusesAnEmptyReduction() {
        assertThrows(IllegalArgumentException.class, () -> CudaKernels.reductionScratchFloats(0));
    }

    @ParameterizedTest(name = "hw={0} -> {1} blocks")
    @CsvSource({"65536, 16", "1089, 2", "1024, 1", "4, 1", "1, 1", "4097, 5", "4100, 2", "518400, 127", "2073600, 507"})
    void biasForwardGridCoversAPlaneInChunksOfFourItemsPerThread(long hw, int blocks) {
        // float4 items when hw % 4 == 0 (65536 -> 16384 float4s), else floats (1089, 4097)
        assertEquals(blocks, Plans.biasForwardBlocks(hw));
        long items = hw % 4 == 0 ? hw / 4 : hw;
        long chunk = (long) Plans.BLOCK * Plans.BIAS_FORWARD_VECTORS;
        assertTrue((long) blocks * chunk >= items && (long) (blocks - 1) * chunk < items, "covers once, no idle block");
    }

    @ParameterizedTest(name = "hw={0} -> {1} blocks")
    @CsvSource({"2073600, 507", "4096, 1", "4100, 2", "391, 2", "1, 1"})
    void unpackGridCoversAnImageInChunksOfFourGroupsPerThread(long hw, int blocks) {
        // 4-pixel groups when hw % 4 == 0 (1080 x 1920 -> 518400 groups), else one pixel per thread (391)
        assertEquals(blocks, Plans.unpackBlocks(hw));
        long items = hw % 4 == 0 ? hw / 4 : hw;
        long chunk = hw % 4 == 0 ? (long) Plans.BLOCK * Plans.UNPACK_GROUPS : Plans.BLOCK;
        assertTrue((long) blocks * chunk >= items && (long) (blocks - 1) * chunk < items, "covers once, no idle block");
    }

    @ParameterizedTest(name = "n={0} c={1} hw={2}")
    @CsvSource({"3, 5, 391", "128, 64, 1089", "128, 32, 1089", "128, 1, 1089", "8, 64, 2073600", "8, 1, 2073600",
            "16, 64, 65536", "1, 1, 1", "100000, 1, 1", "1, 65535, 2147483647", "2, 3, 90300"})
    void biasGradientPlanCoversEveryPositionAndImageOnce(int n, int c, long hw) {
        Plans.BiasGrad plan = Plans.biasGrad(n, c, hw);
        long positions = plan.positionsPerChunk();
        assertTrue(positions == hw || positions % 4 == 0, "chunks start on float4s: " + positions);
        assertTrue((long) plan.chunks() * positions >= hw && (long) (plan.chunks() - 1) * positions < hw);
        long images = (long) plan.groups() * plan.imagesPerGroup();
        assertTrue(images >= n && images - plan.imagesPerGroup() < n);
        assertTrue(plan.groups() <= Plans.MAX_GRID_YZ);
        assertTrue((long) c * plan.partialsPerChannel() <= Plans.BIAS_PARTIALS_CAPACITY);
    }

    @Test
    void biasGradientPlanGivesTheTrainingBatchEnoughBlocks() {
        // 128 patches of 33x33 with 64 channels: one block per channel alone would leave half an H100 idle
        Plans.BiasGrad plan = Plans.biasGrad(128, 64, 33 * 33);
        assertEquals(1, plan.chunks());
        assertEquals(7, plan.imagesPerGroup());
        assertEquals(19, plan.groups());
        assertTrue(64 * plan.partialsPerChannel() > 1000, "blocks: " + 64 * plan.partialsPerChannel());
        // small layers need no finishing pass
        assertEquals(1, Plans.biasGrad(3, 5, 17 * 23).partialsPerChannel());
    }

    @Test
    void layerRatesPackTheKernelStruct() {
        int[] words = Plans.layerRates(10, new int[] {3, 7, 10}, new float[] {1f, 2f, 0.5f});
        assertEquals(1 + 2 * Plans.MAX_LAYERS, words.length);
        assertEquals(3, words[0]);
        assertArrayEquals(new int[] {3, 7, 10}, java.util.Arrays.copyOfRange(words, 1, 4));
        assertEquals(2f, Float.intBitsToFloat(words[1 + Plans.MAX_LAYERS + 1]));
    }

    @Test
    void layerRatesRejectEndsThatDoNotPartitionTheParameters() {
        assertThrows(IllegalArgumentException.class, () -> Plans.layerRates(10, new int[] {3, 9}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Plans.layerRates(10, new int[] {5, 5, 10}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Plans.layerRates(10, new int[] {10}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> Plans.layerRates(9, new int[9], new float[9]));
        assertThrows(IllegalArgumentException.class, () -> Plans.layerRates(0, new int[] {0}, new float[1]));
    }

    @Test
    void columnTilesStartAtTheSmallestIndexAndSpanTheWidestTile() {
        // 5 outputs x 2 taps; tiles of 2 outputs: {0,1,1,2}, {2,3,3,4}, {4,4}
        var table = new BicubicResampler.Contributions(5, 5, 2, new int[] {0, 1, 1, 2, 2, 3, 3, 4, 4, 4},
                new float[10]);
        Plans.ColumnTiles tiles = Plans.columnTiles(table, 2);
        assertArrayEquals(new int[] {0, 2, 4}, tiles.start());
        assertEquals(3, tiles.span());
    }

    @ParameterizedTest(name = "length {0}, k {1}, enlarge {2}")
    @CsvSource({"640, 3, true", "23, 4, true", "17, 2, true", "1920, 3, false", "41, 4, false", "70, 8, false"})
    void everyTapOfATileLiesInItsSharedSpan(int length, int k, boolean enlarge) {
        var table = BicubicResampler.contributions(length, enlarge ? k : 1.0 / k);
        Plans.ResizeTile tile = enlarge ? Plans.ENLARGE_TILE : Plans.SHRINK_TILE;
        Plans.ColumnTiles tiles = Plans.columnTiles(table, tile.width());
        for (int x = 0; x < table.outLength(); x++) {
            int start = tiles.start()[x / tile.width()];
            for (int t = 0; t < table.taps(); t++) {
                int i = table.index()[x * table.taps() + t];
                assertTrue(i >= start && i < start + tiles.span(), "output " + x + " tap " + t);
            }
        }
        // the shared rows stay short: about width / k (+ taps) columns when enlarging, width * k when shrinking
        int expectedSpan = enlarge ? tile.width() / k + table.taps() + 1 : tile.width() * k + table.taps();
        assertTrue(tiles.span() <= expectedSpan, "span " + tiles.span());
        assertTrue(Plans.fitTileHeight(tile.height(), tiles.span()) == tile.height(), "fits shared memory as is");
    }

    @Test
    void tileHeightShrinksToFitSharedMemoryAndRefusesWhatCannot() {
        assertEquals(16, Plans.fitTileHeight(16, 290));
        assertEquals(3, Plans.fitTileHeight(16, 4000));
        assertThrows(IllegalArgumentException.class, () -> Plans.fitTileHeight(16, 20000));
    }

    @Test
    void elementwiseGridsHaveAtLeastOneBlock() {
        assertEquals(1, Plans.elementwiseBlocks(0));
        assertEquals(1, Plans.elementwiseBlocks(Plans.BLOCK));
        assertEquals(2, Plans.elementwiseBlocks(Plans.BLOCK + 1));
    }
}
