package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * The CUDA engine's resident parameters: parameters, gradients and the two optimizer moments, each one device block
 * in the flat {@link SrcnnConfig} order (one upload, one update launch, one download for a checkpoint), with each
 * layer's weight and bias addresses inside them. Replaced by {@link #allocate} when the shapes change.
 */
final class ResidentModel implements AutoCloseable {
    private SrcnnConfig config;
    final DeviceBuffer params = new DeviceBuffer("parameters", null);
    final DeviceBuffer grads = new DeviceBuffer("gradients", null);
    final DeviceBuffer moment1 = new DeviceBuffer("optimizer first moment", null);
    final DeviceBuffer moment2 = new DeviceBuffer("optimizer second moment", null);
    final Pointer[] weightAt = new Pointer[LAYERS];
    final Pointer[] biasAt = new Pointer[LAYERS];
    final Pointer[] weightGradAt = new Pointer[LAYERS];
    final Pointer[] biasGradAt = new Pointer[LAYERS];
    /** Where each layer's parameters end in the flat order (the optimizer kernels' per-layer rates). */
    final int[] layerEnds = new int[LAYERS];

    private ResidentModel(SrcnnConfig config) {
        this.config = config;
    }

    /** Device blocks for {@code c}'s shapes; gradients zeroed. Nothing stays allocated on failure. */
    static ResidentModel allocate(SrcnnConfig c, cudaStream_t stream) {
        ResidentModel m = new ResidentModel(c);
        try {
            m.allocate(stream);
            return m;
        } catch (RuntimeException e) {
            try {
                m.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void allocate(cudaStream_t stream) {
        SrcnnConfig c = config;
        long bytes = 4L * c.paramCount();
        for (DeviceBuffer b : new DeviceBuffer[] {params, grads, moment1, moment2}) b.ensure(bytes, stream);
        // gradients() before the first computeGradients reads zeros, not garbage
        CudaCheck.runtime(JCuda.cudaMemsetAsync(grads.pointer(), 0, bytes, stream), "cudaMemsetAsync (gradients)");
        for (int l = 0; l < LAYERS; l++) {
            weightAt[l] = params.at(4L * c.offset(Param.weight(l)));
            biasAt[l] = params.at(4L * c.offset(Param.bias(l)));
            weightGradAt[l] = grads.at(4L * c.offset(Param.weight(l)));
            biasGradAt[l] = grads.at(4L * c.offset(Param.bias(l)));
            layerEnds[l] = c.layerEnd(l);
        }
    }

    SrcnnConfig config() {
        return config;
    }

    /** Same tensor shapes, so the device blocks can stay (scale and colour space do not matter). */
    boolean sameShapes(SrcnnConfig other) {
        SrcnnConfig a = config;
        return a.channels() == other.channels() && a.n1() == other.n1() && a.n2() == other.n2() && a.f1() == other.f1()
                && a.f2() == other.f2() && a.f3() == other.f3();
    }

    /** Keeps the blocks for {@code other}, a config of the same shapes (another scale or colour space). */
    void relabel(SrcnnConfig other) {
        if (!sameShapes(other)) throw new IllegalArgumentException(other + " has other shapes than " + config);
        config = other;
    }

    /** Zeroes both optimizer moments (queued on {@code stream}). */
    void zeroMoments(cudaStream_t stream) {
        long bytes = 4L * config.paramCount();
        CudaCheck.runtime(JCuda.cudaMemsetAsync(moment1.pointer(), 0, bytes, stream), "cudaMemsetAsync (first moment)");
        CudaCheck.runtime(JCuda.cudaMemsetAsync(moment2.pointer(), 0, bytes, stream), "cudaMemsetAsync (second moment)");
    }

    /** Frees the blocks; throws the first failure after releasing all it can. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (int l = 0; l < LAYERS; l++) weightAt[l] = biasAt[l] = weightGradAt[l] = biasGradAt[l] = null;
        for (DeviceBuffer b : new DeviceBuffer[] {params, grads, moment1, moment2}) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
