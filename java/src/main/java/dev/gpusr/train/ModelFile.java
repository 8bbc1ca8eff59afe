package dev.gpusr.train;

import dev.gpusr.model.Safetensors;
import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.Param;
import dev.gpusr.model.SrcnnWeights;
import dev.gpusr.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The model file a training run writes ({@code -o}): the model's tensors and metadata, plus how it was trained. */
final class ModelFile {
    private ModelFile() {}

    /**
     * Writes the weights reached at {@code step}, with their validation PSNR (NaN: not validated, so no
     * {@code train.best_val_*} fields) and {@code extra} metadata (how they were trained). Atomic (temporary file +
     * rename); {@code mode} says whether an existing file is replaced.
     */
    static void write(Path file, SrcnnWeights weights, long step, double valPsnr, Map<String, String> extra,
            AtomicFiles.Mode mode) throws IOException {
        SrcnnConfig c = weights.config();
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.putAll(extra);
        meta.put("train.steps", Long.toString(step));
        if (!Double.isNaN(valPsnr)) {
            meta.put("train.best_val_psnr", String.format(Locale.ROOT, "%.4f", valPsnr));
            meta.put("train.best_val_step", Long.toString(step));
        }
        List<Safetensors.F32> tensors = new ArrayList<>();
        for (Param p : Param.values()) tensors.add(new Safetensors.F32(p.tensorName, c.shape(p), weights.tensor(p)));
        Safetensors.writeF32(file, meta, tensors, mode);
    }
}
