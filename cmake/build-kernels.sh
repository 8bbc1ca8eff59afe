#!/usr/bin/env bash
# Builds the CUDA kernel fatbin for the jar. Called by java/pom.xml (process-resources) as
#   build-kernels.sh MODE BUILD_DIR OUT_DIR
# MODE (Maven property gpusr.kernels):
#   auto    build when nvcc and cmake are found, else warn that the jar will have no CUDA kernels
#   require fail when nvcc or cmake is missing
#   skip    do nothing
# Incremental: nvcc runs only when a kernel source or the build files are newer than the last fatbin, because
# ./gpu-sr rebuilds often. The result is OUT_DIR/gpusr_kernels.fatbin (jar resource dev/gpusr/cuda/).
set -euo pipefail

mode=${1:-auto}
build_dir=${2:-}
out_dir=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kernel_dir=$(cd "$here/../kernels" && pwd)
name=gpusr_kernels.fatbin

# shellcheck source=build-mode.sh
. "$here/build-mode.sh"
gpusr_build_mode kernels gpusr.kernels "CUDA kernels" "$mode" "$build_dir" "$out_dir" "$name"

find_nvcc() {
  if [[ -n "${CUDACXX:-}" && -x "${CUDACXX}" ]]; then echo "$CUDACXX"; return; fi
  if command -v nvcc >/dev/null 2>&1; then command -v nvcc; return; fi
  for home in "${CUDA_HOME:-}" "${CUDA_PATH:-}" /usr/local/cuda; do
    if [[ -n "$home" && -x "$home/bin/nvcc" ]]; then echo "$home/bin/nvcc"; return; fi
  done
}
nvcc=$(find_nvcc || true)
cmake_bin=$(command -v cmake || true)

if [[ -z "$nvcc" || -z "$cmake_bin" ]]; then
  missing=()
  [[ -z "$nvcc" ]] && missing+=("nvcc (CUDA toolkit 12 or 13)")
  [[ -z "$cmake_bin" ]] && missing+=("cmake (3.18 or newer)")
  what=${missing[0]}
  [[ ${#missing[@]} -gt 1 ]] && what="$what and ${missing[1]}"
  if [[ "$mode" == require ]]; then
    {
      echo "[gpu-sr] ERROR: -Dgpusr.kernels=require, but $what not found."
      echo "[gpu-sr]   Install the CUDA toolkit (nvcc on PATH, or set CUDA_HOME) and cmake, then rebuild;"
      echo "[gpu-sr]   or build a CPU-only jar with -Dgpusr.kernels=skip."
    } >&2
    exit 1
  fi
  # every line says WARNING: ./gpu-sr shows the lines of a quiet build that contain it
  {
    echo "[gpu-sr] WARNING: $what not found: this jar will have NO CUDA kernels."
    echo "[gpu-sr] WARNING:   the CPU engine works; the CUDA engine will refuse to start and say why."
    echo "[gpu-sr] WARNING:   to build the kernels: install the CUDA toolkit (nvcc on PATH, or set CUDA_HOME) and cmake, then rebuild."
    echo "[gpu-sr] WARNING:   to build without them and silence this warning: pass -Dgpusr.kernels=skip."
  } >&2
  exit 0
fi

fatbin="$build_dir/$name"
# The folder itself is compared too: adding or deleting a .cu changes its time without touching any file.
if [[ -f "$fatbin" ]] && [[ -z "$(find "$kernel_dir" "$here/CMakeLists.txt" "$here/build-kernels.sh" \
    -newer "$fatbin" -print -quit)" ]]; then
  echo "[gpu-sr] kernels: up to date ($fatbin)"
else
  echo "[gpu-sr] kernels: building with $nvcc"
  start=$SECONDS
  if ! { "$cmake_bin" -S "$here" -B "$build_dir" -DNVCC="$nvcc" -DKERNEL_DIR="$kernel_dir" >/dev/null &&
         "$cmake_bin" --build "$build_dir"; }; then
    version=$("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')
    {
      echo "[gpu-sr] ERROR: building the CUDA kernels failed (output above) with $nvcc (CUDA $version;"
      echo "[gpu-sr]   the kernels need CUDA 12 or newer). Fix the cause, or pass -Dgpusr.kernels=skip to build"
      echo "[gpu-sr]   a jar without CUDA kernels."
    } >&2
    exit 1
  fi
  # cmake leaves an output it considers current alone; touch it so the test above sees this build as newest
  touch "$fatbin"
  echo "[gpu-sr] kernels: built $(stat -c %s "$fatbin") bytes in $((SECONDS - start)) s"
fi

mkdir -p "$out_dir"
if ! cmp -s "$fatbin" "$out_dir/$name"; then
  cp "$fatbin" "$out_dir/$name"
fi
