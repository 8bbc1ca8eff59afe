#!/usr/bin/env bash
set -euo pipefail
cd /work/train-run
wt=/work/main
c=$wt/java/src/models/make-crops.sh
$c app5/gpu-sr/bin/gpu-sr ship4/srcnn_x3.safetensors 3 data2/test/cv-butterfly.jpg 150x110+170+110 $wt/docs/models/crop-butterfly-x3.png
$c app5/gpu-sr/bin/gpu-sr ship4/srcnn_x2.safetensors 2 data2/test/mate-LadyBird.png 150x110+375+145 $wt/docs/models/crop-ladybird-x2.png
