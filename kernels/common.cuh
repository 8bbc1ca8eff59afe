// Shared helpers of gpu-sr's kernels. Every kernel is extern "C" with a gpusr_ prefix (CudaKernels looks them up
// by name); helpers here are static/inline so the files can be compiled as one translation unit.
#pragma once

#include <stdint.h>

// Resident threads per SM of the architecture being compiled (1024 on Turing, 1536 on sm_86/89, else 2048), so a
// __launch_bounds__ minimum of blocks per SM is never more than the SM holds (ptxas ignores it with a warning then).
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ == 750
#define GPUSR_THREADS_PER_SM 1024
#elif defined(__CUDA_ARCH__) && (__CUDA_ARCH__ == 860 || __CUDA_ARCH__ == 870 || __CUDA_ARCH__ == 890)
#define GPUSR_THREADS_PER_SM 1536
#else
#define GPUSR_THREADS_PER_SM 2048
#endif
// The minimum blocks per SM for __launch_bounds__(threads, ...): `wanted`, or as many as fit.
#define GPUSR_MIN_BLOCKS(threads, wanted) \
    ((wanted) * (threads) <= GPUSR_THREADS_PER_SM ? (wanted) : GPUSR_THREADS_PER_SM / (threads))

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
