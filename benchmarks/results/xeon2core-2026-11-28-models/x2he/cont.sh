#!/usr/bin/env bash
cd /work/train-run
exec env GPUSR_JAVA_OPTS=-Xmx5g app3/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment --resume x2he/srcnn_x2.ckpt.safetensors --steps 8000 \
  --val-every 250 --checkpoint-every 250 --plot x2he/curve-cont.png -o x2he/srcnn_x2.safetensors "$@"
