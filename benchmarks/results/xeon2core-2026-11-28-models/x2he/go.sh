#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx5g app3/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment --init x3heA-best2250.safetensors \
  --optimizer adam --lr 5e-4,5e-4,5e-5 --lr-schedule cosine --warmup 100 --batch 128 --steps 5000 --seed 52 \
  --val-every 250 --checkpoint-every 250 --plot x2he/curve.png -o x2he/srcnn_x2.safetensors "$@"
