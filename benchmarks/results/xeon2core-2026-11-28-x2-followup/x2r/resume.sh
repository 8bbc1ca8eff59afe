#!/usr/bin/env bash
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app5}/gpu-sr/bin/gpu-sr train --device cpu --threads ${THREADS:-1} --scale 2 \
  --train data2/train --val data2/val --resume x2r/srcnn_x2.ckpt.safetensors --steps ${STEPS:?} \
  --val-every 500 --checkpoint-every 500 --plot x2r/curve.png -o x2r/srcnn_x2.safetensors
