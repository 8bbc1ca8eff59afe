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
# All twelve nature wallpapers are photographs, but at 1680x1050 to 2560x1920 they are soft (shallow focus,
# bicubic PSNR near 48 dB at x2): each is shrunk by 4 (gpu-sr degrade: MATLAB bicubic, antialiased) to the detail
# density of the other photographs, 420x262 to 640x480, saved as PNG.
mate_train=(Aqua.jpg Blinds.jpg FreshFlower.jpg Garden.jpg GreenMeadow.jpg Storm.jpg TwoWings.jpg Wood.jpg YellowFlower.jpg)
mate_val=(Dune.jpg)
mate_test=(LadyBird.jpg RainDrops.jpg)

mkdir -p "$out/train" "$out/val" "$out/test"
manifest="$out/MANIFEST.txt"
: > "$manifest"
gpusr="$(cd "$(dirname "$0")/../../.." && pwd)/gpu-sr" # the launcher of this checkout (builds the jar if needed)
put() { # put SRC_DIR PACKAGE SPLIT PREFIX SHRINK FILES...   (SHRINK 1: copied as is)
  local src=$1 pkg=$2 split=$3 prefix=$4 shrink=$5
  shift 5
  for f in "$@"; do
    [ -f "$src/$f" ] || { echo "make-training-set: $pkg has no $f" >&2; exit 1; }
    if [ "$shrink" = 1 ]; then
      cp "$src/$f" "$out/$split/$prefix$f"
      echo "$split/$prefix$f $pkg $(sha256sum < "$src/$f" | cut -d' ' -f1)" >> "$manifest"
    else
      "$gpusr" degrade --scale "$shrink" "$src/$f" -o "$work/shrunk" >/dev/null 2>&1 \
        || { echo "make-training-set: cannot shrink $f with $gpusr degrade" >&2; exit 1; }
      mv "$work/shrunk/${f%.*}.png" "$out/$split/$prefix${f%.*}.png"
      echo "$split/$prefix${f%.*}.png $pkg $(sha256sum < "$src/$f" | cut -d' ' -f1) (shrunk by $shrink)" >> "$manifest"
    fi
  done
}
put "$cv" opencv-doc train cv- 1 "${cv_train[@]}"
put "$mate" mate-backgrounds train mate- 4 "${mate_train[@]}"
put "$cv" opencv-doc val cv- 1 "${cv_val[@]}"
put "$mate" mate-backgrounds val mate- 4 "${mate_val[@]}"
put "$cv" opencv-doc test cv- 1 "${cv_test[@]}"
put "$mate" mate-backgrounds test mate- 4 "${mate_test[@]}"
echo "train: $(ls "$out/train" | wc -l), val: $(ls "$out/val" | wc -l), test: $(ls "$out/test" | wc -l) photographs in $out"
