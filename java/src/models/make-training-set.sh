#!/usr/bin/env bash
# Builds the training and held-out sets the bundled models were trained on, from the sample photographs in Debian's
# opencv-doc package (OpenCV 4.6.0, BSD/Apache-licensed samples). Usage: make-training-set.sh DIR
# -> DIR/train (15 photos) and DIR/val (5 held-out photos, never seen in training; butterfly is also the demo sample).
set -euo pipefail
out=${1:?usage: make-training-set.sh DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download opencv-doc >/dev/null && dpkg -x opencv-doc_*.deb x)
data="$work/x/usr/share/doc/opencv-doc/examples/data"
mkdir -p "$out/train" "$out/val"
for f in aero1.jpg aloeL.jpg apple.jpg board.jpg building.jpg ela_original.jpg fruits.jpg home.jpg leuvenA.jpg \
         messi5.jpg orange.jpg squirrel_cls.jpg stuff.jpg graf1.png rubberwhale1.png; do
  cp "$data/$f" "$out/train/"
done
for f in baboon.jpg butterfly.jpg smarties.png HappyFish.jpg pca_test1.jpg; do
  cp "$data/$f" "$out/val/"
done
echo "train: $(ls "$out/train" | wc -l) photos, val: $(ls "$out/val" | wc -l) photos in $out"
