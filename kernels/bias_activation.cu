// Bias + ReLU after a convolution, and its backward fused with the bias-gradient reduction.
// Tensors are NCHW float32; a "plane" is one (image, channel) pair of hw contiguous values.
#include "common.cuh"

namespace {

__device__ __forceinline__ float biasRelu(float v, float b, bool relu) {
    v += b;
    // `v < 0` rather than fmaxf: a NaN stays NaN, so a diverging model is seen, not hidden
    return relu && v < 0.0f ? 0.0f : v;
}

__device__ __forceinline__ float reluMask(float dy, float y) {
    return y <= 0.0f ? 0.0f : dy;
}

}  // namespace

// Float4s per thread per plane chunk of gpusr_bias_act_forward (CudaKernels sizes its grid with the same number).
// All of them are loaded before any is stored, so each thread keeps 64 bytes in flight instead of 16: with one
// float4 per thread the in-place pass stayed near 80% of a device-to-device copy.
#define GPUSR_BIAS_FORWARD_VECTORS 4

// x[plane] += bias[plane % channels], then ReLU when `relu`; in place.
// Grid: x covers a plane in chunks of blockDim.x * GPUSR_BIAS_FORWARD_VECTORS float4s (or floats when hw is not a
// multiple of 4) (grid-stride), y covers planes (grid-stride). Block: any 1D size.
extern "C" __global__ void gpusr_bias_act_forward(float* __restrict__ x, const float* __restrict__ bias,
                                                  int channels, long long hw, long long planes, int relu) {
    constexpr int V = GPUSR_BIAS_FORWARD_VECTORS;
    const bool vectorised = (hw & 3) == 0 && gpusr::aligned16(x);
    const long long chunk = (long long)blockDim.x * V;
    const long long stride = (long long)gridDim.x * chunk;
    for (long long plane = blockIdx.y; plane < planes; plane += gridDim.y) {
        const float b = bias[plane % channels];
        float* p = x + plane * hw;
        if (vectorised) {
            float4* p4 = reinterpret_cast<float4*>(p);
            const long long n4 = hw >> 2;
            for (long long i0 = (long long)blockIdx.x * chunk + threadIdx.x; i0 < n4; i0 += stride) {
                // item k of this thread is q[k * blockDim.x]: each load and store of a warp is contiguous
                float4* q = p4 + i0;
                const long long left = n4 - i0;
                float4 v[V];
#pragma unroll
                for (int k = 0; k < V; k++) {
                    if (k * blockDim.x < left) v[k] = q[k * blockDim.x];
                }
#pragma unroll
                for (int k = 0; k < V; k++) {
                    if (k * blockDim.x < left) {
                        v[k].x = biasRelu(v[k].x, b, relu);
                        v[k].y = biasRelu(v[k].y, b, relu);
                        v[k].z = biasRelu(v[k].z, b, relu);
                        v[k].w = biasRelu(v[k].w, b, relu);
                        q[k * blockDim.x] = v[k];
                    }
                }
            }
        } else {
            for (long long i0 = (long long)blockIdx.x * chunk + threadIdx.x; i0 < hw; i0 += stride) {
                float* q = p + i0;
                const long long left = hw - i0;
                float v[V];
#pragma unroll
                for (int k = 0; k < V; k++) {
                    if (k * blockDim.x < left) v[k] = q[k * blockDim.x];
                }
#pragma unroll
                for (int k = 0; k < V; k++) {
                    if (k * blockDim.x < left) q[k * blockDim.x] = biasRelu(v[k], b, relu);
                }
            }
        }
    }
}

// Stage 1 of the backward: when `relu`, dy = 0 where y <= 0 (in place); each block sums dy over one chunk of
// positions [chunk * posPerChunk, ...) of one channel for a group of `imagesPerGroup` images, in a fixed order,
// and writes out[(channel * groups + group) * chunks + chunk]. With one chunk and one group `out` is dbias itself.
// Grid: (chunks, channels, groups). Block: 1D, a multiple of 32 threads, at most 1024.
extern "C" __global__ void gpusr_bias_act_backward_partial(float* __restrict__ dy, const float* __restrict__ y,
                                                           float* __restrict__ out, int channels, long long hw,
                                                           int images, int imagesPerGroup, long long posPerChunk,
                                                           int relu) {
    __shared__ float warpSums[32];
    const int chunk = blockIdx.x;
    const int channel = blockIdx.y;
    const int group = blockIdx.z;
    const long long pos0 = (long long)chunk * posPerChunk;
    const long long pos1 = min(pos0 + posPerChunk, hw);
    const int img0 = group * imagesPerGroup;
    const int img1 = min(img0 + imagesPerGroup, images);
    const bool vectorised =
        (hw & 3) == 0 && (posPerChunk & 3) == 0 && gpusr::aligned16(dy) && gpusr::aligned16(y);

    float sum = 0.0f;
    for (int img = img0; img < img1; img++) {
        const long long base = ((long long)img * channels + channel) * hw;
        if (vectorised) {
            float4* d4 = reinterpret_cast<float4*>(dy + base);
            const float4* y4 = reinterpret_cast<const float4*>(y + base);
            for (long long i = (pos0 >> 2) + threadIdx.x; i < (pos1 >> 2); i += blockDim.x) {
                float4 d = d4[i];
                if (relu) {
                    const float4 v = y4[i];
                    d.x = reluMask(d.x, v.x);
                    d.y = reluMask(d.y, v.y);
                    d.z = reluMask(d.z, v.z);
                    d.w = reluMask(d.w, v.w);
                    d4[i] = d;
                }
                sum += (d.x + d.y) + (d.z + d.w);
            }
        } else {
            for (long long i = pos0 + threadIdx.x; i < pos1; i += blockDim.x) {
                float d = dy[base + i];
                if (relu) {
                    d = reluMask(d, y[base + i]);
                    dy[base + i] = d;
                }
                sum += d;
            }
        }
    }
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) {
        out[((long long)channel * gridDim.z + group) * gridDim.x + chunk] = sum;
    }
}

// Stage 2: dbias[channel] = sum of that channel's `perChannel` partials, in a fixed order, accumulated in double.
// Grid: (channels). Block: 1D, a multiple of 32 threads.
extern "C" __global__ void gpusr_bias_grad_finish(const float* __restrict__ partial, float* __restrict__ dbias,
                                                  int perChannel) {
    __shared__ double warpSums[32];
    const float* p = partial + (long long)blockIdx.x * perChannel;
    double sum = 0.0;
    for (int i = threadIdx.x; i < perChannel; i += blockDim.x) sum += p[i];
    sum = gpusr::blockSum(sum, warpSums);
    if (threadIdx.x == 0) dbias[blockIdx.x] = (float)sum;
}
