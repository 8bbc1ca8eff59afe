#!/usr/bin/env bash
# One GPU verification run on a CUDA machine with no JDK and no Maven, from the self-contained folder made by
# `mvn package` (java/target/dist/gpu-sr): the GPU test suite, the demo on the GPU, the files-to-files batch
# benchmark beside the PyTorch + Pillow peer (benchmarks/batch/run.py: BATCH_N images, BATCH_RUNS runs), and the
# kernel benchmarks beside PyTorch. Everything goes to OUTDIR (logs, JSON, demo images) and is packed into
# OUTDIR/all.tgz; a short summary is printed last. Without --full the whole run fits in BUDGET seconds (default 470,
# under 8 minutes): each step's time limit is cut to what is left (defaults: tests 170 s, sanitizer 45 s per tool,
# demo 40, batch 120, benchmarks the rest; TESTS_TIMEOUT, SANITIZER_TIMEOUT, BATCH_TIMEOUT, BENCH_TIMEOUT, BATCH_N,
# BATCH_RUNS change them). All steps in one call do not fit in 8 minutes: skip some (--skip-batch, --skip-bench)
# and run them in a second call.
# compute-sanitizer (memcheck, then racecheck) runs the kernel tests (classes matching SANITIZER_TESTS, default
# CudaKernelsTest and CudaPixelPathGpuTest: gpu-sr's own kernels) where the host has it (PATH, CUDA_HOME/bin,
# /usr/local/cuda*/bin); a host without it (or a device it does not support) gets one line saying so. A finding
# shows as ERRORS in the summary (compute-sanitizer --error-exitcode 86); logs/sanitizer-*.log hold the reports.
# The batch inputs are cut from photos: the system's (mate-backgrounds, opencv-doc) or benchmarks/batch/sources/
# (make it on a build machine with `benchmarks/batch/make_inputs.py --export-sources benchmarks/batch/sources` and
# carry it along: it is git-ignored).
# Usage: benchmarks/gpu-check.sh OUTDIR [--full] [--skip-tests] [--skip-sanitizer] [--skip-bench] [--skip-batch]
set -uo pipefail
out=${1:?usage: gpu-check.sh OUTDIR [--full] [--skip-tests] [--skip-sanitizer] [--skip-bench] [--skip-batch]}
shift
quick=--quick skip_tests=0 skip_sanitizer=0 skip_bench=0 skip_batch=0
for a in "$@"; do
  case $a in
    --full) quick="" ;;
    --skip-tests) skip_tests=1 ;;
    --skip-sanitizer) skip_sanitizer=1 ;;
    --skip-bench) skip_bench=1 ;;
    --skip-batch) skip_batch=1 ;;
    *) echo "gpu-check.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done
budget=${BUDGET:-470}
[ -z "$quick" ] && budget=${BUDGET:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
dist="$root/java/target/dist/gpu-sr"
[ -x "$dist/bin/gpu-sr" ] || { echo "gpu-check.sh: $dist is missing: run mvn package first" >&2; exit 2; }
mkdir -p "$out/logs"
log="$out/logs"
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
# a step's time limit: its own, cut to what is left of the budget (at least 10 s)
limit() { local left=$(( budget - ($(date +%s) - t0) )); [ "$left" -lt 10 ] && left=10; [ "$1" -lt "$left" ] && echo "$1" || echo "$left"; }

stamp "GPU and versions"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader; "$dist/bin/gpu-sr" --version; "$dist/bin/gpu-sr" devices; } > "$log/devices.txt" 2>&1

tests_rc=skipped
if [ $skip_tests = 0 ]; then
  stamp "GPU test suite"
  timeout "$(limit "${TESTS_TIMEOUT:-170}")" "$dist/bin/gpu-sr-gpu-tests" --include-tag gpu --details=tree --disable-ansi-colors \
    > "$log/gpu-tests.log" 2>&1
  tests_rc=$?
fi

sanitizer_rc=" skipped (--skip-sanitizer)"
if [ $skip_sanitizer = 0 ]; then
  sanitizer=$(command -v compute-sanitizer 2>/dev/null || ls -d "${CUDA_HOME:-/nonexistent}/bin/compute-sanitizer" \
    /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda-*/bin/compute-sanitizer 2>/dev/null | head -n 1)
  if [ -z "$sanitizer" ] || [ ! -x "$sanitizer" ]; then
    stamp "compute-sanitizer: not on this host (PATH, CUDA_HOME/bin, /usr/local/cuda*/bin): skipped"
    sanitizer_rc=" skipped: no compute-sanitizer on this host"
  else
    sanitizer_rc=""
    for tool in memcheck racecheck; do
      stamp "compute-sanitizer $tool on the kernel tests"
      timeout "$(limit "${SANITIZER_TIMEOUT:-45}")" "$sanitizer" --tool "$tool" --target-processes all \
        --error-exitcode 86 --print-limit 100 "$dist/bin/gpu-sr-gpu-tests" --include-tag gpu \
        --include-classname "${SANITIZER_TESTS:-.*\.(CudaKernels|CudaPixelPathGpu)Test}" --disable-ansi-colors \
        > "$log/sanitizer-$tool.log" 2>&1
      rc=$?
      passed=$(grep -oE '^\[ +[0-9]+ tests successful' "$log/sanitizer-$tool.log" | grep -oE '[0-9]+' || echo 0)
      case $rc in
        0) if [ "${passed:-0}" -gt 0 ]; then verdict="clean, $passed tests"; else verdict="no test ran on a GPU (rc 0)"; fi ;;
        86) verdict="ERRORS (rc 86)" ;;
        124|137) verdict="cut off by the time limit (rc $rc)" ;;
        *) verdict="tests failed or did not run (rc $rc)" ;;
      esac
      if [ "$rc" != 0 ] && grep -q "Device not supported" "$log/sanitizer-$tool.log"; then
        verdict="not run: compute-sanitizer does not support this device here ('Device not supported', as under gVisor)"
      fi
      sanitizer_rc="$sanitizer_rc $tool: $verdict;"
    done
  fi
