#!/usr/bin/env bash
# The CPU engine against PyTorch's CPU path on the same machine, in one run: `gpu-sr bench --only cpu` (with this
# checkout's jar, and with an earlier jar when given, for before/after), then benchmarks/peer/srcnn_torch_cpu.py
# --large, with the machine's load (uptime) recorded before and after each. ROUNDS=N (default 1) repeats that
# sequence N times, interleaved, into files with a -1 .. -N suffix, so that a loaded machine's drift hits every side
# alike; benchmarks/peer/cpu_summary.py then writes summary.md (min / median / max over the rounds of each row's
# median). Writes a new folder benchmarks/results/<machine>-<date>-<name>[-N]/ (never overwrites one) whose
# source.txt names the commit, local changes and the sha256 of each script.
# Usage: [ROUNDS=N] benchmarks/cpu-vs-torch.sh MACHINE PYTHON_WITH_TORCH [BEFORE_JAR_AND_LIB_DIR] [THREADS] [NAME]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: [ROUNDS=N] cpu-vs-torch.sh MACHINE PYTHON [BEFORE_DIR] [THREADS] [NAME]"
machine=${1:?$usage}
python=${2:?$usage}
before=${3:-}
threads=${4:-2}
name=${5:-cpu-vs-torch}
rounds=${ROUNDS:-1}
base="$root/benchmarks/results/$machine-$(date -u +%Y-%m-%d)-$name"
out=$base
n=1
while [ -e "$out" ]; do n=$((n + 1)); out="$base-$n"; done
mkdir -p "$out"
scripts=(benchmarks/cpu-vs-torch.sh benchmarks/peer/srcnn_torch_cpu.py benchmarks/peer/srcnn_torch.py
  benchmarks/peer/cpu_summary.py)
{ echo "commit $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "local changes: $([ -n "$(git -C "$root" status --porcelain -- java benchmarks ':!benchmarks/results' 2>/dev/null)" ] && echo yes || echo no)"
  [ -n "$before" ] && echo "before: $(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1) sha256 $(sha256sum "$(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1)" | cut -d' ' -f1)"
  (cd "$root" && sha256sum "${scripts[@]}" | sed 's/^/sha256 /')
} > "$out/source.txt"
"$root/gpu-sr" --version > /dev/null # builds the jar first if needed
jar=$(ls "$root"/java/target/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -n 1)
{
  echo "machine: $machine; $(nproc) processors; $(lscpu | sed -n 's/^Model name: *//p')"
  echo "java: $(java -version 2>&1 | head -1); torch: $("$python" -c 'import torch; print(torch.__version__)')"
  echo "threads: gpu-sr uses all $(nproc) processors; PyTorch set_num_threads($threads)"
} > "$out/machine.txt"
load() { echo "$(date -u +%H:%M:%S) $1: $(uptime | sed 's/.*load average/load average/')" >> "$out/load.txt"; }
load "start"
for i in $(seq "$rounds"); do
  sfx=$([ "$rounds" -gt 1 ] && echo "-$i" || true)
  if [ -n "$before" ]; then
    java -Djava.awt.headless=true -cp "$(ls "$before"/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -1):$before/lib/*" \
        dev.gpusr.cli.Main bench --only cpu --json "$out/gpu-sr-before$sfx.json" > "$out/gpu-sr-before$sfx.txt" 2>&1
    load "after gpu-sr (before)$sfx"
  fi
  java -Djava.awt.headless=true -cp "$jar:$root/java/target/lib/*" dev.gpusr.cli.Main bench --only cpu \
      --json "$out/gpu-sr$sfx.json" > "$out/gpu-sr$sfx.txt" 2>&1
  load "after gpu-sr$sfx"
  "$python" "$root/benchmarks/peer/srcnn_torch_cpu.py" --threads "$threads" --large --json "$out/torch$sfx.json" \
      > "$out/torch$sfx.txt" 2>&1
  load "after torch$sfx"
done
python3 "$root/benchmarks/peer/cpu_summary.py" "$out" > "$out/summary.md"
echo "results in $out"
