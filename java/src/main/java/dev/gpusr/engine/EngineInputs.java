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

    /** A training target must have exactly the input's shape. */
    public static void requireTarget(Tensor input, Tensor target) {
        if (target == null) throw new IllegalArgumentException("target must not be null");
        if (!target.sameShape(input)) {
            throw new IllegalArgumentException("target is " + target.shapeString() + " but input is "
                    + input.shapeString());
        }
    }
}
