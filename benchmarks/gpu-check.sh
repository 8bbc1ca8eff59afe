#!/usr/bin/env bash
# One GPU verification run on a CUDA machine with no JDK and no Maven, from the self-contained folder made by
# `mvn package` (java/target/dist/gpu-sr, or its archive java/target/gpu-sr-dist.tgz, unpacked into a temporary
# folder): the GPU test suite, compute-sanitizer on the kernel tests, the demo, the model files in Python, the
# files-to-files batch benchmark beside the PyTorch + Pillow peer (benchmarks/batch/run.py) and the kernel benchmarks
# beside PyTorch (benchmarks/peer/side_by_side.sh --quick). Everything goes to OUTDIR (logs, JSON, demo images),
# packed into OUTDIR/all.tgz; a short summary with a table of the steps is printed last (OUTDIR/summary.txt).
#
# HOW TO RUN IT (the device tool carries at most 64 MiB: tracked files + carried paths; the dist folder alone is
# about 101 MiB with a Temurin 25 runtime, its gzip archive about 40 MiB):
#   here:  mvn -B -ntp package -DskipTests        (the dist folder, with the CUDA kernels: needs nvcc)
#          benchmarks/gpu-check.sh --pack         (writes java/target/gpu-sr-dist.tgz and benchmarks/batch/sources/,
#                                                  prints the size that will travel and this call)
#   then:  run(command='benchmarks/gpu-check.sh /tmp/gpu-check; cp /tmp/gpu-check/summary.txt /tmp/gpu-check/all.tgz "$OUT"/',
#              carry=["java/target/gpu-sr-dist.tgz", "benchmarks/batch/sources"], timeout_s=560)
#   (OUTDIR outside $OUT: only 8 files come back; summary.txt and all.tgz hold everything.)
#
# TIME: without --full the whole run fits in BUDGET seconds (default 470, under 8 minutes). Each step has a cap and a
# reserve (the least time the steps after it need): a step's limit is its cap, cut so that the reserves of the steps
# still to run remain; time a step leaves unused goes to the later ones. A step that reaches its limit is stopped
# (`timeout`) and reported as cut off in the table, with what it did until then.
#   step                      cap (env)                        reserve   what runs by default
#   GPU test suite            150 s (TESTS_TIMEOUT)            -         all tests tagged gpu
#   compute-sanitizer         30 + 20 s (SANITIZER_TIMEOUT)    50 s      memcheck then racecheck on the kernel test
#                                                                        class (SANITIZER_TESTS, CudaKernelsTest)
#   demo                      20 s                             20 s      gpu-sr demo --device 0
#   safetensors in Python     15 s                             15 s
#   batch beside the peer     120 s (BATCH_TIMEOUT)            90 s      BATCH_N=32 720p photos, BATCH_RUNS=3 runs
#                                                                        (run.py --deadline-s: no run is started
#                                                                        that would not end in time)
#   kernel bench beside       200 s (BENCH_TIMEOUT)            120 s     side_by_side.sh --quick --deadline
#     PyTorch
# --full: no budget, the benchmarks in full mode, the caps as given (defaults above, bench 1800 s).
# BATCH_SERIAL=1 adds the one-image-at-a-time device pixel path to the batch. --skip-tests, --skip-sanitizer,
# --skip-batch, --skip-bench leave a step out (its reserve goes to the others).
# compute-sanitizer is looked for on PATH, in CUDA_HOME/bin and /usr/local/cuda*/bin; a host without it (or a device it
# does not support, as under gVisor) gets one line saying so. A finding shows as ERRORS (--error-exitcode 86);
# logs/sanitizer-*.log hold the reports.
# The batch inputs are cut from photos: the system's (mate-backgrounds, opencv-doc) or benchmarks/batch/sources/
# (made by --pack on a build machine that has those packages, and carried along: it is git-ignored).
# Exit status: 0 when every step that ran passed, 1 when one failed, was cut off or ran no test on a GPU, 3 when
# gpu-sr finds no usable CUDA device on this host (said in the first lines and in the summary; the steps still run
# as far as they go).
# Usage: benchmarks/gpu-check.sh OUTDIR [--full] [--skip-tests] [--skip-sanitizer] [--skip-bench] [--skip-batch]
#        benchmarks/gpu-check.sh --pack
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
archive="$root/java/target/gpu-sr-dist.tgz"
sources_dir="$root/benchmarks/batch/sources"

