#!/usr/bin/env bash
# x2 9-5-5 from scratch (never tried at x2: the earlier 9-5-5 x2 runs were grown from a 9-1-5 or started from x3),
# the bundled x3's recipe at batch 128; Temurin 25, both threads
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec nice -n 19 $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "app7/lib/*" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 2 \
  --train data2/train --val data2/val --augment all --labels full --init-scheme he --f2 5 \
  --optimizer adam --lr 1e-3,1e-3,1e-4 --lr-schedule cosine --warmup 300 --batch 128 --steps ${STEPS:-16000} --seed 91 \
  --val-every 500 --checkpoint-every 500 --plot x2sc/curve.png -o x2sc/srcnn_x2.safetensors "$@"
