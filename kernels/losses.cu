// MSE loss with its gradient, and the 8-bit sum of squared errors for PSNR. Both are two deterministic stages:
// blocks reduce fixed ranges into partials, then one block sums the partials in a fixed order. The partition
// depends only on the sizes (chosen by CudaKernels), so a repeated call gives bit-identical results.
#include "common.cuh"

namespace {

__device__ __forceinline__ void squaredErrorAndGrad(float o, float t, float gradScale, float& grad, double& sum) {
    const float d = o - t;
    grad = d * gradScale;
    sum += (double)d * (double)d;  // the product is exact in double
}

// round(clamp(v, 0, 1) * 255) as Metrics.toUint8Levels does (NaN clamps to 0 there too: Math.round(NaN) = 0)
__device__ __forceinline__ int level8(float v) {
    return (int)roundf(fminf(fmaxf(v, 0.0f), 1.0f) * 255.0f);
}

}  // namespace

// Stage 1 of the MSE: block b covers [b * perBlock, min(count, (b + 1) * perBlock)) (perBlock a multiple of 4):
// dOut = (out - target) * gradScale there, and partial[b] = sum of (out - target)^2 in double.
// Grid: (blocks). Block: 1D, a multiple of 32 threads, at most 256 (Plans.BLOCK).
// The launch bounds cap registers at 32 so 8 blocks fit on an SM: at 40 registers only 6 did, and the 1024 blocks
// of a large batch ran as 1.3 waves on a 132-SM H100/H200, the second wave at a fifth of the occupancy.
extern "C" __global__ void __launch_bounds__(256, GPUSR_MIN_BLOCKS(256, 8)) gpusr_mse_partial(const float* __restrict__ out, const float* __restrict__ target,
                                             float* __restrict__ dOut, double* __restrict__ partial,
                                             long long count, long long perBlock, float gradScale) {
    __shared__ double warpSums[32];
    const long long start = (long long)blockIdx.x * perBlock;
    const long long end = min(start + perBlock, count);
    double sum = 0.0;
    long long scalarFrom = start;
    if (gpusr::aligned16(out) && gpusr::aligned16(target) && gpusr::aligned16(dOut)) {
        const long long vectorEnd = start + ((end - start) & ~3LL);
        const float4* o4 = reinterpret_cast<const float4*>(out);
        const float4* t4 = reinterpret_cast<const float4*>(target);
        float4* g4 = reinterpret_cast<float4*>(dOut);
        for (long long i = (start >> 2) + threadIdx.x; i < (vectorEnd >> 2); i += blockDim.x) {
            const float4 o = o4[i];
            const float4 t = t4[i];
            float4 g;
            squaredErrorAndGrad(o.x, t.x, gradScale, g.x, sum);
            squaredErrorAndGrad(o.y, t.y, gradScale, g.y, sum);
            squaredErrorAndGrad(o.z, t.z, gradScale, g.z, sum);
            squaredErrorAndGrad(o.w, t.w, gradScale, g.w, sum);
            g4[i] = g;
        }
        scalarFrom = vectorEnd;
    }
    for (long long i = scalarFrom + threadIdx.x; i < end; i += blockDim.x) {
        squaredErrorAndGrad(out[i], target[i], gradScale, dOut[i], sum);
    }
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// Stage 2 of the MSE: loss[0] = (sum of the partials) / count. Grid: (1). Block: 1D, a multiple of 32 threads.
extern "C" __global__ void gpusr_mse_finish(const double* __restrict__ partial, int blocks, float* __restrict__ loss,
                                            long long count) {
    __shared__ double warpSums[32];
    double sum = 0.0;
    for (int i = threadIdx.x; i < blocks; i += blockDim.x) sum += partial[i];
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) loss[0] = (float)(sum / (double)count);
}

// Stage 1 of the 8-bit SSE over the inner region (shave dropped at each border) of `planes` h x w planes. The
// inner rows of all planes are numbered r = plane * innerH + (y - shave); block b covers rows
// [b * rowsPerBlock, ...) and writes the exact integer sum of squared level differences to partial[b].
// Grid: (blocks). Block: 1D, a multiple of 32 threads.
extern "C" __global__ void gpusr_sse8_partial(const float* __restrict__ a, const float* __restrict__ b,
                                              unsigned long long* __restrict__ partial, long long innerRows,
                                              int innerH, int h, int w, int shave, long long rowsPerBlock) {
    __shared__ unsigned long long warpSums[32];
    const long long row0 = (long long)blockIdx.x * rowsPerBlock;
    const long long row1 = min(row0 + rowsPerBlock, innerRows);
    unsigned long long sum = 0;
    for (long long r = row0; r < row1; r++) {
        const long long plane = r / innerH;
        const int yy = (int)(r - plane * innerH) + shave;
        const long long base = (plane * h + yy) * (long long)w;
        for (int x = shave + threadIdx.x; x < w - shave; x += blockDim.x) {
            const int d = level8(a[base + x]) - level8(b[base + x]);
            sum += (unsigned long long)(d * d);
        }
    }
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// Stage 2 of the SSE: sse[0] = sum of the partials (exact; then converted to double).
extern "C" __global__ void gpusr_sse8_finish(const unsigned long long* __restrict__ partial, int blocks,
                                             double* __restrict__ sse) {
    __shared__ unsigned long long warpSums[32];
    unsigned long long sum = 0;
    for (int i = threadIdx.x; i < blocks; i += blockDim.x) sum += partial[i];
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) sse[0] = (double)sum;
}
