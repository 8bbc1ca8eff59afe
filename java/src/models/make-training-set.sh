#!/usr/bin/env bash
# Builds the training, validation and test sets the bundled models were trained and measured on, from photographs a
# Debian machine can install:
#   - the sample photographs of opencv-doc (OpenCV 4.6.0 samples, BSD/Apache-licensed), and
#   - the 'nature' wallpapers of mate-backgrounds (MATE 1.26, GPL/CC-BY-SA photographs).
# Each picture was looked at: only real photographs are used (no drawings, renders, paintings, text pages, synthetic
# or calibration patterns, and of stereo/flow pairs or tampered copies only one).
#
# Usage: make-training-set.sh DIR
#   DIR/train  26 photographs to train on
#   DIR/val     3 held-out photographs scored during training (they pick the best weights)
#   DIR/test    6 held-out photographs used for nothing but the final evaluation (README's table)
#   DIR/MANIFEST.txt  every file with its source package and SHA-256
# The packages are fetched with 'apt-get download' (no root needed); when that fails (no network) the installed
# copies under /usr/share are used. The same package versions give byte-identical sets.
set -euo pipefail
out=${1:?usage: make-training-set.sh DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Unpacks a package into $work/$1, or links the installed copy when it cannot be downloaded.
unpack() {
  local pkg=$1
  mkdir -p "$work/$pkg"
  if (cd "$work/$pkg" && apt-get download "$pkg" >/dev/null 2>&1 && dpkg -x "$pkg"_*.deb root); then
    echo "$pkg: $(dpkg-deb -f "$work/$pkg"/"$pkg"_*.deb Version) (downloaded)"
  elif dpkg -s "$pkg" >/dev/null 2>&1; then
    ln -s / "$work/$pkg/root"
    echo "$pkg: $(dpkg-query -W -f '${Version}' "$pkg") (installed copy)"
  else
    echo "make-training-set: cannot download or find the Debian package $pkg (apt-get install $pkg?)" >&2
    exit 1
  fi
}
unpack opencv-doc
unpack mate-backgrounds
cv="$work/opencv-doc/root/usr/share/doc/opencv-doc/examples/data"
mate="$work/mate-backgrounds/root/usr/share/backgrounds/mate/nature"

# Left out of opencv-doc's samples, by looking at each: HappyFish (drawing), starry_night (painting), graf1/graf3
# (graffiti art), Blender_Suzanne* (renders), cards, ellipses, pic1-6, gradient, chessboard, detect_blob, digits, ml,
# notes, sudoku, box, text_*, imageText*, logos, mask, templ/tmpl (synthetic, text or packaging art), left01..right14
# (calibration chessboards), licenseplate_motion (synthetically blurred), ela_modified (tampered copy of
# ela_original), the second image of near-identical pairs (aloeR, basketball2, leuvenB, rubberwhale2, right.jpg;
# aero1/aero3 are two different views and both stay) and blox (a 256x256 grey test image).
cv_train=(aero1.jpg aero3.jpg aloeL.jpg apple.jpg basketball1.png board.jpg box_in_scene.png building.jpg chicky_512.png
          ela_original.jpg left.jpg messi5.jpg orange.jpg pca_test1.jpg rubberwhale1.png smarties.png stuff.jpg)
cv_val=(fruits.jpg leuvenA.jpg)
cv_test=(baboon.jpg butterfly.jpg home.jpg squirrel_cls.jpg)
# All twelve nature wallpapers are photographs.
mate_train=(Aqua.jpg Blinds.jpg FreshFlower.jpg Garden.jpg GreenMeadow.jpg Storm.jpg TwoWings.jpg Wood.jpg YellowFlower.jpg)
mate_val=(Dune.jpg)
mate_test=(LadyBird.jpg RainDrops.jpg)

mkdir -p "$out/train" "$out/val" "$out/test"
manifest="$out/MANIFEST.txt"
: > "$manifest"
put() { # put SRC_DIR PACKAGE SPLIT PREFIX FILES...
  local src=$1 pkg=$2 split=$3 prefix=$4
  shift 4
  for f in "$@"; do
    [ -f "$src/$f" ] || { echo "make-training-set: $pkg has no $f" >&2; exit 1; }
    cp "$src/$f" "$out/$split/$prefix$f"
    echo "$split/$prefix$f $pkg $(sha256sum < "$src/$f" | cut -d' ' -f1)" >> "$manifest"
  done
}
put "$cv" opencv-doc train cv- "${cv_train[@]}"
put "$mate" mate-backgrounds train mate- "${mate_train[@]}"
put "$cv" opencv-doc val cv- "${cv_val[@]}"
put "$mate" mate-backgrounds val mate- "${mate_val[@]}"
put "$cv" opencv-doc test cv- "${cv_test[@]}"
put "$mate" mate-backgrounds test mate- "${mate_test[@]}"
echo "train: $(ls "$out/train" | wc -l), val: $(ls "$out/val" | wc -l), test: $(ls "$out/test" | wc -l) photographs in $out"
