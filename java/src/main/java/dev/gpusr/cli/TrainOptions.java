package dev.gpusr.cli;

import dev.gpusr.model.SrcnnConfig;
import dev.gpusr.model.SrcnnConfig.ColorSpace;
import dev.gpusr.optim.OptimizerConfig;
import dev.gpusr.train.LrSchedule;
import dev.gpusr.train.PatchDataset;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The typed option groups and value converters of {@code gpu-sr train} (picocli parses them; TrainCommand checks ranges). */
final class TrainOptions {
    private TrainOptions() {}

    /**
     * How long the run is: {@code --steps N | --epochs N} (neither on --resume: the checkpoint's run length). A mixin
     * that refuses the second of the two as it is parsed, not an exclusive {@code @ArgGroup}: picocli's groups refuse a
     * repeated option even where the command line allows overwriting ({@code --steps 4 ... --steps 6}).
     */
    static final class Length {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        Long steps;
        Long epochs;

        @Option(names = "--steps", paramLabel = "N", description = "Train until this many updates in all.")
        void steps(long n) {
            if (epochs != null) throw notBoth();
            steps = n;
        }

        @Option(names = "--epochs", paramLabel = "N", description = "Train until this many passes over the sub-images "
                + "in all.")
        void epochs(long n) {
            if (steps != null) throw notBoth();
            epochs = n;
        }

        private ParameterException notBoth() {
            return new ParameterException(spec.commandLine(), "give --steps or --epochs, not both");
        }

        boolean given() {
            return steps != null || epochs != null;
        }
    }

    /** The architecture of a fresh model; given with a model to start from, it must describe that model. */
    static final class Architecture {
        @Option(names = "--color", paramLabel = "y|rgb", converter = Color.class,
                description = "Train on Y (default) or on RGB.")
        ColorSpace color;

        @Option(names = "--n1", description = "Feature maps of layer 1 (default 64).")
        Integer n1;

        @Option(names = "--n2", description = "Feature maps of layer 2 (default 32).")
        Integer n2;

        @Option(names = "--f1", description = "Filter size of layer 1 (default 9).")
        Integer f1;

        @Option(names = "--f2", description = "Filter size of layer 2 (default 1).")
        Integer f2;

        @Option(names = "--f3", description = "Filter size of layer 3 (default 5).")
        Integer f3;

        /** The options with the paper's defaults (64-32, 9-1-5, Y); IllegalArgumentException for an impossible one. */
        SrcnnConfig fresh(int scale) {
            ColorSpace cs = color == null ? ColorSpace.Y : color;
            return new SrcnnConfig(cs == ColorSpace.Y ? 1 : 3, or(n1, 64), or(n2, 32), or(f1, 9), or(f2, 1), or(f3, 5),
                    scale, cs);
        }

        /** The options given that {@code c} does not match, as " --n1 8 --color rgb" ("" when all match). */
        String differences(SrcnnConfig c) {
            StringBuilder diff = new StringBuilder();
            differs(diff, "--n1", n1, c.n1());
            differs(diff, "--n2", n2, c.n2());
            differs(diff, "--f1", f1, c.f1());
            differs(diff, "--f2", f2, c.f2());
            differs(diff, "--f3", f3, c.f3());
            if (color != null && color != c.color()) diff.append(" --color ").append(color.id);
            return diff.toString();
        }

        private static void differs(StringBuilder diff, String option, Integer given, int actual) {
            if (given != null && given != actual) diff.append(' ').append(option).append(' ').append(given);
        }

        private static int or(Integer v, int fallback) {
            return v != null ? v : fallback;
        }
    }

    /** Where the run's checkpoints go, how often, and the one it continues from. */
    static final class Checkpoints {
        @Option(names = "--resume", paramLabel = "CKPT", description = "Continue from a checkpoint.")
        Path resume;

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default "
                + "<output>.ckpt.safetensors); it holds the last weights.")
        Path file;

        @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint every N steps (default: as "
                + "--val-every; always at the end).")
        Long every;

