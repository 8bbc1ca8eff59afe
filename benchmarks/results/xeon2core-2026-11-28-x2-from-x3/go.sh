#!/usr/bin/env bash
# x2 9-5-5 fine-tuned from the shipped 9-5-5 x3 (he-initialised, 31.4537 dB validation at x3), Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 2 \
  --train data2/train --val data2/val --augment all --labels full --init x2x3/init_shipped_x3.safetensors --f2 5 \
  --optimizer adam --lr 5e-4,5e-4,5e-5 --lr-schedule cosine --warmup 300 --batch 128 --steps ${STEPS:-8000} --seed 81 \
  --val-every 250 --checkpoint-every 250 --plot x2x3/curve.png -o x2x3/srcnn_x2.safetensors "$@"