if [ "${1:-}" = --pack ]; then
  # the carry for a GPU run: the dist as one gzip archive, the batch's source photos; then the size that travels
  [ -x "$root/java/target/dist/gpu-sr/bin/gpu-sr" ] || { echo "gpu-check.sh: run mvn -B -ntp package -DskipTests first" >&2; exit 2; }
  ls "$root/java/target/dist/gpu-sr/lib/gpu-sr.jar" >/dev/null || exit 2
  unzip -l "$root/java/target/dist/gpu-sr/lib/gpu-sr.jar" 2>/dev/null | grep -q gpusr_kernels.fatbin ||
    echo "gpu-check.sh: WARNING: the dist's jar has no CUDA kernels (built without nvcc?)" >&2
  tar -C "$root/java/target/dist" -czf "$archive.tmp" gpu-sr && mv "$archive.tmp" "$archive" || exit 1
  if [ ! -d "$sources_dir" ]; then
    python3 "$root/benchmarks/batch/make_inputs.py" --export-sources "$sources_dir" >/dev/null ||
      echo "gpu-check.sh: no batch sources made (apt-get install mate-backgrounds opencv-doc python3-pil)" >&2
  fi
  tracked=$(git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 du -cb 2>/dev/null) | tail -1 | cut -f1)
  dist_b=$(du -sb "$archive" | cut -f1)
  src_b=$(du -sb "$sources_dir" 2>/dev/null | cut -f1)
  total=$(( tracked + dist_b + ${src_b:-0} ))
  mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
  echo "travels: working tree $(mib "$tracked") + java/target/gpu-sr-dist.tgz $(mib "$dist_b") + benchmarks/batch/sources $(mib "${src_b:-0}") = $(mib "$total") (limit 64 MiB)"
  echo "(the unpacked dist folder would be $(mib "$(du -sb "$root/java/target/dist/gpu-sr" | cut -f1)"))"
  [ "$total" -le $(( 64 * 1048576 )) ] || { echo "gpu-check.sh: OVER the 64 MiB the device tool carries" >&2; exit 1; }
  echo "run(command='benchmarks/gpu-check.sh /tmp/gpu-check; cp /tmp/gpu-check/summary.txt /tmp/gpu-check/all.tgz \"\$OUT\"/',"
  echo "    carry=[\"java/target/gpu-sr-dist.tgz\", \"benchmarks/batch/sources\"], timeout_s=560)"
  exit 0
fi

out=${1:?usage: gpu-check.sh OUTDIR [--full] [--skip-tests] [--skip-sanitizer] [--skip-bench] [--skip-batch] | --pack}
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
t0=$(date +%s)
budget=${BUDGET:-470}
[ -z "$quick" ] && budget=${BUDGET:-100000}
mkdir -p "$out/logs"
log="$out/logs"
dist="$root/java/target/dist/gpu-sr"
if [ -f "$archive" ]; then # carried as an archive: a fresh copy for this run
  unpacked=$(mktemp -d "${TMPDIR:-/tmp}/gpu-sr-dist.XXXXXX")
  tar -C "$unpacked" -xzf "$archive" || { echo "gpu-check.sh: cannot unpack $archive" >&2; exit 2; }
  dist="$unpacked/gpu-sr"
  trap 'rm -rf "$unpacked"' EXIT
fi
[ -x "$dist/bin/gpu-sr" ] || { echo "gpu-check.sh: $dist is missing: run mvn package first (and --pack to carry it)" >&2; exit 2; }
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

