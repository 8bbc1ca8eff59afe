#!/usr/bin/env bash
# Placeholder until the CUDA kernels land: honours skip/auto/require.
set -euo pipefail
mode=${1:-auto}
echo "[gpu-sr] kernels: mode=$mode (no kernels yet)"
