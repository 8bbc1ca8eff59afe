package dev.gpusr.pipeline;

/**
 * Threads per stage, as -j/--jobs load:proc:save (the ncnn upscalers' option): decoder threads, engine workers per
 * device, encoder threads.
 */
public record Jobs(int load, int proc, int save) {
    public Jobs {
        if (load < 1 || proc < 1 || save < 1) {
            throw new IllegalArgumentException("-j needs load:proc:save of at least 1 each, got " + load + ":" + proc
                    + ":" + save);
        }
    }

    /**
     * From the core count: a quarter of the cores decode, one worker per device, the rest (at least 2) encode, since
     * encoding the k^2-times larger output is the heaviest CPU stage.
     */
    public static Jobs defaults(int cores) {
        int load = Math.max(1, cores / 4);
        return new Jobs(load, 1, Math.max(2, cores - load));
    }

    public static Jobs defaults() {
        return defaults(Runtime.getRuntime().availableProcessors());
    }

    /** "2:1:4"; a part left empty ("::4") keeps the default. */
    public static Jobs parse(String s, Jobs defaults) {
        String[] parts = s.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("-j takes load:proc:save, e.g. 1:1:2; got '" + s + "'");
        }
        int[] v = {defaults.load, defaults.proc, defaults.save};
        for (int i = 0; i < 3; i++) {
            if (parts[i].isBlank()) continue;
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-j takes load:proc:save of whole numbers; got '" + s + "'");
            }
        }
        return new Jobs(v[0], v[1], v[2]);
    }

    @Override
    public String toString() {
        return load + ":" + proc + ":" + save;
    }
}
