#!/usr/bin/env bash
cd /work/train-run
exec env GPUSR_JAVA_OPTS=-Xmx5g app3/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 3 \
  --train data2/train --val data2/val --augment --resume x3heA/srcnn_x3.ckpt.safetensors --steps 10000 \
  --val-every 250 --checkpoint-every 250 --plot x3heA/curve-cont.png -o x3heA/srcnn_x3.safetensors "$@"
