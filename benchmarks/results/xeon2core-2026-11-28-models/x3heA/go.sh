#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx5g app3/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 3 \
  --train data2/train --val data2/val --augment --init-scheme he \
  --optimizer adam --lr 1e-3,1e-3,1e-4 --lr-schedule cosine --warmup 200 --batch 128 --steps 12000 --seed 41 \
  --val-every 250 --checkpoint-every 250 --plot x3heA/curve.png -o x3heA/srcnn_x3.safetensors "$@"
