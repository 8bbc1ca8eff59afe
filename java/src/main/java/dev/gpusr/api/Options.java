package dev.gpusr.api;

import dev.gpusr.cuda.CudaOptions;
import dev.gpusr.engine.TiledPixelUpscaler;
import dev.gpusr.image.ImageFormat;
import dev.gpusr.image.ImageReader;
import dev.gpusr.image.WriteOptions;
import dev.gpusr.pipeline.Jobs;
import java.io.PrintStream;

/**
 * How an {@link SrUpscaler} is opened: method, model and scale, devices, threads per stage, output settings. Build
 * with {@link #builder()}; every setting has a default.
 */
public record Options(Method method, String model, Integer scale, String device, CudaOptions cuda, int tile,
        Jobs jobs, long maxPixels, ImageFormat format, WriteOptions writeOptions, boolean overwrite,
        PrintStream notices) {

    /** SRCNN (bicubic then the network) or plain bicubic. */
    public enum Method { SRCNN, BICUBIC }

    /** Scale of plain bicubic when none is given. */
    public static final int DEFAULT_BICUBIC_SCALE = 3;

    public static Builder builder() {
        return new Builder();
    }

    /** Settings, each optional. */
    public static final class Builder {
        private Method method = Method.SRCNN;
        private String model;
        private Integer scale;
        private String device = "auto";
        private CudaOptions cuda = CudaOptions.defaults();
        private int tile = TiledPixelUpscaler.DEFAULT_TILE;
        private Jobs jobs = Jobs.defaults();
        private long maxPixels = ImageReader.DEFAULT_MAX_PIXELS;
        private ImageFormat format;
        private WriteOptions writeOptions = WriteOptions.defaults();
        private boolean overwrite;
        private PrintStream notices = System.err;

        public Builder method(Method m) {
            method = m;
            return this;
        }

        /** "x2", "x3", "x4" (bundled) or a .safetensors file; default: the bundled model for the scale. */
        public Builder model(String m) {
            model = m;
            return this;
        }

        /** Enlargement factor; default the model's (SRCNN) or 3 (bicubic). */
        public Builder scale(int k) {
            scale = k;
            return this;
        }

        /** "auto", "cpu", a GPU index, a list "0,1" or "all". */
        public Builder device(String d) {
            device = d;
            return this;
        }

        public Builder cuda(CudaOptions o) {
            cuda = o;
            return this;
        }

        /** Output tile side for SRCNN (bounds the engine's working memory). */
        public Builder tile(int t) {
            tile = t;
            return this;
        }

        /** Decoder threads : engine workers per device : encoder threads. */
        public Builder jobs(Jobs j) {
            jobs = j;
            return this;
        }

        public Builder maxPixels(long n) {
            maxPixels = n;
            return this;
        }

        /** Output format for batches; default the input's (PNG for GIF). */
        public Builder format(ImageFormat f) {
            format = f;
            return this;
        }

        public Builder writeOptions(WriteOptions w) {
            writeOptions = w;
            return this;
        }

        /** Replace existing outputs (inputs are never replaced). */
        public Builder overwrite(boolean o) {
            overwrite = o;
            return this;
        }

        /** Where one-line notices go (e.g. falling back to the CPU). */
        public Builder notices(PrintStream p) {
            notices = p;
            return this;
        }

        public Options build() {
            if (method == Method.BICUBIC && model != null) {
                throw new IllegalArgumentException("a model is for the SRCNN method; bicubic takes only a scale");
            }
            if (scale != null && (scale < 1 || scale > 8)) {
                throw new IllegalArgumentException("scale must be 1..8, got " + scale);
            }
            if (tile < 1) throw new IllegalArgumentException("tile must be >= 1, got " + tile);
            if (maxPixels < 1) throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
            return new Options(method, model, scale, device, cuda, tile, jobs, maxPixels, format, writeOptions,
                    overwrite, notices);
        }
    }
}
