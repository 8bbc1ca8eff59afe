#!/usr/bin/env bash
# pick per scale (best validation PSNR, new vs bundled), stamp metadata, score the test split, table -> main
# usage: HIST2=... HIST3=... ship4.sh   (x4 is not retrained this session)
set -euo pipefail
cd /work/train-run
repo=/work/main
app=app5/gpu-sr/bin/gpu-sr
models=$repo/java/src/main/resources/dev/gpusr/models
mkdir -p ship4 eval4
declare -A NEW=([2]=x2s/srcnn_x2.safetensors [3]=x3w/srcnn_x3.safetensors)
declare -A HIST=([2]="${HIST2:?}" [3]="${HIST3:?}")
for k in 2 3 4; do
  $app eval --device cpu -s $k -m $models/srcnn_x$k.safetensors --json data2/val > eval4/old-x$k-val.json 2>/dev/null
  cp $models/srcnn_x$k.safetensors ship4/old_srcnn_x$k.safetensors
  cp $models/srcnn_x$k.safetensors ship4/srcnn_x$k.safetensors
  if [ -n "${NEW[$k]:-}" ]; then
    $app eval --device cpu -s $k -m ${NEW[$k]} --json data2/val > eval4/new-x$k-val.json 2>/dev/null
    old=$(python3 -c "import json;print(json.load(open('eval4/old-x$k-val.json'))['mean']['srcnn']['psnr'])")
    new=$(python3 -c "import json;print(json.load(open('eval4/new-x$k-val.json'))['mean']['srcnn']['psnr'])")
    echo "x$k validation PSNR: bundled $old, new $new"
    if python3 -c "import sys; sys.exit(0 if $new > $old else 1)"; then
      cp ${NEW[$k]} ship4/srcnn_x$k.safetensors
      python3 $repo/java/src/models/set-metadata.py ship4/srcnn_x$k.safetensors \
        "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
        "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
        "train.test=DIR/test (6 photographs never used in training or model selection: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
        "train.history=${HIST[$k]}" \
        "train.machine=CPU engine, 1 thread per run, two runs and other builds sharing 2 cores (nice 19)"
      echo "x$k: shipping the new model"
    else
      echo "x$k: keeping the bundled model"
    fi
  fi
  $app eval --device cpu -s $k -m ship4/srcnn_x$k.safetensors --json data2/test > eval4/new-x$k-test.json 2>/dev/null
  $app eval --device cpu -s $k -m ship4/old_srcnn_x$k.safetensors --json data2/test > eval4/old-x$k-test.json 2>/dev/null
done
python3 $repo/java/src/models/results-table.py eval4/new-x{2,3,4}-test.json --old eval4/old-x{2,3,4}-test.json > eval4/table.md
cat eval4/table.md
