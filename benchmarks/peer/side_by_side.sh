#!/usr/bin/env bash
# gpu-sr and PyTorch + cuDNN back to back on one GPU, then the ratios (issue #4).
#
# usage: benchmarks/peer/side_by_side.sh [GPU_SR_BIN] [--quick] [--device N] [--out DIR]
#   GPU_SR_BIN  the gpu-sr launcher (default: bin/gpu-sr, then java/target/dist/gpu-sr/bin/gpu-sr, then gpu-sr on PATH)
#   --quick     both sides in quick mode (about 1 + 1.5 minutes on an H100 instead of about 3 + 3)
#   --out DIR   where gpu-sr.json, torch.json, compare.json and the printed tables go (default: bench-<date>)
#   --deadline S  the whole script should end within S seconds: PyTorch's peer skips (with a row saying so) the
#               sections that would start after what is left of S once gpu-sr is done, less 20 s for the ratios
# Exit status: gpu-sr's (1 when one of its rows failed or did not match the CPU), else PyTorch's.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

bin=""
if [[ $# -gt 0 && $1 != --* ]]; then bin=$1; shift; fi
if [[ -z $bin ]]; then
  # the self-contained folder's launcher, from inside that folder or from the repository root, else the PATH
  for candidate in bin/gpu-sr java/target/dist/gpu-sr/bin/gpu-sr gpu-sr; do
    if command -v "$candidate" >/dev/null 2>&1; then bin=$candidate; break; fi
  done
fi
quick=()
device=0
deadline=0
out="bench-$(date -u +%Y%m%dT%H%M%SZ)"
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=(--quick); shift ;;
    --device) device=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --deadline) deadline=$2; shift 2 ;;
    *) echo "side_by_side.sh: unknown argument '$1' (see the usage at the top of this script)" >&2; exit 2 ;;
  esac
done
if [[ -z $bin ]] || ! command -v "$bin" >/dev/null 2>&1; then
  echo "side_by_side.sh: gpu-sr launcher '$bin' not found; pass its path as the first argument" >&2
  exit 2
fi
mkdir -p "$out"
started=$(date +%s)
echo "== GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader -i "$device" 2>/dev/null || echo unknown)"

echo "== gpu-sr bench (${quick[*]:-full})"
"$bin" bench --device "$device" --json "$out/gpu-sr.json" "${quick[@]}" 2> "$out/gpu-sr.log" | tee "$out/gpu-sr.txt"
ours=${PIPESTATUS[0]}

echo "== PyTorch peer (${quick[*]:-full})"
peer_deadline=()
if [[ $deadline -gt 0 ]]; then
  left=$(( deadline - ($(date +%s) - started) - 20 ))
  [[ $left -lt 10 ]] && left=10
  peer_deadline=(--deadline-s "$left")
fi
# PyTorch brings its own cuDNN and refuses to start against the system one: never hand it our LD_LIBRARY_PATH
env -u LD_LIBRARY_PATH python3 "$here/srcnn_torch.py" --device "$device" --json "$out/torch.json" "${quick[@]}" \
  "${peer_deadline[@]}" 2> "$out/torch.log" | tee "$out/torch.txt"
peer=${PIPESTATUS[0]}

echo "== ratios"
if [[ -s $out/gpu-sr.json && -s $out/torch.json ]]; then
  env -u LD_LIBRARY_PATH python3 "$here/compare.py" "$out/gpu-sr.json" "$out/torch.json" --json "$out/compare.json" \
    | tee "$out/compare.txt"
else
  echo "side_by_side.sh: a JSON file is missing; see $out/gpu-sr.log and $out/torch.log" >&2
fi
echo "results in $out/"
if [[ $ours -ne 0 ]]; then exit "$ours"; fi
exit "$peer"
