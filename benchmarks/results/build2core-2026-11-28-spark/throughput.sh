#!/usr/bin/env bash
# Throughput check of the Spark job in local mode: the same photos upscaled at local[1] and local[2], SRCNN x2 on
# the CPU engine and --method bicubic x2 (the host-side work alone: decode, colour, resampling, encode). The job's
# main class runs in a plain JVM with Spark's jars on the classpath (Spark's distribution is not on Maven Central, so
# there is no spark-submit here); the master comes from -Dspark.master.
#
#   spark/scripts/throughput.sh OUT_DIR [REPEATS]      (photos: apt-get install -y opencv-doc)
#
# Writes OUT_DIR/runs.tsv (one line per run), OUT_DIR/<run>.log (the job's stderr) and OUT_DIR/env.txt.
set -euo pipefail
out=${1:?usage: throughput.sh OUT_DIR [REPEATS]}
repeats=${2:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
photos=/usr/share/doc/opencv-doc/examples/data
names="apple.jpg baboon.jpg board.jpg building.jpg butterfly.jpg fruits.jpg home.jpg messi5.jpg orange.jpg
 squirrel_cls.jpg leuvenA.jpg leuvenB.jpg aloeL.jpg aloeR.jpg ela_original.jpg aero1.jpg aero3.jpg graf1.png graf3.png
 rubberwhale1.png rubberwhale2.png chicky_512.png basketball1.png smarties.png"
[ -d "$photos" ] || { echo "no $photos: apt-get install -y opencv-doc" >&2; exit 2; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for n in $names; do cp "$photos/$n" "$work/in/"; done

cd "$here"
jar=spark/target/gpu-sr-spark-0.1.0.jar
mvn -B -ntp -q -pl spark -am -DskipTests -Dgpusr.kernels=skip -Dgpusr.dist=skip package dependency:build-classpath \
    -DexcludeGroupIds=dev.gpusr -Dmdep.outputFile=target/classpath.txt >/dev/null
cp=$(cat spark/target/classpath.txt)
# the --add-opens list spark-submit would add (from the module's pom)
opts=$(python3 -c "import re; print(' '.join(re.search(r'<spark.java.options>(.*?)</spark.java.options>',
    open('spark/pom.xml').read(), re.S).group(1).split()))")

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "spark: $(basename "$(tr ':' '\n' <<<"$cp" | grep -m1 'spark-core')")"
  echo "inputs: $(ls "$work/in" | wc -l) files, $(du -sb "$work/in" | cut -f1) bytes, from $photos"
  for n in $names; do echo "  $n $(stat -c %s "$work/in/$n")"; done
} > "$out/env.txt"

printf 'run\tmaster\tmethod\trepeat\tok\tfailed\tskipped\tjob_s\timages_per_s\tjvm_wall_s\tload1_before\tload1_after\tout_bytes\n' > "$out/runs.tsv"
for rep in $(seq 1 "$repeats"); do
  for method in srcnn bicubic; do
    for cores in 1 2; do
      run="local${cores}-${method}-${rep}"
      margs=(-m x2); [ "$method" = bicubic ] && margs=(--method bicubic -s 2)
      load_before=$(cut -d' ' -f1 /proc/loadavg)
      t0=$(date +%s.%N)
      # shellcheck disable=SC2086
      java -Xmx4g $opts -Dspark.master="local[$cores]" -Dspark.ui.enabled=false -cp "$jar:$cp" \
          dev.gpusr.spark.UpscaleJob "$work/in" -o "$work/out-$run" --device cpu "${margs[@]}" \
          >"$out/$run.log" 2>&1 || true
      t1=$(date +%s.%N)
      load_after=$(cut -d' ' -f1 /proc/loadavg)
      line=$(grep -m1 -E 'ok, [0-9]+ failed' "$out/$run.log" || echo "")
      ok=$(sed -E 's/.*: ([0-9]+) ok.*/\1/' <<<"$line")
      failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
      skipped=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
      secs=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line")
      ips=$(sed -E 's/.*\(([0-9.]+) images\/s\).*/\1/' <<<"$line")
      bytes=$(du -sb --exclude=_gpu-sr-runs "$work/out-$run" | cut -f1)
      printf '%s\tlocal[%s]\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\n' "$run" "$cores" "$method" "$rep" "$ok" \
          "$failed" "$skipped" "$secs" "$ips" "$(echo "$t1 - $t0" | bc)" "$load_before" "$load_after" "$bytes" \
          | tee -a "$out/runs.tsv"
      rm -rf "$work/out-$run"
    done
  done
done
