package dev.gpusr.train;

/**
 * Where a training run stands, enough to continue it exactly: updates done, the epoch (counted from 0) and how many
 * batches of it are done, the generator state the epoch's order was drawn from, and the best validation PSNR so far (NaN: none yet).
 */
public record TrainingState(long step, long epoch, int epochPosition, long epochRngState, double bestPsnr,
        long bestStep) {
    public TrainingState {
        if (step < 0 || epoch < 0 || epochPosition < 0) {
            throw new IllegalArgumentException("negative training position: step " + step + ", epoch " + epoch
                    + ", batch " + epochPosition);
        }
    }

    /** The start of a run seeded with {@code seed}. */
    public static TrainingState fresh(long seed) {
        return new TrainingState(0, 0, 0, seed, Double.NaN, -1);
    }

    public boolean hasBest() {
        return !Double.isNaN(bestPsnr);
    }
}
