#!/usr/bin/env bash
# How fill-time.txt was made (2026-11-29): FillBench against the gpu-sr of f9c36f8 (/work/train-run/app7/lib, the dist
# the shipped models were trained with) and with the classes of 6032086 (java/target/classes) in front of it.
set -euo pipefail
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
$J/javac -d "$work" -cp "/work/main/java/target/classes:/work/train-run/app7/lib/*" "$here/FillBench.java"
for cp in "/work/train-run/app7/lib/*" "/work/main/java/target/classes:/work/train-run/app7/lib/*"; do
  echo "== classpath $cp"
  $J/java -cp "$work:$cp" FillBench 3 2>&1
done
