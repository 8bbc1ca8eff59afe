#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app4}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 3 \
  --f2 5 --train data2/train --val data2/val --augment --init-scheme he --labels full \
  --optimizer adam --lr 1e-3,1e-3,1e-4 --lr-schedule cosine --warmup 200 --batch 64 --steps 8000 --seed 62 \
  --val-every 250 --checkpoint-every 250 --plot x3w/curve.png -o x3w/srcnn_x3.safetensors "$@"
