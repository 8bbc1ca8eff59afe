#!/usr/bin/env bash
# Prints the home of the Java that gpu-sr should run on: the newest Java 17+ that has bin/TOOL and the
# jdk.incubator.vector module, among the homes given as arguments, $JAVA_HOME and the homes in the folders of
# GPUSR_JDK_DIRS (colon-separated; default /usr/lib/jvm). Exits 1 when there is none. Used by ./gpu-sr (TOOL java: the java that runs gpu-sr) and make-dist.sh (TOOL jlink: the JDK the
# self-contained folder's runtime is linked from).
#
# Why the newest: JDK 17's C2 sometimes compiles the CPU engine's vector kernels without their intrinsics, and that
# JVM then trains 1.4-3x slower until it exits; Temurin 25 never did in 30 JVMs
# (benchmarks/results/xeon2core-2026-11-28-winograd4x4-tries/README.md).
#
# Usage: pick-jdk.sh TOOL [HOME...]. Reads each home's release file (JAVA_VERSION, MODULES); starts no JVM. Of two
# equal versions the home named first wins; an early-access build (JAVA_VERSION="25-ea") loses to its release.
set -euo pipefail
tool=${1:?usage: pick-jdk.sh java|jlink [HOME...]}
shift
best= best_version=
IFS=: read -r -a dirs <<< "${GPUSR_JDK_DIRS:-/usr/lib/jvm}"
homes=("$@")
[ -n "${JAVA_HOME:-}" ] && homes+=("$JAVA_HOME")
for dir in "${dirs[@]}"; do
  [ -n "$dir" ] && homes+=("$dir"/*)
done
for home in "${homes[@]}"; do
  [ -d "$home" ] || continue
  home=$(readlink -f "$home")
  release="$home/release"
  [ -x "$home/bin/$tool" ] && [ -f "$release" ] || continue
  grep -q '^MODULES=.*\bjdk\.incubator\.vector\b' "$release" || continue
  # JAVA_VERSION="25.0.3", "17" or "25-ea"; as "25~ea" an early-access build sorts below the release (sort -V)
  version=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9A-Za-z.+-]*\)".*/\1/p' "$release" | head -n 1 | tr - '~')
  major=${version%%[!0-9]*}
  [ -n "$major" ] && [ "$major" -ge 17 ] || continue
  # strictly newer only: of two equal versions the one named first wins (the caller's own JDK comes first)
  if [ -z "$best" ] || { [ "$version" != "$best_version" ] &&
      [ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -n 1)" = "$version" ]; }; then
    best=$home best_version=$version
  fi
done
[ -n "$best" ] || exit 1
echo "$best"
