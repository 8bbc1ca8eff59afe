#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app4}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment --init-scheme he --labels full \
  --optimizer adam --lr 1e-3,1e-3,1e-4 --lr-schedule cosine --warmup 200 --batch 128 --steps 16000 --seed 61 \
  --val-every 250 --checkpoint-every 250 --plot x2s/curve.png -o x2s/srcnn_x2.safetensors "$@"
