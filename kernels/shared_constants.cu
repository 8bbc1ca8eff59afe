// The tile and block constants the kernels share with the Java side (dev.gpusr.cuda.Plans), as device globals:
// CudaKernels.load reads each with cuModuleGetGlobal and refuses a fatbin whose values differ from Plans
// (KernelConstants names both values). No kernel here. The unity build (cmake/CMakeLists.txt) includes this file
// after the others (sorted by name), so every macro below is defined by then.
#include "common.cuh"

#if !defined(GPUSR_BIAS_FORWARD_VECTORS) || !defined(GPUSR_UNPACK_GROUPS) || !defined(GPUSR_MAX_LAYERS) \
    || !defined(GPUSR_NARROW_TILE_W) || !defined(GPUSR_NARROW_BLOCK_ROWS) || !defined(GPUSR_NARROW_ROWS_PER_THREAD)
#error "shared_constants.cu is compiled as part of the unity build, after the kernels that define its macros"
#endif

// Not const: a writable global is never folded away, so cuModuleGetGlobal always finds it.
extern "C" __device__ int gpusr_const_bias_forward_vectors = GPUSR_BIAS_FORWARD_VECTORS;
extern "C" __device__ int gpusr_const_unpack_groups = GPUSR_UNPACK_GROUPS;
extern "C" __device__ int gpusr_const_max_layers = GPUSR_MAX_LAYERS;
extern "C" __device__ int gpusr_const_narrow_tile_w = GPUSR_NARROW_TILE_W;
extern "C" __device__ int gpusr_const_narrow_block_rows = GPUSR_NARROW_BLOCK_ROWS;
extern "C" __device__ int gpusr_const_narrow_rows_per_thread = GPUSR_NARROW_ROWS_PER_THREAD;
