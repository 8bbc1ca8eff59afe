package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.model.SrcnnConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything cuDNN needs for one batch shape (n, h, w): one {@link ConvLayer} per layer (its descriptors and chosen
 * algorithms), whether each layer's forward runs fused, whether the last one runs as the narrow-convolution kernel,
 * and the CUDA graph of the training step once captured. Created on first use of a shape and cached
 * ({@link LayerOps}).
 */
final class ShapePlan implements AutoCloseable {
    final int n;
    final int h;
    final int w;
    final ConvLayer[] layers = new ConvLayer[LAYERS];
    /** Layer runs as one cudnnConvolutionBiasActivationForward; else convolution then the bias+activation kernel. */
    final boolean[] fused = new boolean[LAYERS];
    /**
     * The last layer's forward runs as {@link CudaKernels#narrowConvForward} (conv + bias in one kernel); cuDNN's
     * algorithm for it is still chosen but not used for the forward.
     */
    boolean narrowLastLayer;
    final List<String> notes = new ArrayList<>();
    CudaGraph trainingGraph;
    int plainTrainingSteps;

    ShapePlan(CudaContext ctx, SrcnnConfig config, int n, int h, int w, ConvMath math) {
        this.n = n;
        this.h = h;
        this.w = w;
        try {
            for (int l = 0; l < LAYERS; l++) {
                layers[l] = new ConvLayer(ctx, math, n, config.inChannels(l), config.outChannels(l), config.filter(l),
                        h, w, layerName(l));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    String layerName(int l) {
        return "conv" + (l + 1) + " on " + n + "x" + h + "x" + w;
    }

    boolean forwardChosen() {
        return layers[LAYERS - 1].forwardChoice() != null;
    }

    /** True only when every layer's backward algorithms are chosen (they are chosen from the last layer down). */
    boolean backwardChosen() {
        return layers[0].backwardFilterChoice() != null;
    }

    /** The largest workspace any chosen algorithm needs. */
    long workspaceBytes() {
        long max = 0;
        for (ConvLayer layer : layers) {
            for (ConvAlgorithms.Choice c : new ConvAlgorithms.Choice[] {layer.forwardChoice(),
                    layer.backwardDataChoice(), layer.backwardFilterChoice()}) {
                if (c != null) max = Math.max(max, c.workspaceBytes());
            }
        }
        return max;
    }

    String describe() {
        StringBuilder b = new StringBuilder("batch " + n + "x" + h + "x" + w + ":");
        for (int l = 0; l < LAYERS; l++) {
            ConvLayer layer = layers[l];
            b.append(" conv").append(l + 1).append(" fwd ");
            if (l == LAYERS - 1 && narrowLastLayer) {
                b.append("narrow-conv kernel (cuDNN's ").append(layer.forwardChoice()).append(" unused)");
            } else {
                b.append(layer.forwardChoice()).append(fused[l] ? " fused" : "");
            }
            if (layer.backwardFilterChoice() != null) b.append(", bwd filter ").append(layer.backwardFilterChoice());
            if (layer.backwardDataChoice() != null) b.append(", bwd data ").append(layer.backwardDataChoice());
            b.append(';');
        }
        if (trainingGraph != null) b.append(" training step replayed as a CUDA graph;");
        for (String note : notes) b.append(' ').append(note).append(';');
        return b.toString();
    }

    void dropGraph() {
        CudaGraph g = trainingGraph;
        trainingGraph = null;
        if (g != null) g.close();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        try {
            dropGraph();
        } catch (RuntimeException e) {
            first = e;
        }
        for (int l = 0; l < LAYERS; l++) {
            if (layers[l] == null) continue;
            try {
                layers[l].close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
            layers[l] = null;
        }
        if (first != null) throw first;
    }
}
