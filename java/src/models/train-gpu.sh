#!/usr/bin/env bash
# Trains the three bundled models (SRCNN on Y in the bundled architecture, 9-5-5 at every scale; x3 then x2 then
# x4, each from scratch) on one GPU from the
# self-contained folder (java/target/dist/gpu-sr: no JDK or Maven needed), within BUDGET_S seconds of wall-clock time
# in all (default 540 = 9 minutes), and scores them on the held-out test photographs beside the bundled models.
#
# Usage: java/src/models/train-gpu.sh OUTDIR [--device N|cpu] [--smoke] [--pack]
#   OUTDIR     a new run folder OUTDIR/train-gpu-<UTC time> gets: log.txt (this script's log), plan.txt (budget,
#              measured ms/step, steps per scale), x2/ x3/ x4/ (srcnn_xK.safetensors = the best-validating weights,
#              its .ckpt.safetensors with the last, metrics.jsonl, curve.png, train.log), eval/ (gpu-sr eval --json of
#              the new and the bundled models on the test photographs), results.md (the per-image table) and
#              summary.txt. Nothing is written outside OUTDIR except a temporary folder for the unpacked data
#              (and the unpacked dist folder, when it comes as an archive).
#   --device   the GPU (default 0); cpu for a smoke test
#   --smoke    a check of this script on any machine: CPU, batch 16, a few dozen steps per scale
#   --pack     leave only two files in OUTDIR: train-gpu-<UTC time>.tgz (the whole run folder) and
#              train-gpu-<UTC time>-summary.txt (a GPU session gets at most 8 files back from its $OUT)
# The data: java/target/gpu-train-data.tar from java/src/models/pack-training-set.sh (Y levels of the photographs of
# make-training-set.sh as 8-bit gray PNG, about 4.7 MiB: gpu-sr trains and scores on them exactly as on the
# originals). It is git-ignored: a GPU session carries it beside the dist folder's archive (64 MiB in all).
#
# The budget: a probe per architecture (PROBE_STEPS steps, no validation) measures this machine's time per step and the
# fixed cost of a run (start, data loading, first cuDNN plans); each scale then gets an equal share of what is left
# (less RESERVE_S for the last scoring) and as many steps as that share holds at its architecture's measured rate,
# with VALS validations at VAL_S seconds each. Every run is also time-boxed: at its share's end it gets SIGTERM, stops
# after the current step and writes its checkpoint; -o holds the best weights of the validations so far.
# ARCH_X2, ARCH_X3, ARCH_X4 (F1-F2-F3, default 9-5-5 each) choose each scale's architecture.
# The recipe (each overridable): Adam LR=1e-3,1e-3,1e-4, cosine with WARMUP steps of warm-up (default 2% of the
# steps, at most 1000), batch BATCH=128, --augment AUGMENT=all, --init-scheme he, seed SEED=1; EXTRA adds options.
# Other settings: GPUSR (launcher; default the dist folder's, else the one in java/target/gpu-sr-dist.tgz from
# benchmarks/gpu-check.sh --pack, unpacked into a temporary folder, else ./gpu-sr), DATA (archive), PROBE_STEPS (1000),
# PLOT (java: gpu-sr train --plot; python: plot-metrics.py afterwards; default java where the runtime's font
# libraries resolve),
# STEP_MS (used when the probe fails; default 1.3, the CUDA engine's 128x33x33 host-fed step was 1.05-1.09 ms on the
# H200), MIN_STEPS (1000), MAX_STEPS (400000), VALS (12), VAL_S (1.0), RESERVE_S (20), SCALES ("3 2 4").
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
out=${1:?usage: train-gpu.sh OUTDIR [--device N|cpu] [--smoke] [--pack]}
shift
device=0 smoke=0 pack=0
while [ $# -gt 0 ]; do
  case $1 in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --pack) pack=1; shift ;;
    *) echo "train-gpu.sh: unknown argument '$1' (see the usage at the top of this script)" >&2; exit 2 ;;
  esac
done
if [ $smoke = 1 ]; then
  device=cpu
  : "${BUDGET_S:=900}" "${PROBE_STEPS:=10}" "${BATCH:=16}" "${MAX_STEPS:=40}" "${MIN_STEPS:=20}" "${VALS:=2}"
