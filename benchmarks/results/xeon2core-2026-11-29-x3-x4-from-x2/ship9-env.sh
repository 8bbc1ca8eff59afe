# train.history and train.init texts for ship9.sh (sourced)
X2SHA=52ffa498e500ef54d7ce9236f344984a2e14426c57ce000328cff85f6196efca
X3FX2SHA=9fff40e85e4752ffbb6cd7c1e097bb5d703e5fc7d568c7a0aae20166477d2d4b
RUN=benchmarks/results/xeon2core-2026-11-29-x3-x4-from-x2
X2HIST="the bundled x2 (sha256 $X2SHA): stage 1 (eighth session) 9-5-5 from scratch, --init-scheme he (N(0, 2/fan_in), 1/fan_in for conv3), Adam 1e-3/1e-3/1e-4, cosine with 300 warm-up steps over 16,000 steps of 128, --augment all, --labels full, seed 91 (35.087 dB at x2 at its last step, its best); stage 2, from those weights, Adam 2e-4/2e-4/2e-5, cosine with 200 warm-up steps over 8,000 steps of 128, seed 92 (best 35.166 dB at step 6,000)"
X3FX2HIST="fine-tuned at x3 (ninth session, 2026-11-29) from $X2HIST: Adam 5e-4/5e-4/5e-5, cosine with 200 warm-up steps over 8,000 steps of 128, --augment all, --labels full, seed 95; best validation 31.633 dB at step 4,500 (the last 1,500 steps 31.617-31.622; 6.81 steps/s on two threads, about 20 min)"
