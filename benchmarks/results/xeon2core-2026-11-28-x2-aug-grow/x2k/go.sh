#!/usr/bin/env bash
# x2 9-5-5 grown from the shipped 9-1-5 x2 (x2s best, 35.062 dB validation) as x2g, at 0.4x x2g's peak learning rate
# and a longer warm-up (x2g's 5e-4 knocked validation down to 34.58 dB before it recovered); both threads
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app6}/gpu-sr/bin/gpu-sr train --device cpu --threads 2 --scale 2 \
  --train data2/train --val data2/val --augment all --init x2s/srcnn_x2.safetensors --f2 5 \
  --optimizer adam --lr 2e-4,2e-4,2e-5 --lr-schedule cosine --warmup 500 --batch 64 --steps ${STEPS:-12000} --seed 74 \
  --val-every 500 --checkpoint-every 500 --plot x2k/curve.png -o x2k/srcnn_x2.safetensors "$@"