fi
budget=${BUDGET_S:-540} probe_steps=${PROBE_STEPS:-1000} batch=${BATCH:-128} lr=${LR:-1e-3,1e-3,1e-4}
seed=${SEED:-1} augment=${AUGMENT:-all} min_steps=${MIN_STEPS:-1000} max_steps=${MAX_STEPS:-400000} vals=${VALS:-12} val_s=${VAL_S:-1.0}
reserve=${RESERVE_S:-20} scales=${SCALES:-3 2 4} step_ms_default=${STEP_MS:-1.3}
data=${DATA:-$root/java/target/gpu-train-data.tar}
declare -A arch=([2]=${ARCH_X2:-9-5-5} [3]=${ARCH_X3:-9-5-5} [4]=${ARCH_X4:-9-5-5})
# gpu-sr train's options for an architecture F1-F2-F3
arch_opts() {
  local a=$1
  [[ $a =~ ^([0-9]+)-([0-9]+)-([0-9]+)$ ]] || { echo "train-gpu.sh: architecture '$a' is not F1-F2-F3" >&2; exit 2; }
  echo "--f1 ${BASH_REMATCH[1]} --f2 ${BASH_REMATCH[2]} --f3 ${BASH_REMATCH[3]}"
}
for k in 2 3 4; do arch_opts "${arch[$k]}" > /dev/null || exit 2; done
[ -f "$data" ] || { echo "train-gpu.sh: no training data at $data (run java/src/models/pack-training-set.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gpusr=${GPUSR:-} archive_used=
dist_archive=$root/java/target/gpu-sr-dist.tgz # benchmarks/gpu-check.sh --pack: how the dist folder travels
if [ -z "$gpusr" ]; then
  gpusr="$root/java/target/dist/gpu-sr/bin/gpu-sr"
  if [ ! -x "$gpusr" ] && [ -f "$dist_archive" ]; then
    tar -C "$work" -xzf "$dist_archive" || { echo "train-gpu.sh: cannot unpack $dist_archive" >&2; exit 2; }
    gpusr="$work/gpu-sr/bin/gpu-sr"
    [ -x "$gpusr" ] || { echo "train-gpu.sh: $dist_archive holds no gpu-sr/bin/gpu-sr (make it with benchmarks/gpu-check.sh --pack)" >&2; exit 2; }
    archive_used=$dist_archive
  fi
  [ -x "$gpusr" ] || gpusr="$root/gpu-sr"
fi
[ -x "$gpusr" ] || { echo "train-gpu.sh: no gpu-sr launcher at $gpusr (mvn package builds the dist folder)" >&2; exit 2; }

t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }
name="train-gpu-$(date -u +%Y%m%dT%H%M%SZ)"
run="$out/$name"
mkdir -p "$run/eval" || exit 2
stamp() { echo "[$(elapsed)s] $*"; }

main() {

stamp "run folder $run; budget ${budget}s; device $device$([ $smoke = 1 ] && echo ' (smoke test: not a training run)')"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -n), $(nproc) CPU threads"
  echo "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n 1 || echo none)"
  echo "gpu-sr: $("$gpusr" --version 2>&1 | grep -v "^WARNING: Using incubator modules" | paste -sd " ")"
  [ -n "${archive_used:-}" ] && echo "gpu-sr from: $archive_used (sha256 $(sha256sum "$archive_used" | cut -d' ' -f1))"
  echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
  echo "script sha256: $(sha256sum < "$0" | cut -d' ' -f1)"
  echo "data: $(basename "$data"), sha256 $(sha256sum < "$data" | cut -d' ' -f1)"
} > "$run/environment.txt"
cat "$run/environment.txt"

tar -C "$work" -xf "$data" || { echo "train-gpu.sh: cannot unpack $data" >&2; exit 2; }
d="$work/gpu-train-data"
cp "$d/MANIFEST.txt" "$run/data-MANIFEST.txt"
stamp "data: $(ls "$d/train" | wc -l) training, $(ls "$d/val" | wc -l) validation, $(ls "$d/test" | wc -l) test photographs"

# the bundled models on the test photographs, on the CPU while the GPU trains
evals=()
for k in $scales; do
  nice "$gpusr" eval --device cpu --json -m "x$k" "$d/test" > "$run/eval/bundled-x$k.json" 2> "$run/eval/bundled-x$k.log" &
  evals+=($!)
done

