#!/usr/bin/env bash
# pick per scale (best validation PSNR, new vs bundled), stamp metadata, score the test split, table, plots -> main
set -euo pipefail
cd /work/train-run
repo=/work/main
models=$repo/java/src/main/resources/dev/gpusr/models
mkdir -p ship3 eval3 $repo/docs/models
declare -A NEW=([2]=x2he/srcnn_x2.safetensors [3]=x3heA/srcnn_x3.safetensors [4]=x4he/srcnn_x4.safetensors)
declare -A CURVE=([2]=x2he/curve.png [3]=x3heA/curve.png [4]=x4he/curve.png)
declare -A HIST=(
 [3]="trained from scratch here: --init-scheme he (N(0, 2/fan_in), 1/fan_in for conv3), Adam 1e-3/1e-3/1e-4, cosine with 200 warm-up steps, batch 128, augmented; planned for 12,000 steps and shortened at step 2,750 by resuming with --steps 7000 (the cosine restarts its decay from there); best validating of 7,000 steps (896,000 sub-images)"
 [2]="fine-tuned from this run's x3 at step 2,250 (he-initialised, see the x3 model's train.history): Adam 5e-4/5e-4/5e-5, cosine with 100 warm-up steps, batch 128, augmented; best validating of 5,000 steps (640,000 sub-images)"
 [4]="fine-tuned from this run's x3 at step 2,250 (he-initialised, see the x3 model's train.history): Adam 5e-4/5e-4/5e-5, cosine with 100 warm-up steps, batch 128, augmented; best validating of 5,000 steps (640,000 sub-images)")
for k in 2 3 4; do
  app3/gpu-sr/bin/gpu-sr eval --device cpu -s $k -m $models/srcnn_x$k.safetensors --json data2/val > eval3/old-x$k-val.json 2>/dev/null
  app3/gpu-sr/bin/gpu-sr eval --device cpu -s $k -m ${NEW[$k]} --json data2/val > eval3/new-x$k-val.json 2>/dev/null
  old=$(python3 -c "import json;print(json.load(open('eval3/old-x$k-val.json'))['mean']['srcnn']['psnr'])")
  new=$(python3 -c "import json;print(json.load(open('eval3/new-x$k-val.json'))['mean']['srcnn']['psnr'])")
  echo "x$k validation PSNR: bundled $old, new $new"
  cp $models/srcnn_x$k.safetensors ship3/old_srcnn_x$k.safetensors
  if python3 -c "import sys; sys.exit(0 if $new > $old else 1)"; then
    cp ${NEW[$k]} ship3/srcnn_x$k.safetensors
    python3 $repo/java/src/models/set-metadata.py ship3/srcnn_x$k.safetensors \
      "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
      "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
      "train.test=DIR/test (6 photographs never used in training or model selection: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
      "train.history=${HIST[$k]}" \
      "train.machine=CPU engine, 1 thread per run, three runs and other builds sharing 2 cores (nice 19)"
    echo "x$k: shipping the new model"
    cp ${CURVE[$k]} $repo/docs/models/training-x$k-he.png
  else
    cp $models/srcnn_x$k.safetensors ship3/srcnn_x$k.safetensors
    echo "x$k: keeping the bundled model"
  fi
  app3/gpu-sr/bin/gpu-sr eval --device cpu -s $k -m ship3/srcnn_x$k.safetensors --json data2/test > eval3/new-x$k-test.json 2>/dev/null
  app3/gpu-sr/bin/gpu-sr eval --device cpu -s $k -m ship3/old_srcnn_x$k.safetensors --json data2/test > eval3/old-x$k-test.json 2>/dev/null
done
python3 $repo/java/src/models/results-table.py eval3/new-x{2,3,4}-test.json --old eval3/old-x{2,3,4}-test.json > eval3/table.md
cat eval3/table.md
