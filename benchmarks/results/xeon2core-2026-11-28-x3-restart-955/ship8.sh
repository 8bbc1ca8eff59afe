#!/usr/bin/env bash
# x3: a second cosine cycle on the bundled 9-5-5 x3 (x3r) against the bundled x3 on
# the validation photographs; ship it when it validates more than 0.01 dB higher (the rule of ship5.sh), stamp its
# metadata, score the test photographs, rebuild the README table (x2, x4 unchanged)
set -euo pipefail
cd /work/train-run
repo=/work/main
ev() { nice -n 5 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -cp "app7/lib/*" dev.gpusr.cli.Main eval --device cpu "$@" 2>/dev/null; }
models=$repo/java/src/main/resources/dev/gpusr/models
mkdir -p ship8 eval8
cp $models/srcnn_x3.safetensors ship8/old_srcnn_x3.safetensors
ev -s 3 -m ship8/old_srcnn_x3.safetensors --json data2/val > eval8/old-x3-val.json
ev -s 3 -m x3r/srcnn_x3.safetensors --json data2/val > eval8/new-x3-val.json
old=$(python3 -c "import json;print(json.load(open('eval8/old-x3-val.json'))['mean']['srcnn']['psnr'])")
new=$(python3 -c "import json;print(json.load(open('eval8/new-x3-val.json'))['mean']['srcnn']['psnr'])")
echo "x3 validation PSNR: bundled $old, new $new"
if ! python3 -c "import sys; sys.exit(0 if $new > $old + 0.01 else 1)"; then
  echo "x3: keeping the bundled model (not more than 0.01 dB better)"; exit 0
fi
cp x3r/srcnn_x3.safetensors ship8/srcnn_x3.safetensors
python3 $repo/java/src/models/set-metadata.py ship8/srcnn_x3.safetensors \
  "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
  "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
  "train.test=DIR/test (6 photographs never used in training or model selection: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
  "train.init=the previous bundled 9-5-5 x3 (sha256 3b308487dcc0e0fd2c64e08053f4c4a9817b2463879ddcde100b907199167c14), kept beside this run as ship/previous_srcnn_x3_955.safetensors (see train.history)" \
  "train.augment=all" \
  "train.stages=two: the recipe fields train.batch, .optimizer.*, .warmup, .lr_schedule, .seed, .augment, .patches, .steps, .target_steps and .best_val_step describe stage 2 only; train.history gives both" \
  "train.history=${HIST:?}" \
  "train.machine=CPU engine, Temurin 25.0.3, 2 threads, nice 19, on the 2-core build machine beside builds, tests and benchmarks"
echo "x3: shipping"
ev -s 3 -m ship8/srcnn_x3.safetensors --json data2/test > eval8/new-x3-test.json
ev -s 3 -m ship8/old_srcnn_x3.safetensors --json data2/test > eval8/old-x3-test.json
cp eval7/new-x2-test.json eval8/new-x2-test.json; cp eval7/new-x2-test.json eval8/old-x2-test.json
cp eval7/new-x4-test.json eval8/new-x4-test.json; cp eval7/new-x4-test.json eval8/old-x4-test.json
python3 $repo/java/src/models/results-table.py eval8/new-x{2,3,4}-test.json --old eval8/old-x{2,3,4}-test.json > eval8/table.md
cat eval8/table.md
