#!/usr/bin/env bash
# x4: a second cosine cycle on the shipped x4 (x4fx3b: 29.940 dB val), as the shipped x2's and x3's
# stage 2 and the previous x3's second cycle: Adam 2e-4, cosine over 6,000 steps of 128; Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 4 \
  --train data2/train --val data2/val --augment all --labels full --init x4c2/init_x4.safetensors --f2 5 \
  --optimizer adam --lr 2e-4,2e-4,2e-5 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-6000} --seed 98 \
  --val-every 500 --checkpoint-every 500 --plot x4c2/curve.png -o x4c2/srcnn_x4.safetensors "$@"
