#!/usr/bin/env bash
# a second cosine cycle (warm restart) from x2sc's last = best weights (35.087 dB at step 16,000, still rising):
# Adam at a fifth of x2sc's peak rate, 8,000 steps; Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 2 \
  --train data2/train --val data2/val --augment all --labels full --init x2sc/srcnn_x2.safetensors --f2 5 \
  --optimizer adam --lr 2e-4,2e-4,2e-5 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-8000} --seed 92 \
  --val-every 500 --checkpoint-every 500 --plot x2sc2/curve.png -o x2sc2/srcnn_x2.safetensors "$@"
