// Interleaved 8/16-bit pixels (HWC per image, 16-bit little-endian) <-> NCHW float planes in [0, 1], with MATLAB's
// rgb2ycbcr / ycbcr2rgb (BT.601 studio range) on the way, so only raw pixels cross the PCIe bus.
// Each thread converts 4 pixels with whole 32-bit words when an image's pixel count is a multiple of 4 and the
// buffers are aligned (4 pixels are 4 * C * BPS bytes, a whole number of words), else one pixel with byte access.
#include "common.cuh"

namespace {

// MATLAB rgb2ycbcr on [0, 1] values (SPEC.md): Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255, etc.
__device__ __forceinline__ void rgbToYcbcr(float r, float g, float b, float& y, float& cb, float& cr) {
    y = (16.0f + 65.481f * r + 128.553f * g + 24.966f * b) / 255.0f;
    cb = (128.0f + (-37.797f * r - 74.203f * g + 112.0f * b)) / 255.0f;
    cr = (128.0f + (112.0f * r - 93.786f * g - 18.214f * b)) / 255.0f;
}

// MATLAB ycbcr2rgb: the exact inverse of the matrix above (computed in rational arithmetic; the rounded textbook
// coefficients 1.164384, 1.596027, ... differ by up to 3e-6).
__device__ __forceinline__ void ycbcrToRgb(float y, float cb, float cr, float& r, float& g, float& b) {
    const float yy = y - 16.0f / 255.0f;
    const float u = cb - 128.0f / 255.0f;
    const float v = cr - 128.0f / 255.0f;
    r = 1.1643835616438356f * yy + 3.0112439743723867e-07f * u + 1.596026887335704f * v;
    g = 1.1643835616438356f * yy - 0.39176253994145005f * u - 0.81296829216220523f * v;
    b = 1.1643835616438356f * yy + 2.0172326395564593f * u + 3.0542617454348491e-06f * v;
}

template <int BPS>
__device__ __forceinline__ float sampleMax() {
    return BPS == 1 ? 255.0f : 65535.0f;
}

template <int BPS>
__device__ __forceinline__ unsigned quantise(float v) {
    return (unsigned)roundf(fminf(fmaxf(v, 0.0f), 1.0f) * sampleMax<BPS>());
}

// Sample s (0-based, BPS bytes little-endian) of a little-endian run of 32-bit words.
template <int BPS, int WORDS>
__device__ __forceinline__ unsigned sampleFromWords(const unsigned (&words)[WORDS], int s) {
    const int byte = s * BPS;
    unsigned v = (words[byte >> 2] >> ((byte & 3) * 8)) & 0xffu;
    if (BPS == 2) v |= ((words[(byte + 1) >> 2] >> (((byte + 1) & 3) * 8)) & 0xffu) << 8;
    return v;
}

template <int BPS, int WORDS>
__device__ __forceinline__ void sampleToWords(unsigned (&words)[WORDS], int s, unsigned v) {
    const int byte = s * BPS;
    words[byte >> 2] |= (v & 0xffu) << ((byte & 3) * 8);
    if (BPS == 2) words[(byte + 1) >> 2] |= ((v >> 8) & 0xffu) << (((byte + 1) & 3) * 8);
}

// values[p][c] for P pixels -> colour-converted in place when asked
template <int C, int P>
__device__ __forceinline__ void toPlanesColour(float (&values)[P][C], bool ycbcr) {
    if (C == 3 && ycbcr) {
#pragma unroll
        for (int p = 0; p < P; p++) {
            float y, cb, cr;
            rgbToYcbcr(values[p][0], values[p][C > 1 ? 1 : 0], values[p][C > 2 ? 2 : 0], y, cb, cr);
            values[p][0] = y;
            values[p][C > 1 ? 1 : 0] = cb;
            values[p][C > 2 ? 2 : 0] = cr;
        }
    }
}

template <int C, int P>
__device__ __forceinline__ void fromPlanesColour(float (&values)[P][C], bool ycbcr) {
    if (C == 3 && ycbcr) {
#pragma unroll
        for (int p = 0; p < P; p++) {
            float r, g, b;
            ycbcrToRgb(values[p][0], values[p][C > 1 ? 1 : 0], values[p][C > 2 ? 2 : 0], r, g, b);
            values[p][0] = r;
            values[p][C > 1 ? 1 : 0] = g;
            values[p][C > 2 ? 2 : 0] = b;
        }
    }
}

// raw / sampleMax, the [0, 1] value of a sample, bit for bit as the IEEE division. For 8-bit samples without a
// division (about ten instructions and a branch) or a table (shared-memory bank conflicts): the exact float of raw
// from its bits (2^23 + raw - 2^23), a product with the rounded reciprocal, and one FMA correction step, which
// gives the correctly rounded quotient for every raw in 0..255 (checked exhaustively against v / 255.0f).
template <int BPS>
__device__ __forceinline__ float unitSample(unsigned raw) {
    if constexpr (BPS == 1) {
        constexpr float reciprocal = 1.0f / 255.0f;
        const float v = __fadd_rn(__uint_as_float(0x4B000000u | raw), -8388608.0f);
        const float q = __fmul_rn(v, reciprocal);
        return __fmaf_rn(__fmaf_rn(-q, 255.0f, v), reciprocal, q);
    } else {
        return raw / sampleMax<BPS>();
    }
}

// Converts group g (4 pixels, `words` as loaded) of one image into its C float planes.
template <int C, int BPS>
__device__ __forceinline__ void unpackGroup(const unsigned (&words)[C * BPS], float* __restrict__ out, long long hw,
                                            long long g, bool ycbcr) {
    float values[4][C];
#pragma unroll
    for (int p = 0; p < 4; p++) {
#pragma unroll
        for (int c = 0; c < C; c++) values[p][c] = unitSample<BPS>(sampleFromWords<BPS>(words, p * C + c));
    }
    toPlanesColour<C, 4>(values, ycbcr);
#pragma unroll
    for (int c = 0; c < C; c++) {
        reinterpret_cast<float4*>(out + c * hw)[g] = make_float4(values[0][c], values[1][c], values[2][c], values[3][c]);
    }
}

// Groups of 4 pixels per thread per chunk of the word path of gpusr_unpack_* (CudaKernels sizes the grid with the
// same number: Plans.UNPACK_GROUPS). All of a chunk's words are loaded before any is converted, so a thread keeps
// 4 x 12 bytes in flight for RGB8 instead of 12: with one group per thread the unpack stayed near 74% of a copy.
#define GPUSR_UNPACK_GROUPS 4

// Grid: x covers the pixel groups of one image in chunks of blockDim.x * GPUSR_UNPACK_GROUPS (grid-stride), y
// covers images (grid-stride).
template <int C, int BPS>
__device__ __forceinline__ void unpack(const unsigned char* __restrict__ packed, float* __restrict__ planes,
                                       long long hw, int images, bool ycbcr) {
    constexpr int WORDS = C * BPS;  // 4 pixels
    // 16-bit samples: twice the words per group and a division per sample; fewer groups keep them within the
    // launch bounds' registers without spills (RGB16 spilled with 2)
    constexpr int V = BPS == 1 ? GPUSR_UNPACK_GROUPS : C == 1 ? GPUSR_UNPACK_GROUPS / 2 : 1;
    const bool vectorised = (hw & 3) == 0 && gpusr::aligned4(packed) && gpusr::aligned16(planes);
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long img = blockIdx.y; img < images; img += gridDim.y) {
        const unsigned char* in = packed + img * hw * WORDS;
        float* out = planes + img * C * hw;
        if (vectorised) {
            const unsigned* inWords = reinterpret_cast<const unsigned*>(in);
            const long long groups = hw >> 2;
            const long long chunk = (long long)blockDim.x * V;
            // item k of this thread is group g0 + k * blockDim.x: each store of a warp is contiguous
            for (long long g0 = (long long)blockIdx.x * chunk + threadIdx.x; g0 < groups; g0 += stride * V) {
                if (g0 + (V - 1) * blockDim.x < groups) {
                    unsigned words[V][WORDS];
#pragma unroll
                    for (int k = 0; k < V; k++) {
#pragma unroll
                        for (int i = 0; i < WORDS; i++) words[k][i] = inWords[(g0 + k * blockDim.x) * WORDS + i];
                    }
#pragma unroll
                    for (int k = 0; k < V; k++) unpackGroup<C, BPS>(words[k], out, hw, g0 + k * blockDim.x, ycbcr);
                } else {
                    for (long long g = g0; g < groups; g += blockDim.x) {
                        unsigned words[WORDS];
#pragma unroll
                        for (int i = 0; i < WORDS; i++) words[i] = inWords[g * WORDS + i];
                        unpackGroup<C, BPS>(words, out, hw, g, ycbcr);
                    }
                }
            }
        } else {
            for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < hw; p += stride) {
                float values[1][C];
#pragma unroll
                for (int c = 0; c < C; c++) {
                    const unsigned char* s = in + (p * C + c) * BPS;
                    const unsigned raw = BPS == 1 ? s[0] : (unsigned)s[0] | ((unsigned)s[BPS - 1] << 8);
                    values[0][c] = unitSample<BPS>(raw);
                }
                toPlanesColour<C, 1>(values, ycbcr);
#pragma unroll
                for (int c = 0; c < C; c++) out[c * hw + p] = values[0][c];
            }
        }
    }
}

