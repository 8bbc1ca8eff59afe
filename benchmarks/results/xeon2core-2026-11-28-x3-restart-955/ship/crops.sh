#!/usr/bin/env bash
# the x3 crop of docs/models, as made for this model (run from the training folder; app7 = the dist of f9c36f8)
java/src/models/make-crops.sh app7/bin/gpu-sr ship8/srcnn_x3.safetensors 3 data2/test/cv-butterfly.jpg 150x110+170+110 docs/models/crop-butterfly-x3.png
