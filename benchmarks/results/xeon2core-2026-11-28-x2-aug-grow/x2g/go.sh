#!/usr/bin/env bash
# x2 9-5-5 grown from the shipped 9-1-5 x2 (x2s best, 35.062 dB validation): conv2's 1x1 filters at the centre of 5x5
# ones, zero taps around, so it starts at the shipped model's quality; same data as x2s (--augment all), lower peak
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app6}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment all --init x2s/srcnn_x2.safetensors --f2 5 \
  --optimizer adam --lr 5e-4,5e-4,5e-5 --lr-schedule cosine --warmup 200 --batch 64 --steps ${STEPS:-10000} --seed 72 \
  --val-every 500 --checkpoint-every 500 --plot x2g/curve.png -o x2g/srcnn_x2.safetensors "$@"