template <int C, int BPS>
__device__ __forceinline__ void pack(const float* __restrict__ planes, unsigned char* __restrict__ packed,
                                     long long hw, int images, bool ycbcr) {
    constexpr int WORDS = C * BPS;
    const bool vectorised = (hw & 3) == 0 && gpusr::aligned4(packed) && gpusr::aligned16(planes);
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long img = blockIdx.y; img < images; img += gridDim.y) {
        const float* in = planes + img * C * hw;
        unsigned char* out = packed + img * hw * WORDS;
        if (vectorised) {
            unsigned* outWords = reinterpret_cast<unsigned*>(out);
            for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < (hw >> 2); g += stride) {
                float values[4][C];
#pragma unroll
                for (int c = 0; c < C; c++) {
                    const float4 v = reinterpret_cast<const float4*>(in + c * hw)[g];
                    values[0][c] = v.x;
                    values[1][c] = v.y;
                    values[2][c] = v.z;
                    values[3][c] = v.w;
                }
                fromPlanesColour<C, 4>(values, ycbcr);
                unsigned words[WORDS];
#pragma unroll
                for (int i = 0; i < WORDS; i++) words[i] = 0;
#pragma unroll
                for (int p = 0; p < 4; p++) {
#pragma unroll
                    for (int c = 0; c < C; c++) sampleToWords<BPS>(words, p * C + c, quantise<BPS>(values[p][c]));
                }
#pragma unroll
                for (int i = 0; i < WORDS; i++) outWords[g * WORDS + i] = words[i];
            }
        } else {
            for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < hw; p += stride) {
                float values[1][C];
#pragma unroll
                for (int c = 0; c < C; c++) values[0][c] = in[c * hw + p];
                fromPlanesColour<C, 1>(values, ycbcr);
#pragma unroll
                for (int c = 0; c < C; c++) {
                    const unsigned q = quantise<BPS>(values[0][c]);
                    unsigned char* s = out + (p * C + c) * BPS;
                    s[0] = (unsigned char)(q & 0xffu);
                    if (BPS == 2) s[BPS - 1] = (unsigned char)(q >> 8);
                }
            }
        }
    }
}

}  // namespace

