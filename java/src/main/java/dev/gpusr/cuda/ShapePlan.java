package dev.gpusr.cuda;

import static dev.gpusr.model.SrcnnConfig.LAYERS;

import dev.gpusr.model.SrcnnConfig;
import java.util.ArrayList;
import java.util.List;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * Everything cuDNN needs for one batch shape (n, h, w): activation descriptors, one convolution descriptor per layer
 * and direction (each carries the math type of the algorithm chosen for it), the chosen algorithms, and the CUDA graph
 * of the training step once captured. Created on first use of a shape and cached.
 */
final class ShapePlan implements AutoCloseable {
    final int n;
    final int h;
    final int w;
    /** activation[i]: the tensor entering layer i (i = 0: the input, i = LAYERS: the output). */
    final cudnnTensorDescriptor[] activation = new cudnnTensorDescriptor[LAYERS + 1];
    final cudnnConvolutionDescriptor[] forwardConv = new cudnnConvolutionDescriptor[LAYERS];
    final cudnnConvolutionDescriptor[] backwardDataConv = new cudnnConvolutionDescriptor[LAYERS];
    final cudnnConvolutionDescriptor[] backwardFilterConv = new cudnnConvolutionDescriptor[LAYERS];
    final ConvAlgorithms.Choice[] forward = new ConvAlgorithms.Choice[LAYERS];
    final ConvAlgorithms.Choice[] backwardData = new ConvAlgorithms.Choice[LAYERS];
    final ConvAlgorithms.Choice[] backwardFilter = new ConvAlgorithms.Choice[LAYERS];
    /** Layer runs as one cudnnConvolutionBiasActivationForward; else convolution then the bias+activation kernel. */
    final boolean[] fused = new boolean[LAYERS];
    /** The fused call has succeeded once for this layer, so a later failure is a real error, not "unsupported". */
    final boolean[] fusedConfirmed = new boolean[LAYERS];
    /**
     * The last layer's forward runs as {@link CudaKernels#narrowConvForward} (conv + bias in one kernel); cuDNN's
     * algorithm for it is still chosen but not used for the forward.
     */
    boolean narrowLastLayer;
    final List<String> notes = new ArrayList<>();
    CudaGraph trainingGraph;
    int plainTrainingSteps;

    ShapePlan(SrcnnConfig config, int n, int h, int w, CudaOptions.MathMode math, cudnnFilterDescriptor[] filters) {
        this.n = n;
        this.h = h;
        this.w = w;
        try {
            for (int i = 0; i <= LAYERS; i++) {
                int channels = i == 0 ? config.channels() : config.outChannels(i - 1);
                cudnnTensorDescriptor d = new cudnnTensorDescriptor();
                CudaCheck.cudnn(JCudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
                activation[i] = d;
                CudaCheck.cudnn(JCudnn.cudnnSetTensor4dDescriptor(d, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                        cudnnDataType.CUDNN_DATA_FLOAT, n, channels, h, w),
                        "cudnnSetTensor4dDescriptor (" + n + "x" + channels + "x" + h + "x" + w + ")");
            }
            int initialMath = math == CudaOptions.MathMode.FMA ? cudnnMathType.CUDNN_FMA_MATH
                    : cudnnMathType.CUDNN_DEFAULT_MATH;
            for (int l = 0; l < LAYERS; l++) {
                int pad = config.filter(l) / 2;
                forwardConv[l] = convolution(pad, initialMath);
                backwardDataConv[l] = convolution(pad, initialMath);
                backwardFilterConv[l] = convolution(pad, initialMath);
                checkOutputShape(l, config, filters[l]);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static cudnnConvolutionDescriptor convolution(int pad, int mathType) {
        cudnnConvolutionDescriptor c = new cudnnConvolutionDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateConvolutionDescriptor(c), "cudnnCreateConvolutionDescriptor");
        try {
            // cross-correlation, as PyTorch's Conv2d, so its weights load unflipped
            CudaCheck.cudnn(JCudnn.cudnnSetConvolution2dDescriptor(c, pad, pad, 1, 1, 1, 1,
                    cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                    "cudnnSetConvolution2dDescriptor (pad " + pad + ")");
            CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(c, mathType),
                    "cudnnSetConvolutionMathType (" + cudnnMathType.stringFor(mathType) + ")");
        } catch (RuntimeException e) {
            JCudnn.cudnnDestroyConvolutionDescriptor(c);
            throw e;
        }
        return c;
    }

    /** 'Same' padding must keep h x w; a mismatch here means the descriptors disagree with SrcnnConfig. */
    private void checkOutputShape(int l, SrcnnConfig config, cudnnFilterDescriptor filter) {
        int[] on = {0};
        int[] oc = {0};
        int[] oh = {0};
        int[] ow = {0};
        CudaCheck.cudnn(JCudnn.cudnnGetConvolution2dForwardOutputDim(forwardConv[l], activation[l], filter, on, oc, oh,
                ow), "cudnnGetConvolution2dForwardOutputDim (" + layerName(l) + ")");
        if (on[0] != n || oc[0] != config.outChannels(l) || oh[0] != h || ow[0] != w) {
            throw new IllegalStateException("cuDNN computes a " + on[0] + "x" + oc[0] + "x" + oh[0] + "x" + ow[0]
                    + " output for " + layerName(l) + ", expected " + n + "x" + config.outChannels(l) + "x" + h + "x" + w);
        }
    }

    String layerName(int l) {
        return "conv" + (l + 1) + " on " + n + "x" + h + "x" + w;
    }

    boolean forwardChosen() {
        return forward[LAYERS - 1] != null;
    }

    boolean backwardChosen() {
        return backwardFilter[0] != null;
    }

    /** The largest workspace any chosen algorithm needs. */
    long workspaceBytes() {
        long max = 0;
        for (ConvAlgorithms.Choice[] dir : List.of(forward, backwardData, backwardFilter)) {
            for (ConvAlgorithms.Choice c : dir) {
                if (c != null) max = Math.max(max, c.workspaceBytes());
            }
        }
        return max;
    }

    String describe() {
        StringBuilder b = new StringBuilder("batch " + n + "x" + h + "x" + w + ":");
        for (int l = 0; l < LAYERS; l++) {
            b.append(" conv").append(l + 1).append(" fwd ");
            if (l == LAYERS - 1 && narrowLastLayer) {
                b.append("narrow-conv kernel (cuDNN's ").append(forward[l]).append(" unused)");
            } else {
                b.append(forward[l]).append(fused[l] ? " fused" : "");
            }
            if (backwardFilter[l] != null) b.append(", bwd filter ").append(backwardFilter[l]);
            if (backwardData[l] != null) b.append(", bwd data ").append(backwardData[l]);
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
        for (cudnnConvolutionDescriptor[] set : List.of(forwardConv, backwardDataConv, backwardFilterConv)) {
            for (int l = 0; l < set.length; l++) {
                if (set[l] == null) continue;
                int status = JCudnn.cudnnDestroyConvolutionDescriptor(set[l]);
                set[l] = null;
                if (status != 0 && first == null) {
                    first = CudaCheck.cudnnFailure(status, "cudnnDestroyConvolutionDescriptor");
                }
            }
        }
        for (int i = 0; i < activation.length; i++) {
            if (activation[i] == null) continue;
            int status = JCudnn.cudnnDestroyTensorDescriptor(activation[i]);
            activation[i] = null;
            if (status != 0 && first == null) first = CudaCheck.cudnnFailure(status, "cudnnDestroyTensorDescriptor");
        }
        if (first != null) throw first;
    }
}
