#!/usr/bin/env bash
# Builds gpu-sr's native library (libgpusr_deflate.so: libdeflate for PNG, see native/CMakeLists.txt) into the jar.
# Called by java/pom.xml (process-classes) as
#   build-native.sh MODE BUILD_DIR OUT_DIR
# MODE (Maven property gpusr.native):
#   auto    build when cmake, a C compiler and libdeflate-dev are there, else warn: the jar then has no native
#           library and gpu-sr writes PNG with java.util.zip (saying so once per run)
#   require fail when the library cannot be built
#   skip    do nothing
# The result is OUT_DIR/libgpusr_deflate.so (jar resource dev/gpusr/image/linux-x86_64/); cmake rebuilds only what
# changed.
set -euo pipefail

mode=${1:-auto}
build_dir=${2:-}
out_dir=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=libgpusr_deflate.so

# shellcheck source=../cmake/build-mode.sh
. "$here/../cmake/build-mode.sh"
gpusr_build_mode native gpusr.native "native libdeflate" "$mode" "$build_dir" "$out_dir" "$name"

fail() { # REASON: an error under require, a warning under auto
  if [[ "$mode" == require ]]; then
    echo "[gpu-sr] ERROR: -Dgpusr.native=require, but $1." >&2
    exit 1
  fi
  # every line says WARNING: ./gpu-sr shows the lines of a quiet build that contain it
  {
    echo "[gpu-sr] WARNING: $1: this jar will have no native libdeflate;"
    echo "[gpu-sr] WARNING:   gpu-sr then writes PNG with java.util.zip (slower). Debian/Ubuntu: apt-get install cmake gcc libdeflate-dev;"
    echo "[gpu-sr] WARNING:   to build without it and silence this warning: pass -Dgpusr.native=skip."
  } >&2
  exit 0
}

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || fail "the native library is built for Linux x86-64 only, not $(uname -s)/$(uname -m)"
command -v cmake >/dev/null 2>&1 || fail "cmake not found"
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || fail "no C compiler (cc) found"
mkdir -p "$build_dir"
log="$build_dir/gpusr-build.log"
if ! cmake -S "$here" -B "$build_dir" >"$log" 2>&1; then
  # a missing tool or library (cmake's FATAL_ERROR messages name it)
  reason=$(grep -m1 -E 'not found|is needed|Could NOT|No CMAKE_C_COMPILER' "$log" | sed 's/^ *//' || true)
  fail "configuring native/ failed (${reason:-see $log})"
fi
if ! cmake --build "$build_dir" >"$log" 2>&1; then
  cat "$log" >&2
  echo "[gpu-sr] ERROR: building native/ failed (output above); fix it, or pass -Dgpusr.native=skip" >&2
  exit 1 # a compile error in gpu-sr's own C code is never only a warning
fi
mkdir -p "$out_dir"
if ! cmp -s "$build_dir/$name" "$out_dir/$name"; then
  cp "$build_dir/$name" "$out_dir/$name"
  echo "[gpu-sr] native: $out_dir/$name ($(stat -c %s "$out_dir/$name") bytes, libdeflate linked in)"
fi
