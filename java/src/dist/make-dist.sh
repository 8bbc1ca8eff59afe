#!/usr/bin/env bash
# Makes target/dist/gpu-sr: a self-contained folder (jlink runtime + jars + bin/gpu-sr) that runs on a machine with
# no JDK and no Maven, e.g. a GPU server. Also holds the test jar and the JUnit console launcher so the GPU suite can
# run there (bin/gpu-sr-gpu-tests). Called by Maven in the package phase: make-dist.sh MODE TARGET_DIR FINAL_NAME.
set -euo pipefail
mode=$1 target=$2 name=$3
if [ "$mode" = skip ]; then
  echo "[gpu-sr] dist: skipped (-Dgpusr.dist=skip)"
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
dist="$target/dist/gpu-sr"
# The runtime is linked from GPUSR_RUNTIME_JDK when set, else from the newest JDK 17+ with jlink and the vector module
# among the build's own, JAVA_HOME and the JDKs in GPUSR_JDK_DIRS (default /usr/lib/jvm; pick-jdk.sh says why the
# newest). The jars are Java 17 class files.
build_jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
if [ -n "${GPUSR_RUNTIME_JDK:-}" ]; then
  # the same test as for the JDKs found, on this one home alone
  if ! java_home=$(GPUSR_JDK_DIRS=/nonexistent JAVA_HOME= "${BASH:-bash}" "$here/pick-jdk.sh" jlink "$GPUSR_RUNTIME_JDK"); then
    echo "[gpu-sr] dist: GPUSR_RUNTIME_JDK=$GPUSR_RUNTIME_JDK is not a JDK 17+ with bin/jlink and jdk.incubator.vector" >&2
    exit 1
  fi
elif ! java_home=$("${BASH:-bash}" "$here/pick-jdk.sh" jlink "$build_jdk"); then
  echo "[gpu-sr] dist: WARNING: no JDK 17+ with jlink and jdk.incubator.vector (looked at $build_jdk, JAVA_HOME and ${GPUSR_JDK_DIRS:-/usr/lib/jvm}); the self-contained folder is not built" >&2
  exit 0
fi
jlink="$java_home/bin/jlink"
java_version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)
# The runtime's modules image stays uncompressed: the folder travels to a GPU host as a gzip archive, and gzip packs
# the plain image (61 MB) into 19 MB where jlink's own compression leaves 26 MB that gzip cannot shrink (the archive
# 40 MiB instead of 47, the folder on disk about 100 MiB instead of 69); a plain image also starts a little faster.
# (--compress=0 is deprecated from JDK 21 on, where zip-0 says the same.)
compress=0
[ "${java_version:-17}" -ge 21 ] && compress=zip-0
mkdir -p "$dist/bin" "$dist/lib" "$dist/test"
# The runtime only changes with the JDK: keep it between builds.
# java.sql: sqlite-jdbc (mos) and TwelveMonkeys common-lang (StringUtil links java.sql.Timestamp);
# jdk.incubator.vector: the CPU engine's vector kernels (bin/gpu-sr adds it with --add-modules)
modules=java.base,java.logging,java.desktop,java.management,jdk.unsupported,jdk.zipfs,java.sql,jdk.httpserver,jdk.incubator.vector
if [ ! -x "$dist/runtime/bin/java" ] || [ "$(cat "$dist/runtime/.jdk" 2>/dev/null)" != "$java_home $modules $compress" ]; then
  rm -rf "$dist/runtime"
  echo "[gpu-sr] dist: jlink runtime from $java_home (Java ${java_version:-?})"
  "$jlink" --add-modules "$modules" \
    --strip-debug --no-man-pages --no-header-files --compress=$compress --output "$dist/runtime"
  strip --strip-unneeded "$dist/runtime/lib/server/libjvm.so" "$dist/runtime"/lib/*.so 2>/dev/null || true
  echo "$java_home $modules $compress" > "$dist/runtime/.jdk"
fi
# Debian's JDK links its JPEG and colour-management code against system libraries a bare GPU server may lack
# (libjpeg.so.62, liblcms2.so.2); the runtime's libraries look in their own folder first (RPATH $ORIGIN).
for lib in libjavajpeg.so liblcms.so; do
  # (a runtime that bundles its own, as Temurin's does, links neither: nothing to copy)
  { ldd "$dist/runtime/lib/$lib" 2>/dev/null || true; } | awk '/=> \// {print $3}' |
    { grep -E '/(libjpeg|liblcms2)\.so' || true; } | while read -r dep; do
      case $(readlink -f "$dep") in "$(readlink -f "$dist")"/*) continue ;; esac # already carried
      cp -L "$dep" "$dist/runtime/lib/$(basename "$dep")"
    done
done
rm -f "$dist"/lib/*.jar "$dist"/test/*.jar
cp "$target/$name.jar" "$dist/lib/gpu-sr.jar"
cp "$target"/lib/*.jar "$dist/lib/"
# The folder must travel to a GPU host whole (the device tool carries at most 64 MiB with the repository): drop
# natives that no x86-64 Linux run of gpu-sr loads -- sqlite-jdbc's builds for other systems (11 MB) and JCuda's PTX
# compiler (24 MB unpacked; gpu-sr loads a prebuilt fatbin).
slim_jar() { # JAR KEEP_REGEX DROP_REGEX: rewrite JAR without the entries matching DROP_REGEX unless they match KEEP_REGEX
  python3 - "$@" <<'PY' || echo "[gpu-sr] dist: WARNING: could not slim $1 (python3 missing?); the folder is larger" >&2
import re, shutil, sys, zipfile
jar, keep, drop = sys.argv[1], re.compile(sys.argv[2]), re.compile(sys.argv[3])
tmp = jar + ".slim"
with zipfile.ZipFile(jar) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if drop.search(item.filename) and not keep.search(item.filename):
            continue
        dst.writestr(item, src.read(item.filename))
shutil.move(tmp, jar)
PY
}
for jar in "$dist"/lib/sqlite-jdbc-*.jar; do
  [ -f "$jar" ] && slim_jar "$jar" '^org/sqlite/native/Linux/x86_64/' '^org/sqlite/native/.'
done
for jar in "$dist"/lib/jcuda-natives-*.jar; do
  [ -f "$jar" ] && slim_jar "$jar" '^$' 'libJNvPTXCompiler'
done
cp "$target/$name-tests.jar" "$dist/test/gpu-sr-tests.jar"
cp "$target"/test-lib/*.jar "$dist/test/"
cp "$here/bin/gpu-sr" "$here/bin/gpu-sr-gpu-tests" "$dist/bin/"
chmod +x "$dist/bin/"*
echo "[gpu-sr] dist: $dist ($(du -sh "$dist" | cut -f1))"