# gpu-sr draws --plot with the Java runtime's font manager, which links the system's freetype and harfbuzz: a bare GPU
# host may lack them (the dist folder does not carry them), and a missing library is an Error that ends the run at
# its first validation. Where they are missing, or PLOT=python, the curves are drawn by plot-metrics.py (matplotlib).
plot_with=${PLOT:-}
if [ -z "$plot_with" ]; then
  plot_with=java
  fm="$(dirname "$(readlink -f "$gpusr")")/../runtime/lib/libfontmanager.so"
  if [ -f "$fm" ] && ldd "$fm" 2>/dev/null | grep "not found" | grep -qv libjvm; then
    plot_with=python
    stamp "curves: the Java runtime's font manager misses $(ldd "$fm" | grep 'not found' | grep -v libjvm | awk '{print $1}' | tr '\n' ' ')- drawn with plot-metrics.py instead"
  fi
fi

recipe=(--batch "$batch" --optimizer adam --lr "$lr" --lr-schedule cosine --augment "$augment" --init-scheme he --seed "$seed"
        --device "$device" --metrics-every 500 --log-every 10)
# shellcheck disable=SC2206
extra=(${EXTRA:-})

# probe: this machine's time per step and the fixed cost of one run, for each architecture the scales use
declare -A step_ms_of overhead_of
for k in $scales; do
  a=${arch[$k]}
  [ -n "${step_ms_of[$a]:-}" ] && continue
  step_ms_of[$a]=$step_ms_default overhead_of[$a]=15
  stamp "probe: $probe_steps steps of x$k in $a (no validation)"
  p0=$(date +%s.%N)
  # shellcheck disable=SC2046
  if "$gpusr" train --scale "$k" --train "$d/train" --steps "$probe_steps" $(arch_opts "$a") "${recipe[@]}" \
      "${extra[@]}" --metrics "$work/probe-$a.jsonl" -o "$work/probe-$a/x$k.safetensors" > "$run/probe-$a.log" 2>&1; then
    p1=$(date +%s.%N)
    measured=$(python3 - "$work/probe-$a.jsonl" "$batch" "$probe_steps" "$p0" "$p1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rate = [l["sub_images_per_s"] for l in lines if l.get("sub_images_per_s")][-1]
ms = int(sys.argv[2]) / rate * 1000
wall = float(sys.argv[5]) - float(sys.argv[4])
print("%.4f %.1f" % (ms, max(3.0, wall - int(sys.argv[3]) * ms / 1000)))
PY
    ) && read -r "step_ms_of[$a]" "overhead_of[$a]" <<< "$measured"
    stamp "probe $a: ${step_ms_of[$a]} ms per step of $batch, ${overhead_of[$a]} s fixed cost per run"
  else
    stamp "probe $a failed (see probe-$a.log); planning with STEP_MS=$step_ms_default ms per step and 15 s per run"
    tail -5 "$run/probe-$a.log"
  fi
done

