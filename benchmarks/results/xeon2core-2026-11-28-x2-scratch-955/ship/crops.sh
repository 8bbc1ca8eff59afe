#!/usr/bin/env bash
# the x2 crop of docs/models, as made for this model (run from the training folder; app7 = the dist of f9c36f8)
java/src/models/make-crops.sh app7/bin/gpu-sr ship6/srcnn_x2.safetensors 2 data2/test/mate-LadyBird.png 150x110+375+145 docs/models/crop-ladybird-x2.png
