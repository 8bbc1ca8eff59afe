#!/usr/bin/env bash
set -euo pipefail
echo "[gpu-sr] dist: mode=$1 (not yet)"