# Reserves (seconds) of the steps that will run; a step's limit leaves those of the steps after it.
r_sanitizer=$(( skip_sanitizer ? 0 : 50 )); r_demo=20; r_st=15
r_batch=$(( skip_batch ? 0 : 90 )); r_bench=$(( skip_bench ? 0 : 120 ))
[ -z "$quick" ] && r_sanitizer=0 r_demo=0 r_st=0 r_batch=0 r_bench=0
# limit CAP RESERVE_AFTER: the cap, cut to what is left of the budget less the later steps' reserves (at least 10 s)
limit() {
  local left=$(( budget - ($(date +%s) - t0) - $2 ))
  [ "$left" -lt 10 ] && left=10
  [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}
table=()
# row STEP RC LIMIT SECONDS NOTE: one line of the step table; rc 124/137 = stopped by its time limit
row() {
  local verdict
  case $2 in
    skipped) verdict="skipped" ;;
    0) verdict="ok" ;;
    124|137) verdict="CUT OFF at its limit" ;;
    none) verdict="NONE RAN ON A GPU" ;;
    *) verdict="FAILED (rc $2)" ;;
  esac
  table+=("$(printf '%-26s %-22s %5s s of %4s s  %s' "$1" "$verdict" "$4" "$3" "$5")")
}
# run_step NAME LIMIT LOGFILE COMMAND...: runs it under timeout; sets step_rc and step_s
run_step() {
  local name=$1 lim=$2 file=$3 s
  shift 3
  stamp "$name (limit ${lim} s)"
  s=$(date +%s)
  timeout -k 15 "$lim" "$@" > "$file" 2>&1 # -k: a step that ignores SIGTERM (a hung CUDA call) is killed
  step_rc=$?
  step_s=$(( $(date +%s) - s ))
}

stamp "GPU and versions"
{ if command -v nvidia-smi >/dev/null; then
    timeout -k 5 30 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  else echo "nvidia-smi: not on this host"; fi
  timeout -k 5 30 "$dist/bin/gpu-sr" --version; timeout -k 5 30 "$dist/bin/gpu-sr" devices; } > "$log/devices.txt" 2>&1
# gpu-sr's own verdict: without a usable device every GPU test is skipped and every GPU step fails; say so first
no_gpu=$(grep -m 1 -o 'No usable CUDA device: .*' "$log/devices.txt")
[ -n "$no_gpu" ] && stamp "NO GPU on this host ($no_gpu): the GPU steps below cannot pass here"

if [ $skip_tests = 0 ]; then
  lim=$(limit "${TESTS_TIMEOUT:-150}" $(( r_sanitizer + r_demo + r_st + r_batch + r_bench )))
  run_step "GPU test suite" "$lim" "$log/gpu-tests.log" \
    "$dist/bin/gpu-sr-gpu-tests" --include-tag gpu --details=tree --disable-ansi-colors
  counts=$(grep -oE '^\[ +[0-9]+ tests (found|successful|failed|aborted)' "$log/gpu-tests.log" | tr -s ' ' | sed 's/^\[ //; s/ tests//' | paste -sd, -)
  # cut off: the launcher printed no totals (it prints its tree and counts at the end); what the log shows
  [ -z "$counts" ] && counts="no totals (the launcher reports at the end); $(grep -cE '✔|\[OK\]' "$log/gpu-tests.log") passed, $(grep -cE '✘|\[X\]' "$log/gpu-tests.log") failed in the log"
  # every test skipped (no device) exits 0 too: that is not a pass
  ran=$(grep -oE '^\[ +[0-9]+ tests successful' "$log/gpu-tests.log" | grep -oE '[0-9]+' || echo 0)
  [ "$step_rc" = 0 ] && [ "${ran:-0}" -eq 0 ] && step_rc=none
  row "GPU tests" "$step_rc" "$lim" "$step_s" "$counts"
else
  row "GPU tests" skipped - 0 "--skip-tests"
fi

