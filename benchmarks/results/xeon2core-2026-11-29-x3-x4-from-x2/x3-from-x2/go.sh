#!/usr/bin/env bash
# x3 fine-tuned from the bundled 9-5-5 x2 (35.166 dB val at x2; 3.07 M presentations), as x4 was from x3:
# Adam 5e-4, cosine over 8,000 steps of 128; Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 3 \
  --train data2/train --val data2/val --augment all --labels full --init x3fx2/init_shipped_x2.safetensors --f2 5 \
  --optimizer adam --lr 5e-4,5e-4,5e-5 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-8000} --seed 95 \
  --val-every 500 --checkpoint-every 500 --plot x3fx2/curve.png -o x3fx2/srcnn_x3.safetensors "$@"