{
  echo "budget ${budget}s, ${vals} validations x ${val_s}s per run"
  for a in "${!step_ms_of[@]}"; do echo "probe $a: ${step_ms_of[$a]} ms/step, fixed ${overhead_of[$a]}s per run"; done
} > "$run/plan.txt"
declare -A status
remaining=($scales)
for k in $scales; do
  left=$(( budget - $(elapsed) - reserve ))
  share=$(( left / ${#remaining[@]} ))
  remaining=("${remaining[@]:1}")
  if [ "$share" -lt 20 ]; then
    stamp "x$k: only ${share}s left of the budget: not trained"
    status[$k]="not trained (budget spent)"
    continue
  fi
  a=${arch[$k]}
  read -r steps val_every warmup <<< "$(python3 - "$share" "${overhead_of[$a]}" "$vals" "$val_s" "${step_ms_of[$a]}" "$min_steps" "$max_steps" <<'PY'
import sys
share, overhead, vals, val_s, step_ms = (float(a) for a in sys.argv[1:6])
lo, hi = int(sys.argv[6]), int(sys.argv[7])
steps = int(0.92 * (share - overhead - vals * val_s) * 1000 / step_ms)  # 8% slack for the unmeasured
steps = max(lo, min(hi, steps))
val_every = max(10, steps // max(1, int(vals)))
print(steps, val_every, min(1000, max(1, steps // 50)))
PY
)"
  warmup=${WARMUP:-$warmup}
  stamp "x$k ($a): ${steps} steps (validation every ${val_every}, warm-up ${warmup}), time box ${share}s"
  echo "x$k ($a): $steps steps, val every $val_every, warm-up $warmup, time box ${share}s" >> "$run/plan.txt"
  mkdir -p "$run/x$k"
  s0=$(date +%s)
  plot=()
  [ "$plot_with" = java ] && plot=(--plot "$run/x$k/curve.png")
  # shellcheck disable=SC2046
  timeout -s TERM -k 30 "$share" "$gpusr" train --scale "$k" $(arch_opts "$a") --train "$d/train" --val "$d/val" \
    --steps "$steps" --warmup "$warmup" --val-every "$val_every" "${recipe[@]}" "${extra[@]}" --metrics "$run/x$k/metrics.jsonl" \
    "${plot[@]}" -o "$run/x$k/srcnn_x$k.safetensors" > "$run/x$k/train.log" 2>&1
  rc=$?
  if [ ! -s "$run/x$k/curve.png" ] && [ -s "$run/x$k/metrics.jsonl" ]; then
    python3 "$root/java/src/models/plot-metrics.py" "$run/x$k/metrics.jsonl" "$run/x$k/curve.png" \
      "gpu-sr train x$k ($a, Y) on $(sed -n 's/^gpu: //p' "$run/environment.txt" | cut -d, -f1)" \
      || echo "train-gpu.sh: no curve for x$k (plot-metrics.py needs matplotlib)"
  fi
  case $rc in
    0) status[$k]="done" ;;
    124) status[$k]="time-boxed after ${share}s (stopped by SIGTERM)" ;;
    *) status[$k]="failed (rc $rc; see x$k/train.log)" ;;
  esac
  stamp "x$k: ${status[$k]} in $(( $(date +%s) - s0 ))s"
  tail -3 "$run/x$k/train.log"
  # -o is written at each validation that improves on the best, and a stop by SIGTERM writes the checkpoint (the last
  # weights); a run stopped before its first validation has no -o, and is scored from its checkpoint.
  model="$run/x$k/srcnn_x$k.safetensors"
  if [ ! -f "$model" ] && [ -f "$run/x$k/srcnn_x$k.ckpt.safetensors" ]; then
    model="$run/x$k/srcnn_x$k.ckpt.safetensors"
    status[$k]="${status[$k]}; no best-validation model, scored from the checkpoint (last weights)"
  elif [ ! -f "$model" ]; then
    status[$k]="${status[$k]}; no model written"
  elif [ $rc = 124 ]; then
    status[$k]="${status[$k]}; the model holds the best weights of the validations before the stop"
  fi
  if [ -f "$model" ]; then
    nice "$gpusr" eval --device cpu --json -m "$model" "$d/test" \
      > "$run/eval/new-x$k.json" 2> "$run/eval/new-x$k.log" &
    evals+=($!)
  fi
done
stamp "waiting for the scoring on the CPU"
for p in "${evals[@]}"; do wait "$p"; done

new=() old=()
for k in 2 3 4; do
  [ -s "$run/eval/new-x$k.json" ] && [ -s "$run/eval/bundled-x$k.json" ] && new+=("$run/eval/new-x$k.json") && old+=("$run/eval/bundled-x$k.json")
done
if [ ${#new[@]} -gt 0 ]; then
  python3 "$root/java/src/models/results-table.py" "${new[@]}" --old "${old[@]}" > "$run/results.md" \
    || echo "train-gpu.sh: results-table.py failed" >&2
fi
{
  echo "train-gpu.sh on $(sed -n 's/^gpu: //p' "$run/environment.txt"), $(elapsed)s in all (budget ${budget}s)"
  cat "$run/plan.txt"
  for k in $scales; do
    last=$(tail -n 1 "$run/x$k/metrics.jsonl" 2>/dev/null)
    echo "x$k: ${status[$k]:-not run}; last metrics line: ${last:-none}"
  done
  echo
  [ -f "$run/results.md" ] && cat "$run/results.md" || echo "(no results table: see eval/)"
} > "$run/summary.txt"
cat "$run/summary.txt"
fails=0
for k in $scales; do [[ ${status[$k]:-} == done || ${status[$k]:-} == *"the model holds"* ]] || fails=1; done
return $fails
}

main 2>&1 | tee "$run/log.txt"
rc=${PIPESTATUS[0]}
if [ $pack = 1 ]; then
  cp "$run/summary.txt" "$out/$name-summary.txt" 2>/dev/null
  tar -C "$out" -czf "$out/$name.tgz" "$name" && rm -rf "$run" && echo "packed into $out/$name.tgz"
fi
exit "$rc"
