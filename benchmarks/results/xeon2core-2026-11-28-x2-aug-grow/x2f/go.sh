#!/usr/bin/env bash
# x2 9-1-5 from scratch with flips/rotations only (no shrunk copies): the PyTorch reference trained without the copies
# and led on the opencv-doc JPEGs; same recipe as the shipped x2s otherwise, 30,000 steps as the reference
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app6}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment flips --init-scheme he --labels full \
  --optimizer adam --lr 1e-3,1e-3,1e-4 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-30000} --seed 71 \
  --val-every 500 --checkpoint-every 500 --plot x2f/curve.png -o x2f/srcnn_x2.safetensors "$@"
