#!/usr/bin/env bash
# x2 warm restart: from the shipped x2s best weights, a second cosine cycle at 0.3 of the first peak, fresh Adam
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app5}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment --init x2s/srcnn_x2.safetensors \
  --optimizer adam --lr 3e-4,3e-4,3e-5 --lr-schedule cosine --warmup 200 --batch 128 --steps ${STEPS:-40000} --seed 62 \
  --val-every 500 --checkpoint-every 500 --plot x2r/curve.png -o x2r/srcnn_x2.safetensors "$@"
