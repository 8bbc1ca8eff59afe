#!/usr/bin/env bash
# The CPU engine against PyTorch's CPU path on the same machine, in one run: `gpu-sr bench --only cpu` (with this
# checkout's jar, and with an earlier jar when given, for before/after), then benchmarks/peer/srcnn_torch_cpu.py
# --large, with the machine's load (uptime) recorded before and after each. ROUNDS=N (default 1) repeats that
# sequence N times, interleaved, into files with a -1 .. -N suffix, so that a loaded machine's drift hits every side
# alike; benchmarks/peer/cpu_summary.py then writes summary.md (min / median / max over the rounds of each row's
# median). CPU_TIME=1 times both sides by the CPU time of one thread instead (dev.gpusr.cpu.CpuTimeBenchmark from the
# test classes, with the earlier jar first on the class path for "before", and srcnn_torch_cpu.py --cpu-time): what a
# shared, loaded machine cannot spoil as much as the wall clock of two threads. Writes a new folder
# benchmarks/results/<machine>-<date>-<name>[-N]/ (never overwrites one) whose source.txt names the commit, local
# changes and the sha256 of each script.
# JAVA=PATH runs both gpu-sr jars on that java instead of the one ./gpu-sr picks (the newest Java 17+ found:
# java/src/dist/pick-jdk.sh); machine.txt names it.
# Usage: [ROUNDS=N] [JAVA=PATH] benchmarks/cpu-vs-torch.sh MACHINE PYTHON_WITH_TORCH [BEFORE_JAR_AND_LIB_DIR] [THREADS] [NAME]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: [ROUNDS=N] [JAVA=PATH] cpu-vs-torch.sh MACHINE PYTHON [BEFORE_DIR] [THREADS] [NAME]"
machine=${1:?$usage}
python=${2:?$usage}
before=${3:-}
threads=${4:-2}
name=${5:-cpu-vs-torch}
rounds=${ROUNDS:-1}
cpu_time=${CPU_TIME:-0}
java=${JAVA:-}
if [ -z "$java" ]; then
  path_home=
  command -v java >/dev/null 2>&1 && path_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  if home=$("${BASH:-bash}" "$root/java/src/dist/pick-jdk.sh" java ${path_home:+"$path_home"}); then java=$home/bin/java; else java=java; fi
fi
base="$root/benchmarks/results/$machine-$(date -u +%Y-%m-%d)-$name"
out=$base
n=1
while [ -e "$out" ]; do n=$((n + 1)); out="$base-$n"; done
mkdir -p "$out"
scripts=(benchmarks/cpu-vs-torch.sh benchmarks/peer/srcnn_torch_cpu.py benchmarks/peer/srcnn_torch.py
  benchmarks/peer/cpu_summary.py java/src/test/java/dev/gpusr/cpu/CpuTimeBenchmark.java)
{ echo "commit $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "local changes: $([ -n "$(git -C "$root" status --porcelain -- java benchmarks ':!benchmarks/results' 2>/dev/null)" ] && echo yes || echo no)"
  [ -n "$before" ] && echo "before: $(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1) sha256 $(sha256sum "$(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1)" | cut -d' ' -f1)"
  (cd "$root" && sha256sum "${scripts[@]}" | sed 's/^/sha256 /')
} > "$out/source.txt"
"$root/gpu-sr" --version > /dev/null # builds the jar first if needed
jar=$(ls "$root"/java/target/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -n 1)
if [ "$cpu_time" = 1 ] && [ ! -f "$root/java/target/test-classes/dev/gpusr/cpu/CpuTimeBenchmark.class" ]; then
  (cd "$root" && mvn -B -q -ntp -pl java test-compile -Dgpusr.kernels=skip -Dgpusr.dist=skip)
fi
# the CPU engine's vector kernels, as the launchers run it (an earlier jar without them ignores the module); native
# access as the launchers allow it (JDK 24+ warns without)
vector="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
# one side of a round: bench --only cpu (wall clock, all processors) or CpuTimeBenchmark (CPU time, one thread)
gpusr() { # CLASSPATH JSON TXT
  if [ "$cpu_time" = 1 ]; then
    "$java" -Djava.awt.headless=true $vector -cp "$1:$root/java/target/test-classes" dev.gpusr.cpu.CpuTimeBenchmark \
        --json "$2" > "$3" 2>&1
  else
    "$java" -Djava.awt.headless=true $vector -cp "$1" dev.gpusr.cli.Main bench --only cpu --json "$2" > "$3" 2>&1
  fi
}
torch_args=(--threads "$threads" --large)
[ "$cpu_time" = 1 ] && torch_args=(--cpu-time --large)
{
  echo "machine: $machine; $(nproc) processors; $(lscpu | sed -n 's/^Model name: *//p')"
  echo "java: $("$java" -version 2>&1 | head -1) ($java); torch: $("$python" -c 'import torch; print(torch.__version__)')"
  if [ "$cpu_time" = 1 ]; then
    echo "clock: the CPU time of the calling thread, one thread on each side (gpu-sr CpuSrcnn(weights, 1), PyTorch set_num_threads(1))"
  else
    echo "threads: gpu-sr uses all $(nproc) processors; PyTorch set_num_threads($threads)"
  fi
  echo "java options: $vector"
} > "$out/machine.txt"
load() { echo "$(date -u +%H:%M:%S) $1: $(uptime | sed 's/.*load average/load average/')" >> "$out/load.txt"; }
load "start"
for i in $(seq "$rounds"); do
  sfx=$([ "$rounds" -gt 1 ] && echo "-$i" || true)
  if [ -n "$before" ]; then
    gpusr "$(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1):$before/lib/*" \
        "$out/gpu-sr-before$sfx.json" "$out/gpu-sr-before$sfx.txt"
    load "after gpu-sr (before)$sfx"
  fi
  gpusr "$jar:$root/java/target/lib/*" "$out/gpu-sr$sfx.json" "$out/gpu-sr$sfx.txt"
  load "after gpu-sr$sfx"
  # the same warm-up as gpu-sr's rows: its report's cpu_warmup_ms (CpuTimeBenchmark counts warm-up runs only: 0 s)
  if [ "$cpu_time" = 1 ]; then
    warmup_s=0
  else
    warmup_s=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["environment"]["cpu_warmup_ms"] / 1000)' \
        "$out/gpu-sr$sfx.json")
  fi
  "$python" "$root/benchmarks/peer/srcnn_torch_cpu.py" "${torch_args[@]}" --warmup-s "$warmup_s" \
      --json "$out/torch$sfx.json" \
      > "$out/torch$sfx.txt" 2>&1
  load "after torch$sfx"
done
python3 "$root/benchmarks/peer/cpu_summary.py" "$out" > "$out/summary.md"
echo "results in $out"