fi

stamp "demo on GPU 0"
timeout "$(limit 40)" "$dist/bin/gpu-sr" demo --device 0 -o "$out/demo" > "$log/demo.log" 2>&1
demo_rc=$?

stamp "model files in Python's safetensors and PyTorch"
env -u LD_LIBRARY_PATH python3 "$root/benchmarks/peer/check_safetensors.py" "$root"/java/src/main/resources/dev/gpusr/models/*.safetensors \
  > "$log/safetensors.log" 2>&1
st_rc=$?

batch_rc=skipped
if [ $skip_batch = 0 ]; then
  stamp "batch: ${BATCH_N:-64} 720p PNG photos x2, gpu-sr beside the PyTorch + Pillow peer, ${BATCH_RUNS:-3} runs"
  sources=()
  [ -d "$root/benchmarks/batch/sources" ] && sources=(--sources "$root/benchmarks/batch/sources")
  # a third side with the opt-in device-resident pixel path (GPUSR_CUDA_PIXELS=device) where this build has it
  variant=()
  grep -rq GPUSR_CUDA_PIXELS "$root/java/src/main/java" 2>/dev/null && variant=(--variant "gpu-sr device pixels:GPUSR_CUDA_PIXELS=device")
  timeout "$(limit "${BATCH_TIMEOUT:-120}")" python3 "$root/benchmarks/batch/run.py" \
    --n "${BATCH_N:-64}" --runs "${BATCH_RUNS:-3}" --device 0 --gpu-sr "$dist/bin/gpu-sr" --python python3 \
    --results "$out" --name batch "${sources[@]}" "${variant[@]}" > "$log/batch.log" 2>&1
  batch_rc=$?
fi

bench_rc=skipped
if [ $skip_bench = 0 ]; then
  stamp "benchmarks beside PyTorch ($quick)"
  bench_limit=$(limit "${BENCH_TIMEOUT:-330}")
  timeout "$bench_limit" "$root/benchmarks/peer/side_by_side.sh" "$dist/bin/gpu-sr" $quick --out "$out/bench" \
    --deadline "$bench_limit" > "$log/bench.log" 2>&1
  bench_rc=$?
fi
stamp "done"

{
  echo "==== devices"; cat "$log/devices.txt"
  echo "==== GPU tests (rc $tests_rc)"
  if [ -f "$log/gpu-tests.log" ]; then
    grep -E '^\[ +[0-9]+ tests (found|successful|skipped|failed|aborted)' "$log/gpu-tests.log"
    grep -E '\[gpu-sr\]' "$log/gpu-tests.log" | head -40
    awk '/^Failures \(/{p=1} p' "$log/gpu-tests.log" | grep -vE '^\s+(org\.junit|java\.base|jdk\.internal)' | head -80
  fi
  echo "==== compute-sanitizer on the kernel tests:$sanitizer_rc"
  for f in "$log"/sanitizer-*.log; do
    [ -f "$f" ] || continue
    echo "-- $(basename "$f")"
    grep -E '^(=+ )?ERROR SUMMARY|^\[ +[0-9]+ tests (found|successful|aborted|failed)' "$f"
    grep -m 20 -E '^=+ (Invalid|Race|Error|Program hit|Uninitialized|Leaked)' "$f"
  done
  echo "==== demo (rc $demo_rc)"; tail -8 "$log/demo.log"
  echo "==== safetensors interop (rc $st_rc)"; tail -5 "$log/safetensors.log"
  echo "==== batch, files to files (rc $batch_rc)"
  [ -f "$out/batch/summary.txt" ] && cat "$out/batch/summary.txt" || tail -15 "$log/batch.log" 2>/dev/null
  echo "(rows: $out/batch/rows.jsonl; copy the folder to benchmarks/results/<card>-<date>-batch to publish it)"
  echo "==== bench (rc $bench_rc)"
  [ -f "$out/bench/compare.txt" ] && cat "$out/bench/compare.txt" || tail -40 "$log/bench.log" 2>/dev/null
} > "$out/summary.txt" 2>&1
tar -C "$out" -czf "$out/../gpu-check-all.tgz" . 2>/dev/null && mv "$out/../gpu-check-all.tgz" "$out/all.tgz"
cat "$out/summary.txt"
