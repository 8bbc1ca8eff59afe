#!/usr/bin/env bash
# the x3 and x4 crops of docs/models, as made for these models (run from the training folder; app7 = the dist of f9c36f8)
java/src/models/make-crops.sh app7/bin/gpu-sr ship9/srcnn_x3.safetensors 3 data2/test/cv-butterfly.jpg 150x110+170+110 docs/models/crop-butterfly-x3.png
java/src/models/make-crops.sh app7/bin/gpu-sr ship9/srcnn_x4.safetensors 4 data2/test/cv-baboon.jpg 150x110+110+20 docs/models/crop-baboon-x4.png
