#!/usr/bin/env bash
# x3 and x4 (ninth session): each candidate against the bundled model on the validation photographs; ship it when it
# validates more than 0.01 dB higher (the rule of ship5.sh), stamp its metadata, then score the test photographs
# (after the choice) and rebuild the README table (x2 unchanged).
# X3=DIR X4=DIR: the candidates' run folders (srcnn_x3.safetensors / srcnn_x4.safetensors); HIST3, HIST4, INIT3, INIT4:
# their train.history and train.init texts.
set -euo pipefail
cd /work/train-run
repo=/work/main
ev() { nice -n 5 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -cp "app7/lib/*" dev.gpusr.cli.Main eval --device cpu "$@" 2>/dev/null; }
models=$repo/java/src/main/resources/dev/gpusr/models
psnr() { python3 -c "import json;print(json.load(open('$1'))['mean']['srcnn']['psnr'])"; }
mkdir -p ship9 eval9
for k in 3 4; do
  dir_var=X$k; hist_var=HIST$k; init_var=INIT$k
  cand=${!dir_var:?}/srcnn_x$k.safetensors
  cp $models/srcnn_x$k.safetensors ship9/old_srcnn_x$k.safetensors
  ev -s $k -m ship9/old_srcnn_x$k.safetensors --json data2/val > eval9/old-x$k-val.json
  ev -s $k -m $cand --json data2/val > eval9/new-x$k-val.json
  old=$(psnr eval9/old-x$k-val.json); new=$(psnr eval9/new-x$k-val.json)
  echo "x$k validation PSNR: bundled $old, candidate $new ($cand)"
  if ! python3 -c "import sys; sys.exit(0 if $new > $old + 0.01 else 1)"; then
    echo "x$k: keeping the bundled model (not more than 0.01 dB better)"
    cp ship9/old_srcnn_x$k.safetensors ship9/srcnn_x$k.safetensors
    continue
  fi
  cp $cand ship9/srcnn_x$k.safetensors
  python3 $repo/java/src/models/set-metadata.py ship9/srcnn_x$k.safetensors \
    "train.train=java/src/models/make-training-set.sh DIR: DIR/train, 26 photographs (17 opencv-doc 4.6.0+dfsg-12 samples, 9 mate-backgrounds 1.26.0-1 nature wallpapers shrunk by 4)" \
    "train.val=DIR/val (3 held-out photographs: opencv-doc fruits, leuvenA; mate Dune)" \
    "train.test=DIR/test (6 photographs never trained on, scored only after the choice: opencv-doc baboon, butterfly, home, squirrel_cls; mate LadyBird, RainDrops)" \
    "train.init=${!init_var:?}" \
    "train.augment=all" \
    "train.stages=see train.history: the recipe fields (train.batch, .optimizer.*, .warmup, .lr_schedule, .seed, .augment, .patches, .steps, .target_steps, .best_val_step) describe the last stage only" \
    "train.history=${!hist_var:?}" \
    "train.machine=CPU engine, Temurin 25.0.3, 2 threads, nice 19, on the 2-core build machine beside builds, tests and benchmarks"
  echo "x$k: shipping"
done
for k in 3 4; do
  ev -s $k -m ship9/srcnn_x$k.safetensors --json data2/test > eval9/new-x$k-test.json
  ev -s $k -m ship9/old_srcnn_x$k.safetensors --json data2/test > eval9/old-x$k-test.json
done
ev -s 2 -m $models/srcnn_x2.safetensors --json data2/test > eval9/new-x2-test.json
ev -s 2 -m $models/srcnn_x2.safetensors --json data2/val > eval9/new-x2-val.json
cp eval9/new-x2-test.json eval9/old-x2-test.json
python3 $repo/java/src/models/results-table.py eval9/new-x{2,3,4}-test.json --old eval9/old-x{2,3,4}-test.json > eval9/table.md
python3 $repo/java/src/models/results-table.py eval9/new-x{2,3,4}-val.json --old eval9/new-x2-val.json eval9/old-x{3,4}-val.json > eval9/table-val.md
cat eval9/table.md
