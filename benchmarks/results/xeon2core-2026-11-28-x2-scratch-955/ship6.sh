#!/usr/bin/env bash
# x2: the 9-5-5 trained from scratch (x2sc) and then through a second cosine cycle (x2sc2) against the bundled x2 on
# the validation photographs; ship it when it validates more than 0.01 dB higher (the rule of ship5.sh), stamp its
# metadata, score the test photographs, rebuild the README table (x3, x4 unchanged)
set -euo pipefail
cd /work/train-run
repo=/work/main
ev() { nice -n 5 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -cp "app7/lib/*" dev.gpusr.cli.Main eval --device cpu "$@" 2>/dev/null; }
models=$repo/java/src/main/resources/dev/gpusr/models
mkdir -p ship6 eval6
cp $models/srcnn_x2.safetensors ship6/old_srcnn_x2.safetensors
ev -s 2 -m ship6/old_srcnn_x2.safetensors --json data2/val > eval6/old-x2-val.json
ev -s 2 -m x2sc2/srcnn_x2.safetensors --json data2/val > eval6/new-x2-val.json
old=$(python3 -c "import json;print(json.load(open('eval6/old-x2-val.json'))['mean']['srcnn']['psnr'])")
new=$(python3 -c "import json;print(json.load(open('eval6/new-x2-val.json'))['mean']['srcnn']['psnr'])")
echo "x2 validation PSNR: bundled $old, new $new"
if ! python3 -c "import sys; sys.exit(0 if $new > $old + 0.01 else 1)"; then
  echo "x2: keeping the bundled model (not more than 0.01 dB better)"; exit 0
fi
cp x2sc2/srcnn_x2.safetensors ship6/srcnn_x2.safetensors
python3 $repo/java/src/models/set-metadata.py ship6/srcnn_x2.safetensors \
  "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
  "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
  "train.test=DIR/test (6 photographs never used in training or model selection: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
  "train.init=stage 1's last (= best validating) weights, x2sc/srcnn_x2.safetensors (see train.history)" \
  "train.augment=all" \
  "train.stages=two: the recipe fields train.batch, .optimizer.*, .warmup, .lr_schedule, .seed, .augment, .patches, .steps and .target_steps describe stage 2 only; train.history gives both" \
  "train.history=${HIST:?}" \
  "train.machine=CPU engine, Temurin 25.0.3, 2 threads, nice 19, on the 2-core build machine beside builds, tests and benchmarks"
echo "x2: shipping"
ev -s 2 -m ship6/srcnn_x2.safetensors --json data2/test > eval6/new-x2-test.json
ev -s 2 -m ship6/old_srcnn_x2.safetensors --json data2/test > eval6/old-x2-test.json
cp eval5/new-x3-test.json eval6/new-x3-test.json; cp eval5/new-x3-test.json eval6/old-x3-test.json
cp eval5/new-x4-test.json eval6/new-x4-test.json; cp eval5/new-x4-test.json eval6/old-x4-test.json
python3 $repo/java/src/models/results-table.py eval6/new-x{2,3,4}-test.json --old eval6/old-x{2,3,4}-test.json > eval6/table.md
cat eval6/table.md
