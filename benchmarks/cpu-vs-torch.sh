#!/usr/bin/env bash
# The CPU engine against PyTorch's CPU path on the same machine, in one run: `gpu-sr bench --only cpu` (with this
# checkout's jar, and with an earlier jar when given, for before/after), then benchmarks/peer/srcnn_torch_cpu.py,
# with the machine's load (uptime) recorded before and after each. Writes a new folder
# benchmarks/results/<machine>-<date>-cpu-vs-torch[-N]/ (never overwrites one).
# Usage: benchmarks/cpu-vs-torch.sh MACHINE PYTHON_WITH_TORCH [BEFORE_JAR_AND_LIB_DIR] [THREADS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
machine=${1:?usage: cpu-vs-torch.sh MACHINE PYTHON [BEFORE_DIR] [THREADS]}
python=${2:?usage: cpu-vs-torch.sh MACHINE PYTHON [BEFORE_DIR] [THREADS]}
before=${3:-}
threads=${4:-2}
base="$root/benchmarks/results/$machine-$(date -u +%Y-%m-%d)-cpu-vs-torch"
out=$base
n=1
while [ -e "$out" ]; do n=$((n + 1)); out="$base-$n"; done
mkdir -p "$out"
"$root/gpu-sr" --version > /dev/null # builds the jar first if needed
jar=$(ls "$root"/java/target/gpu-sr-*.jar | grep -v -- '-tests\.jar$' | head -n 1)
{
  echo "machine: $machine; $(nproc) processors; $(lscpu | sed -n 's/^Model name: *//p')"
  echo "java: $(java -version 2>&1 | head -1); torch: $("$python" -c 'import torch; print(torch.__version__)')"
  echo "threads: gpu-sr uses all $(nproc) processors; PyTorch set_num_threads($threads)"
} > "$out/machine.txt"
load() { echo "$(date -u +%H:%M:%S) $1: $(uptime | sed 's/.*load average/load average/')" >> "$out/load.txt"; }
load "start"
if [ -n "$before" ]; then
  java -Djava.awt.headless=true -cp "$(ls "$before"/gpu-sr-*.jar | head -1):$before/lib/*" dev.gpusr.cli.Main \
      bench --only cpu --json "$out/gpu-sr-before.json" > "$out/gpu-sr-before.txt" 2>&1
  load "after gpu-sr (before)"
fi
java -Djava.awt.headless=true -cp "$jar:$root/java/target/lib/*" dev.gpusr.cli.Main bench --only cpu \
    --json "$out/gpu-sr.json" > "$out/gpu-sr.txt" 2>&1
load "after gpu-sr"
"$python" "$root/benchmarks/peer/srcnn_torch_cpu.py" --threads "$threads" --json "$out/torch.json" > "$out/torch.txt" 2>&1
load "after torch"
echo "results in $out"
