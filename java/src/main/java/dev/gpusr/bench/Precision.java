package dev.gpusr.bench;

import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorFormat;

/**
 * The precision modes compared with PyTorch: true fp32 (no tensor cores, as PyTorch with TF32 off), fp32 data with
 * TF32 tensor cores allowed (PyTorch's default for convolutions), and fp16 channels-last with fp32 accumulation.
 */
public enum Precision {
    FP32("fp32", cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnMathType.CUDNN_FMA_MATH, 4),
    TF32("tf32", cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnMathType.CUDNN_DEFAULT_MATH, 4),
    FP16("fp16", cudnnDataType.CUDNN_DATA_HALF, cudnnTensorFormat.CUDNN_TENSOR_NHWC, cudnnMathType.CUDNN_TENSOR_OP_MATH, 2);

    public final String id;
    public final int dataType;
    public final int format;
    public final int mathType;
    public final int bytesPerValue;

    Precision(String id, int dataType, int format, int mathType, int bytesPerValue) {
        this.id = id;
        this.dataType = dataType;
        this.format = format;
        this.mathType = mathType;
        this.bytesPerValue = bytesPerValue;
    }

    /**
     * Whether an algorithm the search reports with this math type keeps the mode's promise: fp32 refuses explicit
     * tensor-op results (JCudnn reports 0, the default, for forward and backward-data results whatever they were;
     * the fp32 descriptors' CUDNN_FMA_MATH keeps tensor cores out of those).
     */
    public boolean allows(int algoMathType) {
        return this != FP32 || (algoMathType != cudnnMathType.CUDNN_TENSOR_OP_MATH
                && algoMathType != cudnnMathType.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION);
    }

    /** Relative tolerance of this mode against the fp64 CPU reference. */
    public double tolerance() {
        return switch (this) {
            case FP32 -> 3e-4; // FFT and Winograd algorithms in true fp32 stay well inside this
            case TF32 -> 2e-2;
            case FP16 -> 3e-2;
        };
    }
}
