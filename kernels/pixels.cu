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

// raw / sampleMax, the [0, 1] value of a sample. For 8-bit samples the quotients come from `levels8` (each
// computed by the same IEEE division, so bit-identical): a table lookup instead of an integer conversion and a
// division per sample, which kept the RGB8 -> YCbCr unpack issue-bound near 60% of a device-to-device copy.
template <int BPS>
__device__ __forceinline__ float unitSample(unsigned raw, const float* levels8) {
    if constexpr (BPS == 1) {
        return levels8[raw];
    } else {
        return raw / sampleMax<BPS>();
    }
}

// Grid: x covers the pixel groups of one image (grid-stride), y covers images (grid-stride).
template <int C, int BPS>
__device__ __forceinline__ void unpack(const unsigned char* __restrict__ packed, float* __restrict__ planes,
                                       long long hw, int images, bool ycbcr) {
    constexpr int WORDS = C * BPS;  // 4 pixels
    __shared__ float levels8[BPS == 1 ? 256 : 1];
    if constexpr (BPS == 1) {
        for (unsigned v = threadIdx.x; v < 256; v += blockDim.x) levels8[v] = v / sampleMax<BPS>();
        __syncthreads();
    }
    const bool vectorised = (hw & 3) == 0 && gpusr::aligned4(packed) && gpusr::aligned16(planes);
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long img = blockIdx.y; img < images; img += gridDim.y) {
        const unsigned char* in = packed + img * hw * WORDS;
        float* out = planes + img * C * hw;
        if (vectorised) {
            const unsigned* inWords = reinterpret_cast<const unsigned*>(in);
            for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < (hw >> 2); g += stride) {
                unsigned words[WORDS];
#pragma unroll
                for (int i = 0; i < WORDS; i++) words[i] = inWords[g * WORDS + i];
                float values[4][C];
#pragma unroll
                for (int p = 0; p < 4; p++) {
#pragma unroll
                    for (int c = 0; c < C; c++) values[p][c] = unitSample<BPS>(sampleFromWords<BPS>(words, p * C + c), levels8);
                }
                toPlanesColour<C, 4>(values, ycbcr);
#pragma unroll
                for (int c = 0; c < C; c++) {
                    reinterpret_cast<float4*>(out + c * hw)[g] =
                        make_float4(values[0][c], values[1][c], values[2][c], values[3][c]);
                }
            }
        } else {
            for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < hw; p += stride) {
                float values[1][C];
#pragma unroll
                for (int c = 0; c < C; c++) {
                    const unsigned char* s = in + (p * C + c) * BPS;
                    const unsigned raw = BPS == 1 ? s[0] : (unsigned)s[0] | ((unsigned)s[BPS - 1] << 8);
                    values[0][c] = unitSample<BPS>(raw, levels8);
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
// most 256 threads (Plans.BLOCK); the launch bounds hold registers at 48 so 5 blocks fit on an SM (4 at 51-56).
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
