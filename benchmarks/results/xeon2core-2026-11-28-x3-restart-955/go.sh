#!/usr/bin/env bash
# x3: a second cosine cycle on the bundled 9-5-5 x3 (31.454 dB validation), as for the shipped x2's stage 2: Adam at a
# fifth of the first cycle's peak, 6,000 steps of 128; Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 3 \
  --train data2/train --val data2/val --augment all --labels full --init x2x3/init_shipped_x3.safetensors --f2 5 \
  --optimizer adam --lr 2e-4,2e-4,2e-5 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-6000} --seed 94 \
  --val-every 500 --checkpoint-every 500 --plot x3r/curve.png -o x3r/srcnn_x3.safetensors "$@"
