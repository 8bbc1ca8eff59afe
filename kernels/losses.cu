// MSE loss with its gradient, and the 8-bit sum of squared errors for PSNR. Both reduce in two deterministic
// stages: blocks reduce fixed ranges into partials, then one block sums the partials in a fixed order (the MSE does
// both in one launch, see gpusr_mse). The partition depends only on the sizes (chosen by CudaKernels), so a
// repeated call gives bit-identical results.
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

// Float4s of each input per thread per chunk of gpusr_mse and gpusr_sse8_partial. All of a chunk's loads
// are issued before any of them is used, so a thread keeps 2 x GPUSR_REDUCE_VECTORS x 16 bytes in flight: with one
// float4 per input the MSE stayed near 74% of a device-to-device copy and the (scalar) SSE near 60%.
#define GPUSR_REDUCE_VECTORS 2

namespace {

// Called by thread 0 of each block after it wrote its partial: true for exactly one block, the last to call, by
// which time every block's partial is visible. The fence before the ticket publishes this block's partial to the
// whole device; the fence after it orders the last block's reads of the partials after every other block's
// publication (the caller reads them with __ldcg, from L2, never from a stale L1 line). atomicInc wraps to 0 at
// gridDim.x - 1, so the last ticket also resets the counter for the next launch (and for a CUDA graph replay).
__device__ __forceinline__ bool lastBlockToFinish(unsigned* ticket) {
    __threadfence();
    const bool last = atomicInc(ticket, gridDim.x - 1) == gridDim.x - 1;
    if (last) __threadfence();
    return last;
}

}  // namespace

// The MSE in one launch: block b covers [b * perBlock, min(count, (b + 1) * perBlock)) (perBlock a multiple of 4):
// dOut = (out - target) * gradScale there, and partial[b] = sum of (out - target)^2 in double. The last block to
// finish (found with a ticket counter, see lastBlockToFinish) then sets loss[0] = (sum of all partials) / count,
// summing them in index order with the same blockSum whoever it is, so the loss does not depend on which block
// came last. A second, one-block launch for that sum cost a few microseconds of launch and dependency gap, about
// 3% of the 8 x 1080 x 1920 case on an H200.
// `ticket` is one unsigned int that is 0 before the launch; the launch leaves it 0 again (CudaKernels owns it).
// Thread t adds the float4s t, t + blockDim.x, t + 2 blockDim.x, ... of its block in that order, whatever
// GPUSR_REDUCE_VECTORS is (a chunk's item k is float4 k * blockDim.x after its first), so the loss does not depend
// on how many loads are in flight.
// Grid: (blocks). Block: 1D, a multiple of 32 threads, at most 256 (Plans.BLOCK).
// The launch bounds cap registers so 8 blocks fit on an SM: at 40 registers only 6 did, and the 1024 blocks of a
// large batch ran as 1.3 waves on a 132-SM H100/H200, the second wave at a fifth of the occupancy.
extern "C" __global__ void __launch_bounds__(256, GPUSR_MIN_BLOCKS(256, 8))
    gpusr_mse(const float* __restrict__ out, const float* __restrict__ target, float* __restrict__ dOut,
              double* partial, unsigned* ticket, float* __restrict__ loss, long long count, long long perBlock,
              float gradScale) {
    constexpr int V = GPUSR_REDUCE_VECTORS;
    __shared__ double warpSums[32];
    __shared__ bool last;
    const long long start = (long long)blockIdx.x * perBlock;
    const long long end = min(start + perBlock, count);
    double sum = 0.0;
    long long scalarFrom = start;
    if (gpusr::aligned16(out) && gpusr::aligned16(target) && gpusr::aligned16(dOut)) {
        const long long vectorEnd = start + ((end - start) & ~3LL);
        const float4* o4 = reinterpret_cast<const float4*>(out);
        const float4* t4 = reinterpret_cast<const float4*>(target);
        float4* g4 = reinterpret_cast<float4*>(dOut);
        const long long n4 = vectorEnd >> 2;
        const int step = blockDim.x;
        long long i = (start >> 2) + threadIdx.x;
        // whole chunks: V float4s of each input per thread, every load issued before the first use
        for (; i + (long long)(V - 1) * step < n4; i += (long long)V * step) {
            float4 o[V], t[V];
#pragma unroll
            for (int k = 0; k < V; k++) {
                o[k] = o4[i + k * step];
                t[k] = t4[i + k * step];
            }
#pragma unroll
            for (int k = 0; k < V; k++) {
                float4 g;
                squaredErrorAndGrad(o[k].x, t[k].x, gradScale, g.x, sum);
                squaredErrorAndGrad(o[k].y, t[k].y, gradScale, g.y, sum);
                squaredErrorAndGrad(o[k].z, t[k].z, gradScale, g.z, sum);
                squaredErrorAndGrad(o[k].w, t[k].w, gradScale, g.w, sum);
                g4[i + k * step] = g;
            }
        }
        // the rest of the block's float4s, one at a time, continuing the same sequence
        for (; i < n4; i += step) {
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
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = sum;
        last = lastBlockToFinish(ticket);
    }
    __syncthreads();
    if (!last) return;
    // thread t sums partials t, t + blockDim.x, ... then blockSum: the order of the former one-block finish kernel
    // (also launched with Plans.BLOCK threads), so the loss is bit-identical to the two-launch version
    double total = 0.0;
    for (int i = threadIdx.x; i < (int)gridDim.x; i += blockDim.x) total += __ldcg(partial + i);
    total = gpusr::blockSum(total, warpSums);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)count);
}

