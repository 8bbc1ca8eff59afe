// MATLAB-compatible bicubic resize of float planes with per-dimension tables from BicubicResampler.contributions
// (taps, mirrored input index and normalised weight for every output row / column). One kernel does both passes
// for an output tile: the vertical pass (rows first, as MATLAB and BicubicResampler do) into shared memory for
// the input columns the tile needs, then the horizontal pass from shared memory to the output.
#include "common.cuh"

namespace {

// Horizontal taps cached in registers for tables of up to MAX_TAPS taps (enlarging has 4, shrinking by k 4k);
// MAX_TAPS = 0 reads every tap from the table.
template <int MAX_TAPS>
__device__ __forceinline__ void resizeTile(const float* __restrict__ src, float* __restrict__ dst, int planes,
                                           int inH, int inW, int outH, int outW, const int* __restrict__ rowIndex,
                                           const float* __restrict__ rowWeight, int rowTaps,
                                           const int* __restrict__ colIndex, const float* __restrict__ colWeight,
                                           int colTaps, const int* __restrict__ colTileStart, int spanX,
                                           int tileH) {
    extern __shared__ float vertical[];  // tileH rows x spanX columns, starting at input column rx0
    const int x0 = blockIdx.x * blockDim.x;
    const int y0 = blockIdx.y * tileH;
    const int rows = min(tileH, outH - y0);
    const int rx0 = colTileStart[blockIdx.x];
    const int cols = min(spanX, inW - rx0);
    const int threads = blockDim.x * blockDim.y;
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    const int x = x0 + threadIdx.x;

    int cachedIndex[MAX_TAPS > 0 ? MAX_TAPS : 1];
    float cachedWeight[MAX_TAPS > 0 ? MAX_TAPS : 1];
    if (MAX_TAPS > 0 && x < outW) {
#pragma unroll
        for (int t = 0; t < MAX_TAPS; t++) {
            cachedIndex[t] = t < colTaps ? colIndex[x * colTaps + t] - rx0 : 0;
            cachedWeight[t] = t < colTaps ? colWeight[x * colTaps + t] : 0.0f;
        }
    }

    for (long long plane = blockIdx.z; plane < planes; plane += gridDim.z) {
        const float* in = src + plane * inH * (long long)inW + rx0;
        for (int e = tid; e < rows * cols; e += threads) {
            const int r = e / cols;
            const int c = e - r * cols;
            const int* ri = rowIndex + (y0 + r) * rowTaps;
            const float* rw = rowWeight + (y0 + r) * rowTaps;
            float acc = 0.0f;
            for (int t = 0; t < rowTaps; t++) acc = fmaf(rw[t], in[(long long)ri[t] * inW + c], acc);
            vertical[r * spanX + c] = acc;
        }
        __syncthreads();
        if (x < outW) {
            float* out = dst + (plane * outH + y0) * (long long)outW + x;
            for (int r = threadIdx.y; r < rows; r += blockDim.y) {
                const float* line = vertical + r * spanX;
                float acc = 0.0f;
                if (MAX_TAPS > 0) {
#pragma unroll
                    for (int t = 0; t < (MAX_TAPS > 0 ? MAX_TAPS : 1); t++) {
                        if (t < colTaps) acc = fmaf(cachedWeight[t], line[cachedIndex[t]], acc);
                    }
                } else {
                    for (int t = 0; t < colTaps; t++) {
                        acc = fmaf(colWeight[x * colTaps + t], line[colIndex[x * colTaps + t] - rx0], acc);
                    }
                }
                out[(long long)r * outW] = acc;
            }
        }
        __syncthreads();  // the next plane overwrites `vertical`
    }
}

}  // namespace

// Grid: (ceil(outW / blockDim.x), ceil(outH / tileH), min(planes, 65535)). Block: (tile width, rows in parallel).
// Dynamic shared memory: tileH * spanX floats. colTileStart[i]: the smallest input column that output columns
// [i * blockDim.x, (i + 1) * blockDim.x) use; spanX: the widest such range of any tile.
#define GPUSR_BICUBIC_PARAMS                                                                                   \
    const float *__restrict__ src, float *__restrict__ dst, int planes, int inH, int inW, int outH, int outW, \
        const int *__restrict__ rowIndex, const float *__restrict__ rowWeight, int rowTaps,                   \
        const int *__restrict__ colIndex, const float *__restrict__ colWeight, int colTaps,                   \
        const int *__restrict__ colTileStart, int spanX, int tileH
#define GPUSR_BICUBIC_ARGS                                                                                      \
    src, dst, planes, inH, inW, outH, outW, rowIndex, rowWeight, rowTaps, colIndex, colWeight, colTaps, \
        colTileStart, spanX, tileH

// For column tables of at most 4 taps (enlarging by any integer k).
extern "C" __global__ void gpusr_bicubic_resize_taps4(GPUSR_BICUBIC_PARAMS) {
    resizeTile<4>(GPUSR_BICUBIC_ARGS);
}

// For column tables of at most 8 taps (shrinking by 2).
extern "C" __global__ void gpusr_bicubic_resize_taps8(GPUSR_BICUBIC_PARAMS) {
    resizeTile<8>(GPUSR_BICUBIC_ARGS);
}

// Any number of column taps (shrinking).
extern "C" __global__ void gpusr_bicubic_resize_any(GPUSR_BICUBIC_PARAMS) {
    resizeTile<0>(GPUSR_BICUBIC_ARGS);
}
