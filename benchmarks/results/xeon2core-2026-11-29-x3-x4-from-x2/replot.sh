#!/usr/bin/env bash
# docs/models' curves of the bundled models, drawn from the committed metrics files by TrainingPlot as of this session
# (three significant digits on the loss axis); run from the repository root after mvn compile.
set -euo pipefail
here=benchmarks/results/xeon2core-2026-11-29-x3-x4-from-x2
x2=benchmarks/results/xeon2core-2026-11-28-x2-scratch-955
cp="java/target/classes:$(ls java/target/lib/*.jar 2>/dev/null | tr '\n' ':')"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
javac -d "$work" -cp "$cp" "$here/Replot.java"
plot() { java -Djava.awt.headless=true -cp "$work:$cp" Replot "$1" "$2" "gpu-sr train: SRCNN 9-5-5 n1=64 n2=32 c=1 (y) x$3"; echo "$2"; }
plot $here/x3-from-x2/metrics.jsonl docs/models/training-x3-from-x2.png 3
plot $here/x3-cycle2/metrics.jsonl docs/models/training-x3-cycle2.png 3
plot $here/x4-from-x3/metrics.jsonl docs/models/training-x4-from-x3.png 4
plot $x2/x2sc/metrics.jsonl docs/models/training-x2-scratch.png 2
plot $x2/x2sc2/metrics.jsonl docs/models/training-x2-restart.png 2