if [ $skip_sanitizer = 0 ]; then
  sanitizer=$(command -v compute-sanitizer 2>/dev/null || ls -d "${CUDA_HOME:-/nonexistent}/bin/compute-sanitizer" \
    /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda-*/bin/compute-sanitizer 2>/dev/null | head -n 1)
  if [ -z "$sanitizer" ] || [ ! -x "$sanitizer" ]; then
    stamp "compute-sanitizer: not on this host (PATH, CUDA_HOME/bin, /usr/local/cuda*/bin): skipped"
    row "compute-sanitizer" skipped - 0 "not on this host"
  else
    r_left=$r_sanitizer
    for tool in memcheck racecheck; do
      cap=$([ $tool = memcheck ] && echo "${SANITIZER_TIMEOUT:-30}" || echo "$(( ${SANITIZER_TIMEOUT:-30} * 2 / 3 ))")
      r_left=$(( r_left - cap )); [ $r_left -lt 0 ] && r_left=0
      lim=$(limit "$cap" $(( r_left + r_demo + r_st + r_batch + r_bench )))
      run_step "compute-sanitizer $tool" "$lim" \
        "$log/sanitizer-$tool.log" "$sanitizer" --tool "$tool" --target-processes all --error-exitcode 86 \
        --print-limit 100 "$dist/bin/gpu-sr-gpu-tests" --include-tag gpu \
        --include-classname "${SANITIZER_TESTS:-.*\.CudaKernelsTest}" --disable-ansi-colors
      passed=$(grep -oE '^\[ +[0-9]+ tests successful' "$log/sanitizer-$tool.log" | grep -oE '[0-9]+' || echo 0)
      findings=$(grep -cE '^=+ (Invalid|Race|Error|Program hit|Uninitialized|Leaked)' "$log/sanitizer-$tool.log")
      case $step_rc in
        0) note=$([ "${passed:-0}" -gt 0 ] && echo "clean, $passed tests" || echo "no test ran on a GPU") ;;
        86) note="ERRORS: $findings reports" ;;
        124|137) note="$(grep -cE '✔|\[OK\]' "$log/sanitizer-$tool.log") tests done, $findings reports before the cut" ;;
        *) note="tests failed or did not run" ;;
      esac
      grep -q "Device not supported" "$log/sanitizer-$tool.log" &&
        note="not run: the device is not supported here ('Device not supported', as under gVisor)"
      row "sanitizer $tool" "$step_rc" "$lim" "$step_s" "$note"
    done
  fi
else
  row "compute-sanitizer" skipped - 0 "--skip-sanitizer"
fi

lim=$(limit 20 $(( r_st + r_batch + r_bench )))
run_step "demo on GPU 0" "$lim" "$log/demo.log" "$dist/bin/gpu-sr" demo --device 0 -o "$out/demo"
row "demo" "$step_rc" "$lim" "$step_s" "$(tail -n 1 "$log/demo.log" | cut -c1-70)"

