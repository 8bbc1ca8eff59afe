#!/usr/bin/env bash
# x2: the grown 9-5-5 (x2k) against the bundled 9-1-5 x2 on the validation photographs; ship it when it validates
# more than 0.01 dB higher, stamp its metadata, score the test photographs, rebuild the README table (x3, x4 unchanged)
set -euo pipefail
cd /work/train-run
repo=/work/main
app=app6/gpu-sr/bin/gpu-sr
models=$repo/java/src/main/resources/dev/gpusr/models
mkdir -p ship5 eval5
cp $models/srcnn_x2.safetensors ship5/old_srcnn_x2.safetensors
$app eval --device cpu -s 2 -m ship5/old_srcnn_x2.safetensors --json data2/val > eval5/old-x2-val.json 2>/dev/null
$app eval --device cpu -s 2 -m x2k/srcnn_x2.safetensors --json data2/val > eval5/new-x2-val.json 2>/dev/null
old=$(python3 -c "import json;print(json.load(open('eval5/old-x2-val.json'))['mean']['srcnn']['psnr'])")
new=$(python3 -c "import json;print(json.load(open('eval5/new-x2-val.json'))['mean']['srcnn']['psnr'])")
echo "x2 validation PSNR: bundled $old, grown 9-5-5 $new"
if ! python3 -c "import sys; sys.exit(0 if $new > $old + 0.01 else 1)"; then
  echo "x2: keeping the bundled model (not more than 0.01 dB better)"; exit 0
fi
cp x2k/srcnn_x2.safetensors ship5/srcnn_x2.safetensors
python3 $repo/java/src/models/set-metadata.py ship5/srcnn_x2.safetensors \
  "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
  "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
  "train.test=DIR/test (6 photographs never used in training or model selection: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
  "train.history=${HIST:?}" \
  "train.machine=CPU engine: the 9-1-5 stage 1 thread beside another run (nice 19); the 9-5-5 stage 2 threads (nice 19), alone but for short builds"
echo "x2: shipping the grown 9-5-5"
$app eval --device cpu -s 2 -m ship5/srcnn_x2.safetensors --json data2/test > eval5/new-x2-test.json 2>/dev/null
$app eval --device cpu -s 2 -m ship5/old_srcnn_x2.safetensors --json data2/test > eval5/old-x2-test.json 2>/dev/null
cp eval4/new-x3-test.json eval5/new-x3-test.json; cp eval4/new-x3-test.json eval5/old-x3-test.json
cp eval4/new-x4-test.json eval5/new-x4-test.json; cp eval4/new-x4-test.json eval5/old-x4-test.json
python3 $repo/java/src/models/results-table.py eval5/new-x{2,3,4}-test.json --old eval5/old-x{2,3,4}-test.json > eval5/table.md
cat eval5/table.md
