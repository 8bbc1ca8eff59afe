#!/usr/bin/env bash
# the x4 crop of docs/models, as made for this model (run from the training folder; app7 = the dist of f9c36f8)
java/src/models/make-crops.sh app7/bin/gpu-sr ship7/srcnn_x4.safetensors 4 data2/test/cv-baboon.jpg 150x110+110+20 docs/models/crop-baboon-x4.png
