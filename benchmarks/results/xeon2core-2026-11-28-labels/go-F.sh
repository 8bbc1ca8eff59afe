#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g app4/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 3 \
  --train data2/train --val data2/val --augment --init exp-x3-start.safetensors --labels full \
  --optimizer adam --lr 2e-4,2e-4,2e-5 --lr-schedule cosine --warmup 100 --batch 128 --steps 1500 --seed 7 \
  --val-every 250 --checkpoint-every 250 -o expF/srcnn_x3.safetensors "$@"