// gpusr_unpack_c{C}_b{BPS}(packed, planes, hw, images, toYcbcr): C channels, BPS bytes per sample. Blocks of at
// most 256 threads (Plans.BLOCK); the launch bounds hold registers at 48 so 5 blocks fit on an SM.
// gpusr_pack_c{C}_b{BPS}(planes, packed, hw, images, fromYcbcr): the inverse (clamp to [0, 1], round).
#define GPUSR_PIXEL_KERNELS(C, BPS)                                                                        \
    extern "C" __global__ void __launch_bounds__(256, GPUSR_MIN_BLOCKS(256, 5)) gpusr_unpack_c##C##_b##BPS(const unsigned char* __restrict__ packed,       \
                                                          float* __restrict__ planes, long long hw,       \
                                                          int images, int toYcbcr) {                      \
        unpack<C, BPS>(packed, planes, hw, images, toYcbcr != 0);                                         \
    }                                                                                                     \
    extern "C" __global__ void gpusr_pack_c##C##_b##BPS(const float* __restrict__ planes,                 \
                                                        unsigned char* __restrict__ packed, long long hw, \
                                                        int images, int fromYcbcr) {                      \
        pack<C, BPS>(planes, packed, hw, images, fromYcbcr != 0);                                         \
    }

GPUSR_PIXEL_KERNELS(1, 1)
GPUSR_PIXEL_KERNELS(1, 2)
GPUSR_PIXEL_KERNELS(3, 1)
GPUSR_PIXEL_KERNELS(3, 2)
