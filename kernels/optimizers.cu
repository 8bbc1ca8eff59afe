// Optimizer updates over the one flat parameter buffer (SrcnnConfig order), with one rate per layer.
// The grid-stride index is 64-bit: with an int, i + gridDim.x * blockDim.x overflows for counts near 2^31.
// The arithmetic is spelled with __fmul_rn/__fadd_rn/__fdiv_rn, which nvcc never contracts into FMAs, so each
// step rounds as the plain float Java expression in Optimizers does.
#include "common.cuh"

#define GPUSR_MAX_LAYERS 8

// Passed by value. CudaKernels packs it as 1 + 2 * GPUSR_MAX_LAYERS 32-bit words in this order.
struct LayerRates {
    int layers;
    int end[GPUSR_MAX_LAYERS];     // element i belongs to the first layer l with i < end[l]
    float rate[GPUSR_MAX_LAYERS];  // SGD: the learning rate; Adam: lr / (1 - beta1^step)
};

namespace {

// Constant indices only (ends increase, so the last passed end decides): a data-dependent index into the
// parameter struct would copy it to local memory.
__device__ __forceinline__ float rateOf(const LayerRates& rates, int i) {
    float rate = rates.rate[0];
#pragma unroll
    for (int l = 0; l < GPUSR_MAX_LAYERS - 1; l++) {
        if (l < rates.layers - 1 && i >= rates.end[l]) rate = rates.rate[l + 1];
    }
    return rate;
}

}  // namespace

// PyTorch SGD with momentum (dampening 0, no Nesterov, no weight decay): m = momentum m + g; p -= lr m.
extern "C" __global__ void gpusr_sgd_momentum(float* __restrict__ params, const float* __restrict__ grads,
                                              float* __restrict__ momentumBuffer, int count, LayerRates rates,
                                              float momentum) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (long long)gridDim.x * blockDim.x) {
        const float m = __fadd_rn(__fmul_rn(momentum, momentumBuffer[i]), grads[i]);
        momentumBuffer[i] = m;
        params[i] = __fsub_rn(params[i], __fmul_rn(rateOf(rates, (int)i), m));
    }
}

// PyTorch Adam (no weight decay, no amsgrad): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g g;
// p -= stepSize m / (sqrt(v) / sqrt(1 - b2^step) + eps), stepSize = lr / (1 - b1^step) in rates.rate.
extern "C" __global__ void gpusr_adam(float* __restrict__ params, const float* __restrict__ grads,
                                      float* __restrict__ firstMoment, float* __restrict__ secondMoment, int count,
                                      LayerRates rates, float beta1, float beta2, float eps,
                                      float biasCorrection2Sqrt) {
    const float oneMinusBeta1 = 1.0f - beta1;
    const float oneMinusBeta2 = 1.0f - beta2;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (long long)gridDim.x * blockDim.x) {
        const float g = grads[i];
        const float m = __fadd_rn(__fmul_rn(beta1, firstMoment[i]), __fmul_rn(oneMinusBeta1, g));
        const float v = __fadd_rn(__fmul_rn(beta2, secondMoment[i]), __fmul_rn(__fmul_rn(oneMinusBeta2, g), g));
        firstMoment[i] = m;
        secondMoment[i] = v;
        const float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), biasCorrection2Sqrt), eps);
        params[i] = __fsub_rn(params[i], __fdiv_rn(__fmul_rn(rateOf(rates, (int)i), m), denom));
    }
}