        /** The checkpoint file: --checkpoint, else beside the model. */
        Path fileFor(Path output) {
            return file != null ? file : TrainCommand.defaultCheckpoint(output);
        }
    }

    /** --lr: one learning rate per layer, given as one value for all or one per layer; {@code text} as given. */
    record LayerRates(float[] values, String text) {
        /** "1e-4" or "1e-4,1e-4,1e-5" -> one positive, finite rate per layer. */
        static final class Converter implements ITypeConverter<LayerRates> {
            @Override
            public LayerRates convert(String text) {
                String[] parts = text.split(",", -1);
                if (parts.length != 1 && parts.length != SrcnnConfig.LAYERS) {
                    throw new TypeConversionException("takes one value or " + SrcnnConfig.LAYERS
                            + " comma-separated values, got '" + text + "'");
                }
                float[] out = new float[SrcnnConfig.LAYERS];
                for (int i = 0; i < out.length; i++) {
                    String p = parts[parts.length == 1 ? 0 : i].trim();
                    try {
                        out[i] = Float.parseFloat(p);
                    } catch (NumberFormatException e) {
                        throw new TypeConversionException("'" + p + "' is not a number");
                    }
                    if (!(out[i] > 0) || !Float.isFinite(out[i])) {
                        throw new TypeConversionException("values must be positive, got '" + p + "'");
                    }
                }
                return new LayerRates(out, text);
            }
        }
    }

    /** --lr-steps: the step counts where the rate drops (a record: picocli would take an array for a repeatable option). */
    record Milestones(long[] steps) {
        /** "1000,2000" -> step counts that {@link LrSchedule} accepts (increasing, positive). */
        static final class Converter implements ITypeConverter<Milestones> {
            @Override
            public Milestones convert(String text) {
                try {
                    long[] drops = LrSchedule.parseMilestones(text);
                    new LrSchedule(LrSchedule.Kind.STEP, 0, drops); // checks their order and range
                    return new Milestones(drops);
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException(e.getMessage());
                }
            }
        }
    }

    /** --optimizer sgd|adam, any case. */
    static final class OptimizerKind implements ITypeConverter<OptimizerConfig.Kind> {
        @Override
        public OptimizerConfig.Kind convert(String text) {
            for (OptimizerConfig.Kind k : OptimizerConfig.Kind.values()) {
                if (k.name().equalsIgnoreCase(text)) return k;
            }
            throw new TypeConversionException("takes sgd or adam, got '" + text + "'");
        }
    }

    /** --lr-schedule constant|cosine|step, any case. */
    static final class ScheduleKind implements ITypeConverter<LrSchedule.Kind> {
        @Override
        public LrSchedule.Kind convert(String text) {
            try {
                return LrSchedule.parseKind(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("takes constant, cosine or step, got '" + text + "'");
            }
        }
    }

    /** --init-scheme gaussian|he, any case. */
    static final class InitScheme implements ITypeConverter<InitScheme.Kind> {
        enum Kind { GAUSSIAN, HE }

        @Override
        public Kind convert(String value) {
            for (Kind k : Kind.values()) {
                if (k.name().equalsIgnoreCase(value)) return k;
            }
            throw new TypeConversionException("takes gaussian or he, got '" + value + "'");
        }
    }

    /** --labels centre|full (center too), any case. */
    static final class Labels implements ITypeConverter<Labels.Kind> {
        enum Kind { CENTRE, FULL }

        @Override
        public Kind convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("centre") || v.equalsIgnoreCase("center")) return Kind.CENTRE;
            if (v.equalsIgnoreCase("full")) return Kind.FULL;
            throw new TypeConversionException("takes centre or full, got '" + value + "'");
        }
    }

    /** --augment all|flips|scales|none (also true/false, as older checkpoints record it). */
    static final class AugmentKind implements ITypeConverter<PatchDataset.Augment> {
        @Override
        public PatchDataset.Augment convert(String value) {
            try {
                return PatchDataset.Augment.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("takes all, flips, scales or none, got '" + value + "'");
            }
        }
    }

    /** --color y|rgb, any case. */
    static final class Color implements ITypeConverter<ColorSpace> {
        @Override
        public ColorSpace convert(String text) {
            try {
                return ColorSpace.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("takes y or rgb, got '" + text + "'");
            }
        }
    }

    /** The kind's name as the options spell it. */
    static String name(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
