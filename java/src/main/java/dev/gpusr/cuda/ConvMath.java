package dev.gpusr.cuda;

import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * How one convolution computes: true fp32 (FMA, no tensor cores: the engine's default, {@link CudaOptions.MathMode#FMA}),
 * fp32 data with TF32 tensor cores allowed ({@link CudaOptions.MathMode#TF32}), or fp16 channels-last data with fp32
 * accumulation on tensor cores (a {@link ConvLayer} mode; the engine has no fp16 path).
 */
public enum ConvMath {
    FP32(cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnMathType.CUDNN_FMA_MATH, 4,
            cudnnMathType.CUDNN_FMA_MATH),
    TF32(cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnMathType.CUDNN_DEFAULT_MATH, 4, -1),
    FP16(cudnnDataType.CUDNN_DATA_HALF, cudnnTensorFormat.CUDNN_TENSOR_NHWC, cudnnMathType.CUDNN_TENSOR_OP_MATH, 2,
            cudnnMathType.CUDNN_TENSOR_OP_MATH);

    final int dataType;
    final int format;
    /** The math type a descriptor starts with, before an algorithm is chosen. */
    final int initialMathType;
    /** Bytes of one value of the tensors. */
    public final int bytesPerValue;
    /** The math type kept on the descriptor whatever the chosen algorithm reports; -1: the algorithm's own. */
    final int fixedMathType;

    ConvMath(int dataType, int format, int initialMathType, int bytesPerValue, int fixedMathType) {
        this.dataType = dataType;
        this.format = format;
        this.initialMathType = initialMathType;
        this.bytesPerValue = bytesPerValue;
        this.fixedMathType = fixedMathType;
    }

    /** The engine's math option as a convolution mode. */
    public static ConvMath of(CudaOptions.MathMode mode) {
        return mode == CudaOptions.MathMode.FMA ? FP32 : TF32;
    }

    /** Options for a layer run outside the engine: this math, and FFT/Winograd only where tensor cores round anyway. */
    CudaOptions layerOptions() {
        return CudaOptions.defaults().withMath(this == FP32 ? CudaOptions.MathMode.FMA : CudaOptions.MathMode.TF32)
                .withTransformAlgorithms(this != FP32);
    }
}
