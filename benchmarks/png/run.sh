#!/usr/bin/env bash
# The PNG encoder measurement: gpu-sr's PngEncoder (levels 1-9, each codec: zlib = java.util.zip and, when its
# native library loads, libdeflate) and the JDK's ImageIO writer vs Pillow (levels 1-9) on the same 2560x1440 images
# (real photographs shrunk to 720p and enlarged x2 bicubic: make_images.py), one thread each, same machine, in one
# run, wall and thread-CPU time (CPU time is what a loaded machine can still measure); plus zlib vs libdeflate on the
# filtered stream of the first image, deflate alone. Writes OUTDIR/{java,pillow,deflate}.jsonl, machine.txt (CPU,
# load before and after), source.txt (commit and sha256 of these scripts) and summary.txt. Needs: mvn compile done
# (java/target/classes, with the native library for libdeflate rows), python3 with Pillow (PYTHON=...), optionally
# cc + zlib + libdeflate headers (apt-get install libdeflate-dev zlib1g-dev).
# Usage: benchmarks/png/run.sh OUTDIR [REPS [LEVELS_FIRST [LEVELS_REST]]]   (PHOTOS="a.jpg b.jpg": other photographs)
set -euo pipefail
out=${1:?usage: run.sh OUTDIR [REPS]}
reps=${2:-3}
levels_first=${3:-1,2,3,4,5,6,7,8,9} # every level on the first image
levels_rest=${4:-1,3,6,7}             # the fast levels and the default on the others
py=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -d "$root/java/target/classes/dev/gpusr/image" ] || { echo "run.sh: build first (mvn -pl java compile)" >&2; exit 2; }
mkdir -p "$out"
[ -e "$out/java.jsonl" ] && { echo "run.sh: $out already holds a run: results are never overwritten" >&2; exit 2; }
# the run names its exact code (commit, local changes, sha256 of each script) instead of carrying a copy
{ echo "commit $(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "local changes: $([ -n "$(git -C "$here" status --porcelain -- . 2>/dev/null)" ] && echo yes || echo no)"
  (cd "$root" && sha256sum benchmarks/png/{run.sh,make_images.py,PngBench.java,pillow_bench.py,deflate_bench.c} | sed 's/^/sha256 /')
} > "$out/source.txt"
img=$(mktemp -d)
trap 'rm -rf "$img"' EXIT
{
  echo "date: $(date -u +%FT%TZ)"; echo "host: $(uname -srm), $(nproc) cores"
  grep -m1 "model name" /proc/cpuinfo; echo "java: $(java -version 2>&1 | head -1)"
  echo "python: $($py -c 'import sys, PIL; from PIL import features; print(sys.version.split()[0], "Pillow", PIL.__version__, "zlib", features.version("zlib"), "zlib-ng", features.check_feature("zlib_ng"))')"
  echo "load before: $(cat /proc/loadavg)"; echo "uptime before: $(uptime)"
} > "$out/machine.txt"
# shellcheck disable=SC2086 # PHOTOS is a list of files
$py "$here/make_images.py" "$img" ${PHOTOS:-} > "$out/images.txt"
codecs=zlib
[ -n "$(find "$root/java/target/classes" -name libgpusr_deflate.so -print -quit)" ] && codecs=zlib,libdeflate
echo "codecs: $codecs" >> "$out/machine.txt"
levels=$levels_first
for f in $(cat "$out/images.txt"); do
  java -cp "$root/java/target/classes" "$here/PngBench.java" "$reps" "$levels" "$codecs" "$f" | tee -a "$out/java.jsonl"
  $py "$here/pillow_bench.py" "$reps" "$levels" "$f" | tee -a "$out/pillow.jsonl"
  levels=$levels_rest
done
if cc -O2 -o "$img/deflate_bench" "$here/deflate_bench.c" -lz -ldeflate 2>/dev/null; then
  # the filtered row stream PngEncoder deflates, taken back out of its level-6 file
  first=$(head -1 "$out/images.txt")
  $py - "$first" "$img/filtered.bin" "$root" <<'PY'
import struct, subprocess, sys, zlib
src, dst, root = sys.argv[1:4]
png = dst + ".png"
subprocess.run(["java", "-cp", root + "/java/target/classes", root + "/benchmarks/png/PngBench.java", "--write", src, png], check=True)
d = open(png, "rb").read(); i = 8; idat = b""
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4])
    if d[i + 4:i + 8] == b"IDAT": idat += d[i + 8:i + 8 + n]
    i += 12 + n
open(dst, "wb").write(zlib.decompress(idat))
PY
  "$img/deflate_bench" "$img/filtered.bin" 3 | tee "$out/deflate.jsonl"
else
  echo "no C compiler or libdeflate: deflate.jsonl not made" | tee "$out/deflate.txt"
fi
{ echo "load after: $(cat /proc/loadavg)"; echo "uptime after: $(uptime)"; } >> "$out/machine.txt"
$py "$here/summarize.py" "$out" | tee "$out/summary.txt"
