#!/usr/bin/env bash
# scores candidate x2 models on the validation and test photographs (gpu-sr eval, CPU engine)
cd /work/train-run
mkdir -p eval5
for m in "$@"; do
  for split in val test; do
    nice -n 5 app6/gpu-sr/bin/gpu-sr eval --device cpu -s 2 -m $m/srcnn_x2.safetensors --json data2/$split \
      > eval5/$m-x2-$split.json 2>/dev/null
  done
done
