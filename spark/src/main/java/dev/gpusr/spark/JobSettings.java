package dev.gpusr.spark;

import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.image.ImageFormat;
import java.io.Serializable;

/**
 * What every task needs to know about the run, sent from the driver to the executors.
 *
 * @param bicubic  --method bicubic (no network)
 * @param scale    --scale, or null for the model's (3 without a model)
 * @param model    --model (x2, x3, x4 or a .safetensors path readable on every executor), or null
 * @param device   --device: auto, cpu, gpu or a GPU index
 * @param format   --format (png, jpg, bmp, tiff), or null for the input's
 * @param quality  JPEG quality 1-100
 * @param pngCompression PNG deflate level 0-9, as gpu-sr upscale --png-compression
 * @param maxPixels refuse larger inputs, from the header
 * @param tile     tile side for whole-image inference
 * @param math     GPU convolution math (fma or tf32), as gpu-sr upscale --math
 * @param deterministic GPU: only deterministic cuDNN algorithms, as gpu-sr upscale --deterministic
 * @param runId    this run's id (results folder name, temporary file names)
 * @param runStartMillis wall clock when the driver started the run: an output newer than this was written by an
 *                 earlier attempt of this run's own task, an older one by an earlier run
 */
public record JobSettings(boolean bicubic, Integer scale, String model, String device, String format, int quality,
                          int pngCompression, long maxPixels, int tile, String math, boolean deterministic,
                          String runId, long runStartMillis) implements Serializable {
    public int bicubicScale() {
        return scale == null ? 3 : scale;
    }

    public CudaOptions cudaOptions() {
        return CudaOptions.defaults().withMath(CudaOptions.MathMode.parse(math)).withDeterministic(deterministic);
    }

    public ImageFormat fixedFormat() {
        return format == null ? null : ImageFormat.parse(format);
    }
}