namespace {

// Where float4 j of a block's inner rows lies when w is a multiple of 4: the block's rows are numbered from row0
// (inner-row numbering, see gpusr_sse8_partial), each w4 = w / 4 float4s long; plane p's inner rows start
// shave * (2p + 1) rows after the same inner-row number. 32-bit arithmetic: CudaKernels allows at most 2^31 - 1
// floats per call.
struct InnerRowFloat4s {
    unsigned row0, w4, innerH, shave;

    __device__ __forceinline__ unsigned at(unsigned j, unsigned& x4) const {
        const unsigned rows = j / w4;
        x4 = j - rows * w4;
        const unsigned r = row0 + rows;
        const unsigned plane = r / innerH;
        return (r + shave * (2 * plane + 1)) * w4 + x4;
    }
};

// The summed squared level differences of the 4 samples of float4 x4 that lie in [shave, w - shave).
__device__ __forceinline__ unsigned levelSse4(float4 a, float4 b, unsigned x4, int w, int shave) {
    const int x = (int)x4 * 4;
    const int d0 = level8(a.x) - level8(b.x);
    const int d1 = level8(a.y) - level8(b.y);
    const int d2 = level8(a.z) - level8(b.z);
    const int d3 = level8(a.w) - level8(b.w);
    const int lo = shave - x;      // samples c < lo are in the left border
    const int hi = w - shave - x;  // samples c >= hi are in the right border
    unsigned s = 0;  // at most 4 * 255^2
    s += 0 >= lo && 0 < hi ? (unsigned)(d0 * d0) : 0u;
    s += 1 >= lo && 1 < hi ? (unsigned)(d1 * d1) : 0u;
    s += 2 >= lo && 2 < hi ? (unsigned)(d2 * d2) : 0u;
    s += 3 >= lo && 3 < hi ? (unsigned)(d3 * d3) : 0u;
    return s;
}

}  // namespace

// Stage 1 of the 8-bit SSE over the inner region (shave dropped at each border) of `planes` h x w planes. The
// inner rows of all planes are numbered r = plane * innerH + (y - shave); block b covers rows
// [b * rowsPerBlock, ...) and writes the exact integer sum of squared level differences to partial[b].
// When w is a multiple of 4 and both planes are 16-byte aligned, the block reads its rows as one run of whole-row
// float4s (border samples loaded and masked out), GPUSR_REDUCE_VECTORS of each plane per thread in flight; the
// sum is of integers, so the order does not matter. Otherwise one float at a time, row by row.
// Grid: (blocks). Block: 1D, a multiple of 32 threads, at most 256 (Plans.BLOCK).
extern "C" __global__ void __launch_bounds__(256, GPUSR_MIN_BLOCKS(256, 8))
    gpusr_sse8_partial(const float* __restrict__ a, const float* __restrict__ b,
                       unsigned long long* __restrict__ partial, long long innerRows, int innerH, int h, int w,
                       int shave, long long rowsPerBlock) {
    constexpr int V = GPUSR_REDUCE_VECTORS;
    __shared__ unsigned long long warpSums[32];
    const long long row0 = (long long)blockIdx.x * rowsPerBlock;
    const long long row1 = min(row0 + rowsPerBlock, innerRows);
    unsigned long long sum = 0;
    if ((w & 3) == 0 && gpusr::aligned16(a) && gpusr::aligned16(b)) {
        const float4* a4 = reinterpret_cast<const float4*>(a);
        const float4* b4 = reinterpret_cast<const float4*>(b);
        const InnerRowFloat4s rows{(unsigned)row0, (unsigned)w >> 2, (unsigned)innerH, (unsigned)shave};
        const unsigned n4 = (unsigned)(row1 - row0) * rows.w4;
        const unsigned step = blockDim.x;
        unsigned j = threadIdx.x;
        for (; j + (V - 1) * step < n4; j += V * step) {
            float4 va[V], vb[V];
            unsigned x4[V];
#pragma unroll
            for (int k = 0; k < V; k++) {
                const unsigned at = rows.at(j + k * step, x4[k]);
                va[k] = a4[at];
                vb[k] = b4[at];
            }
#pragma unroll
            for (int k = 0; k < V; k++) sum += levelSse4(va[k], vb[k], x4[k], w, shave);
        }
        for (; j < n4; j += step) {
            unsigned x4;
            const unsigned at = rows.at(j, x4);
            sum += levelSse4(a4[at], b4[at], x4, w, shave);
        }
    } else {
        for (long long r = row0; r < row1; r++) {
            const long long plane = r / innerH;
            const int yy = (int)(r - plane * innerH) + shave;
            const long long base = (plane * h + yy) * (long long)w;
            for (int x = shave + threadIdx.x; x < w - shave; x += blockDim.x) {
                const int d = level8(a[base + x]) - level8(b[base + x]);
                sum += (unsigned long long)(d * d);
            }
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
