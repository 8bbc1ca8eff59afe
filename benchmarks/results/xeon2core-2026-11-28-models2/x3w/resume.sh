#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app4}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 3 \
  --train data2/train --val data2/val --resume x3w/srcnn_x3.ckpt.safetensors --steps ${STEPS:?} \
  --val-every 250 --checkpoint-every 250 --plot x3w/curve.png -o x3w/srcnn_x3.safetensors
