#!/usr/bin/env bash
# x2 experiment: fine-tune the shipped x2s best weights on 48x48 sub-images (stride 21): a smaller share of label pixels
# sees the zero padding (56% interior vs 36% at 33x33); batch 64 keeps the pixels per step near batch 128 of 33x33
cd /work/train-run
exec nice -n 19 env GPUSR_JAVA_OPTS=-Xmx4g ${APP:-app5}/gpu-sr/bin/gpu-sr train --device cpu --threads 1 --scale 2 \
  --train data2/train --val data2/val --augment --init x2s/srcnn_x2.safetensors --patch 48 --stride 21 \
  --optimizer adam --lr 1e-4,1e-4,1e-5 --lr-schedule cosine --warmup 100 --batch 64 --steps ${STEPS:-8000} --seed 63 \
  --val-every 500 --checkpoint-every 500 --plot x2p/curve.png -o x2p/srcnn_x2.safetensors "$@"
