#!/usr/bin/env bash
# the x2 crop of docs/models with the shipped grown 9-5-5 x2
set -euo pipefail
cd /work/train-run
/work/main/java/src/models/make-crops.sh app6/gpu-sr/bin/gpu-sr ship5/srcnn_x2.safetensors 2 data2/test/mate-LadyBird.png 150x110+375+145 /work/main/docs/models/crop-ladybird-x2.png
