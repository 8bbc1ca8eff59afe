#!/usr/bin/env bash
# Packs the training, validation and test photographs of make-training-set.sh into one small archive that travels
# with a GPU run (train-gpu.sh unpacks it): each photograph as an 8-bit gray PNG of the Y levels gpu-sr trains and
# scores on (PackLuma.java: rgb2ycbcr's Y rounded to 8 bits). gpu-sr takes a gray picture's plane as its Y, so Y
# models train and evaluate on these files exactly as on the originals; the script checks that by scoring the
# bundled x3 on both test sets (the two tables must be equal).
#
# Usage: pack-training-set.sh [ARCHIVE]      (default: java/target/gpu-train-data.tar, git-ignored)
#   SET=DIR   use an existing make-training-set.sh folder instead of building one
# Needs a JDK (java runs PackLuma.java from source against the jar) and the built jar (mvn package).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
archive=${1:-$root/java/target/gpu-train-data.tar}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set_dir=${SET:-}
if [ -z "$set_dir" ]; then
  set_dir="$work/set"
  "$root/java/src/models/make-training-set.sh" "$set_dir"
fi
jar=$(ls "$root"/java/target/gpu-sr-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1 || true)
[ -n "$jar" ] && [ -d "$root/java/target/lib" ] || { echo "pack-training-set: build the jar first (mvn package)" >&2; exit 2; }
cp="$jar:$root/java/target/lib/*"
packed="$work/gpu-train-data"
for split in train val test; do
  java -Djava.awt.headless=true -cp "$cp" "$root/java/src/models/PackLuma.java" "$set_dir/$split" "$packed/$split"
done
{
  echo "Y levels (8-bit gray PNG, PackLuma.java) of the photographs of java/src/models/make-training-set.sh;"
  echo "packed $(date -u +%Y-%m-%dT%H:%M:%SZ). Sources (file in the original set, package, SHA-256 of the source):"
  cat "$set_dir/MANIFEST.txt"
} > "$packed/MANIFEST.txt"

# the packed test set must score exactly as the original one (same Y levels)
score() { java -Djava.awt.headless=true -cp "$cp" dev.gpusr.cli.Main eval --device cpu -m x3 "$1" | sed -E 's/^([^ ]+)\.[a-z]+ /\1 /'; }
if ! diff <(score "$set_dir/test") <(score "$packed/test") > "$work/diff.txt"; then
  cat "$work/diff.txt" >&2
  echo "pack-training-set: the packed test set does not score as the original one" >&2
  exit 1
fi
mkdir -p "$(dirname "$archive")"
tar -C "$work" -cf "$archive.tmp" gpu-train-data
mv "$archive.tmp" "$archive"
echo "packed $(find "$packed" -name '*.png' | wc -l) pictures into $archive ($(du -k "$archive" | cut -f1) KiB); the packed test set scores exactly as the original"
