#!/usr/bin/env bash
# Side-by-side crops for docs/: bicubic | SRCNN | original, at 1:1 and enlarged 2x (nearest neighbour) so the
# pixels show. The low-resolution input is the evaluation protocol's (gpu-sr degrade: MATLAB bicubic down by K),
# enlarged by gpu-sr upscale with --method bicubic and with the model. Needs ImageMagick (apt-get install imagemagick).
# Usage: make-crops.sh GPU_SR MODEL.safetensors K HR_IMAGE WxH+X+Y OUT.png
set -euo pipefail
gpusr=${1:?usage: make-crops.sh GPU_SR MODEL K HR_IMAGE WxH+X+Y OUT.png}
model=$2 k=$3 hr=$4 box=$5 out=$6
command -v convert >/dev/null || { echo "make-crops: needs ImageMagick's convert (apt-get install imagemagick)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "${hr%.*}")
"$gpusr" degrade --scale "$k" "$hr" -o "$work/lr" >/dev/null
lr=$(ls "$work/lr"/*)
"$gpusr" upscale --device cpu --scale "$k" --method bicubic "$lr" -o "$work/bicubic.png" >/dev/null
"$gpusr" upscale --device cpu --scale "$k" --model "$model" "$lr" -o "$work/srcnn.png" >/dev/null
for f in bicubic srcnn; do convert "$work/$f.png" -crop "$box" +repage -filter point -resize 200% "$work/$f-crop.png"; done
convert "$hr" -crop "$(identify -format '%[fx:w-w%'"$k"']x%[fx:h-h%'"$k"']+0+0' "$hr")" +repage -crop "$box" +repage \
    -filter point -resize 200% "$work/hr-crop.png"
label() { convert "$1" -gravity north -background white -splice 0x22 -pointsize 16 -annotate +0+3 "$2" "$1"; }
label "$work/bicubic-crop.png" "bicubic x$k"
label "$work/srcnn-crop.png" "SRCNN x$k"
label "$work/hr-crop.png" "original"
convert "$work/bicubic-crop.png" "$work/srcnn-crop.png" "$work/hr-crop.png" -bordercolor white -border 4 +append \
    -strip "$out"
echo "$out: $name x$k, crop $box (shown 2x)"