lim=$(limit 15 $(( r_batch + r_bench )))
run_step "model files in Python's safetensors and PyTorch" "$lim" "$log/safetensors.log" \
  env -u LD_LIBRARY_PATH python3 "$root/benchmarks/peer/check_safetensors.py" \
  "$root"/java/src/main/resources/dev/gpusr/models/*.safetensors
row "safetensors in Python" "$step_rc" "$lim" "$step_s" "$(tail -n 1 "$log/safetensors.log" | cut -c1-70)"

if [ $skip_batch = 0 ]; then
  sources=()
  [ -d "$sources_dir" ] && sources=(--sources "$sources_dir")
  # a third side with the opt-in device-resident pixel path (GPUSR_CUDA_PIXELS=device: two images in flight per
  # worker, upload, compute and download overlapped) where this build has it; BATCH_SERIAL=1 adds a fourth side with
  # one image at a time (GPUSR_CUDA_PIXELS=device-serial), to see what the overlap gives
  variant=()
  grep -rq GPUSR_CUDA_PIXELS "$root/java/src/main/java" 2>/dev/null && variant=(--variant "gpu-sr device pixels:GPUSR_CUDA_PIXELS=device")
  if [ "${BATCH_SERIAL:-0}" = 1 ] && grep -rq device-serial "$root/java/src/main/java" 2>/dev/null; then
    variant+=(--variant "gpu-sr device pixels serial:GPUSR_CUDA_PIXELS=device-serial")
  fi
  lim=$(limit "${BATCH_TIMEOUT:-120}" "$r_bench")
  run_step "batch: ${BATCH_N:-32} 720p PNG photos x2 beside the peer, ${BATCH_RUNS:-3} runs" "$lim" "$log/batch.log" \
    python3 "$root/benchmarks/batch/run.py" --n "${BATCH_N:-32}" --runs "${BATCH_RUNS:-3}" --device 0 \
    --gpu-sr "$dist/bin/gpu-sr" --python python3 --results "$out" --name batch --deadline-s $(( lim - 8 )) \
    ${sources[@]+"${sources[@]}"} ${variant[@]+"${variant[@]}"} # empty arrays: no 'unbound variable' on bash < 4.4
  done_runs=$(cat "$out/batch/rows.jsonl" 2>/dev/null | grep '"side": "peer"' | grep -vc '"problem"')
  row "batch beside the peer" "$step_rc" "$lim" "$step_s" \
    "$done_runs of ${BATCH_RUNS:-3} runs, ${BATCH_N:-32} images$(grep -m1 -oE 'cut_short: .*' "$out/batch/summary.txt" 2>/dev/null | sed 's/^/; /')"
else
  row "batch beside the peer" skipped - 0 "--skip-batch"
fi

if [ $skip_bench = 0 ]; then
  bench_cap=${BENCH_TIMEOUT:-$([ -n "$quick" ] && echo 200 || echo 1800)}
  lim=$(limit "$bench_cap" 0)
  run_step "kernel benchmarks beside PyTorch (${quick:-full})" "$lim" "$log/bench.log" \
    "$root/benchmarks/peer/side_by_side.sh" "$dist/bin/gpu-sr" $quick --out "$out/bench" --deadline "$lim"
  skipped_rows=$(cat "$out/bench/torch.txt" 2>/dev/null | grep -ciE 'time budget|skipped')
  row "kernel bench (${quick:-full})" "$step_rc" "$lim" "$step_s" \
    "$([ -s "$out/bench/compare.txt" ] && echo "ratios in bench/compare.txt" || echo "no ratios"); $skipped_rows peer rows skipped for time"
else
  row "kernel bench" skipped - 0 "--skip-bench"
fi
stamp "done"

{
  [ -n "$no_gpu" ] && echo "==== NO GPU on this host: $no_gpu"
  echo "==== devices"; cat "$log/devices.txt"
  echo "==== GPU tests"
  if [ -f "$log/gpu-tests.log" ]; then
    grep -E '^\[ +[0-9]+ tests (found|successful|skipped|failed|aborted)' "$log/gpu-tests.log"
    grep -E '\[gpu-sr\]' "$log/gpu-tests.log" | head -40
    awk '/^Failures \(/{p=1} p' "$log/gpu-tests.log" | grep -vE '^\s+(org\.junit|java\.base|jdk\.internal)' | head -80
  fi
  echo "==== compute-sanitizer on the kernel tests"
  for f in "$log"/sanitizer-*.log; do
    [ -f "$f" ] || continue
    echo "-- $(basename "$f")"
    grep -E '^(=+ )?ERROR SUMMARY|^\[ +[0-9]+ tests (found|successful|aborted|failed)' "$f"
    grep -m 20 -E '^=+ (Invalid|Race|Error|Program hit|Uninitialized|Leaked)' "$f"
  done
  echo "==== demo"; tail -8 "$log/demo.log"
  echo "==== safetensors interop"; tail -5 "$log/safetensors.log"
  echo "==== batch, files to files"
  [ -f "$out/batch/summary.txt" ] && cat "$out/batch/summary.txt" || tail -15 "$log/batch.log" 2>/dev/null
  echo "(rows: $out/batch/rows.jsonl; copy the folder to benchmarks/results/<card>-<date>-batch to publish it)"
  echo "==== bench"
  [ -f "$out/bench/compare.txt" ] && cat "$out/bench/compare.txt" || tail -40 "$log/bench.log" 2>/dev/null
  echo "==== steps (budget ${budget} s, whole run $(( $(date +%s) - t0 )) s)"
  printf '%-26s %-22s %15s  %s\n' "step" "result" "time of limit" "what"
  printf '%s\n' "${table[@]}"
} > "$out/summary.txt" 2>&1
tar -C "$out" --exclude=./all.tgz -czf "$out/../gpu-check-all.tgz" . 2>/dev/null && mv "$out/../gpu-check-all.tgz" "$out/all.tgz"
cat "$out/summary.txt"
status=0
for r in "${table[@]}"; do
  case $r in *FAILED*|*"CUT OFF"*|*"NONE RAN"*) status=1 ;; esac
done
[ -n "$no_gpu" ] && { echo "gpu-check.sh: NO GPU on this host ($no_gpu); exit 3" >&2; status=3; }
exit $status
