#!/usr/bin/env bash
# x2 fine-tune of the shipped 9-1-5 x2 (x2s best, 35.062 dB validation) on the photographs at their own size only
# (--augment flips: no shrunk copies), a short cosine at a tenth of the first peak, fresh Adam
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app6}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment flips --init x2s/srcnn_x2.safetensors \
  --optimizer adam --lr 1e-4,1e-4,1e-5 --lr-schedule cosine --warmup 100 --batch 128 --steps ${STEPS:-6000} --seed 73 \
  --val-every 500 --checkpoint-every 500 --plot x2h/curve.png -o x2h/srcnn_x2.safetensors "$@"
