// Shared helpers of gpu-sr's kernels. Every kernel is extern "C" with a gpusr_ prefix (CudaKernels looks them up
// by name); helpers here are static/inline so the files can be compiled as one translation unit.
#pragma once

#include <stdint.h>

namespace gpusr {

constexpr int WARP = 32;

// Block-wide sum in a fixed order (warp shuffles, then the first warp over the warp sums): the result depends only
// on the values and the block size, never on scheduling. Every thread of the block must call it; the total is
// returned to thread 0 (other threads get partial values). `shared` needs blockDim.x / 32 elements.
template <typename T>
__device__ __forceinline__ T blockSum(T value, T* shared) {
    const int lane = threadIdx.x % WARP;
    const int warp = threadIdx.x / WARP;
    const int warps = (blockDim.x + WARP - 1) / WARP;
    for (int offset = WARP / 2; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
    if (lane == 0) shared[warp] = value;
    __syncthreads();
    if (warp == 0) {
        value = lane < warps ? shared[lane] : T(0);
        for (int offset = WARP / 2; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
    }
    __syncthreads();  // so a second call may reuse `shared`
    return value;
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) & 15u) == 0;
}

__device__ __forceinline__ bool aligned4(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) & 3u) == 0;
}

}  // namespace gpusr
