// Convolution with few output channels (1..3: SRCNN's last layer), forward only, + bias, no activation.
// cuDNN's GEMM tiles waste nearly all their work on a one-column output (conv3 of 9-1-5 ran at 3.5% of the FMA
// peak on an H200); this kernel reads each input plane once through shared memory and keeps the outputs in
// registers, so it is bound by shared-memory loads and FMAs, not by padding.
//
// y[n,o,h,w] = bias[o] + sum over ci, ky, kx of W[o,ci,ky,kx] * x[n,ci,h+ky-r,w+kx-r], r = F/2, x = 0 outside the
// image (cross-correlation with 'same' zero padding, as PyTorch's Conv2d). Every output is summed in one fixed
// order (ci, then ky, then kx, then the bias), so results repeat bit for bit.
#include "common.cuh"

// Tile geometry, shared with CudaKernels (Plans.NARROW_CONV_*): a block of NARROW_TILE_W x NARROW_BLOCK_ROWS
// threads computes a NARROW_TILE_W x (NARROW_BLOCK_ROWS * NARROW_ROWS_PER_THREAD) output tile; each thread owns one
// column of NARROW_ROWS_PER_THREAD consecutive rows, so every staged input value feeds up to that many outputs from
// one shared-memory load. NARROW_CHANNEL_CHUNK input channels are staged per pair of barriers.
#define GPUSR_NARROW_TILE_W 32
#define GPUSR_NARROW_BLOCK_ROWS 8
#define GPUSR_NARROW_ROWS_PER_THREAD 8
#define GPUSR_NARROW_CHANNEL_CHUNK 2

namespace {

template <int F, int COUT>
__device__ __forceinline__ void convNarrow(const float* __restrict__ x, const float* __restrict__ weight,
                                           const float* __restrict__ bias, float* __restrict__ y, int n, int cin,
                                           int h, int w) {
    constexpr int R = F / 2;
    constexpr int TW = GPUSR_NARROW_TILE_W;
    constexpr int Y = GPUSR_NARROW_ROWS_PER_THREAD;
    constexpr int TH = GPUSR_NARROW_BLOCK_ROWS * Y;
    constexpr int CH = GPUSR_NARROW_CHANNEL_CHUNK;
    constexpr int SW = TW + F - 1;  // staged columns: the tile and its halo
    constexpr int SH = TH + F - 1;
    constexpr int THREADS = TW * GPUSR_NARROW_BLOCK_ROWS;
    __shared__ float staged[CH][SH][SW];
    // weights of the staged channels as [c][ky][kx][o]: one row's weights of all outputs are adjacent
    __shared__ __align__(16) float taps[CH][F][F][COUT];

    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int tid = ty * TW + tx;
    const int x0 = blockIdx.x * TW;
    const int y0 = blockIdx.y * TH;
    const int outX = x0 + tx;
    const int outRow0 = ty * Y;  // within the tile
    const long long hw = (long long)h * w;

    for (int img = blockIdx.z; img < n; img += gridDim.z) {
        float acc[COUT][Y];
#pragma unroll
        for (int o = 0; o < COUT; o++) {
#pragma unroll
            for (int j = 0; j < Y; j++) acc[o][j] = 0.0f;
        }
        const float* xImage = x + (long long)img * cin * hw;

        for (int c0 = 0; c0 < cin; c0 += CH) {
            const int count = min(CH, cin - c0);
            __syncthreads();  // the previous chunk (or image) is no longer being read
            for (int i = tid; i < CH * SH * SW; i += THREADS) {
                const int c = i / (SH * SW);
                const int rest = i - c * (SH * SW);
                const int row = rest / SW;
                const int col = rest - row * SW;
                const int gy = y0 + row - R;
                const int gx = x0 + col - R;
                float v = 0.0f;
                if (c < count && gy >= 0 && gy < h && gx >= 0 && gx < w) {
                    v = xImage[(long long)(c0 + c) * hw + (long long)gy * w + gx];
                }
                staged[c][row][col] = v;
            }
            for (int i = tid; i < CH * F * F * COUT; i += THREADS) {
                const int o = i % COUT;
                const int k = i / COUT;  // c * F * F + ky * F + kx
                const int c = k / (F * F);
                const int kk = k - c * (F * F);
                (&taps[0][0][0][0])[i] =
                    c < count ? weight[((long long)o * cin + c0 + c) * (F * F) + kk] : 0.0f;
            }
            __syncthreads();

#pragma unroll
            for (int c = 0; c < CH; c++) {
                if (c >= count) break;
                // input row r of this thread's window feeds output j through filter row ky = r - j; for each
                // output, contributions arrive in ky order, and kx order within a row
#pragma unroll
                for (int r = 0; r < Y + F - 1; r++) {
#pragma unroll
                    for (int kx = 0; kx < F; kx++) {
                        const float v = staged[c][outRow0 + r][tx + kx];
#pragma unroll
                        for (int j = 0; j < Y; j++) {
                            const int ky = r - j;
                            if (ky >= 0 && ky < F) {
#pragma unroll
                                for (int o = 0; o < COUT; o++) acc[o][j] = fmaf(taps[c][ky][kx][o], v, acc[o][j]);
                            }
                        }
                    }
                }
            }
        }

        if (outX < w) {
#pragma unroll
            for (int o = 0; o < COUT; o++) {
                const float b = bias[o];
                float* yPlane = y + ((long long)img * COUT + o) * hw;
#pragma unroll
                for (int j = 0; j < Y; j++) {
                    const int outY = y0 + outRow0 + j;
                    if (outY < h) yPlane[(long long)outY * w + outX] = acc[o][j] + b;
                }
            }
        }
    }
}

}  // namespace

// gpusr_conv_narrow_c<COUT>_f<F>(x, weight, bias, y, n, cin, h, w): x is n x cin x h x w, weight cout x cin x F x F
// (PyTorch layout), bias cout, y n x cout x h x w (must not overlap x). Grid: (ceil(w / 32), ceil(h / 64),
// min(n, 65535)); block: 32 x 8.
#define GPUSR_CONV_NARROW(COUT, F)                                                                               \
    extern "C" __global__ void __launch_bounds__(GPUSR_NARROW_TILE_W * GPUSR_NARROW_BLOCK_ROWS)                  \
        gpusr_conv_narrow_c##COUT##_f##F(const float* __restrict__ x, const float* __restrict__ weight,           \
                                         const float* __restrict__ bias, float* __restrict__ y, int n, int cin,   \
                                         int h, int w) {                                                          \
        convNarrow<F, COUT>(x, weight, bias, y, n, cin, h, w);                                                    \
    }

GPUSR_CONV_NARROW(1, 1)
GPUSR_CONV_NARROW(1, 3)
GPUSR_CONV_NARROW(1, 5)
GPUSR_CONV_NARROW(1, 7)
GPUSR_CONV_NARROW(1, 9)
GPUSR_CONV_NARROW(2, 1)
GPUSR_CONV_NARROW(2, 3)
GPUSR_CONV_NARROW(2, 5)
GPUSR_CONV_NARROW(2, 7)
GPUSR_CONV_NARROW(2, 9)
GPUSR_CONV_NARROW(3, 1)
GPUSR_CONV_NARROW(3, 3)
GPUSR_CONV_NARROW(3, 5)
GPUSR_CONV_NARROW(3, 7)
GPUSR_CONV_NARROW(3, 9)
