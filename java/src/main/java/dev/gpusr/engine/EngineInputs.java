package dev.gpusr.engine;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.Tensor;

/** The argument checks every {@link SrcnnEngine} makes, written once so both engines refuse the same things alike. */
public final class EngineInputs {
    private EngineInputs() {}

    /** A network input (or output-shaped tensor) must carry the model's channels. */
    public static void requireModelInput(SrcnnConfig config, Tensor t, String what) {
        if (t == null) throw new IllegalArgumentException(what + " must not be null");
        if (t.c != config.channels()) {
            throw new IllegalArgumentException(what + " " + t.shapeString() + " has " + t.c + " channels; the model ("
                    + config + ") takes " + config.channels());
        }
    }

    /**
     * A training target of exactly the input's shape: the loss covers every output pixel. (An engine that also takes
     * the paper's centre labels checks with {@link #targetMargin} instead.)
     */
    public static void requireTarget(Tensor input, Tensor target) {
        if (target == null) throw new IllegalArgumentException("target must not be null");
        if (!target.sameShape(input)) {
            if (isCentreCrop(input, target)) {
                throw new IllegalArgumentException("target " + target.shapeString() + " is the centre of input "
                        + input.shapeString() + " (the paper's centre labels, gpu-sr train --labels centre): this "
                        + "engine takes only whole-patch targets; train with --labels full or on the CPU engine");
            }
            throw new IllegalArgumentException("target is " + target.shapeString() + " but input is "
                    + input.shapeString());
        }
    }

    /**
     * The margin m of a training target: 0 when it has the input's shape (the loss covers every output pixel), m > 0
     * when it is the centre (n, c, h - 2m, w - 2m) of the output, as the paper trains (its labels are the 21x21
     * centre of a 33x33 sub-image, the pixels whose receptive field lies inside the sub-image, so no padding reaches
     * them). Anything else is refused.
     */
    public static int targetMargin(Tensor input, Tensor target) {
        if (target == null) throw new IllegalArgumentException("target must not be null");
        if (target.sameShape(input)) return 0;
        if (!isCentreCrop(input, target)) {
            throw new IllegalArgumentException("target is " + target.shapeString() + " but input is "
                    + input.shapeString() + ": a target has the input's shape or is its centre, smaller by the same "
                    + "margin on every side");
        }
        return (input.h - target.h) / 2;
    }

    private static boolean isCentreCrop(Tensor input, Tensor target) {
        int dh = input.h - target.h;
        return target.n == input.n && target.c == input.c && target.h > 0 && target.w > 0 && dh > 0 && dh % 2 == 0
                && input.w - target.w == dh;
    }
}
