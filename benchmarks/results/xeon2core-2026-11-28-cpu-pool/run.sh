#!/usr/bin/env bash
# Old vs new WorkerPool, interleaved: "old" is the same jar with the previous WorkerPool classes first on the class
# path (compiled from main's WorkerPool.java at 20066a3), so the two sides differ only in the pool.
# Usage: run.sh OUTDIR NEWJAR LIBDIR OLDCLASSES ROUNDS [FIRST]
set -u
out=$1 jar=$2 lib=$3 oldcls=$4 rounds=${5:-3} first=${6:-1}
vector="--add-modules jdk.incubator.vector"
side() { # NAME CLASSPATH ROUND
  echo "$(date -u +%FT%TZ) $1-$3 $(uptime)" >> "$out/load.txt"
  java -Djava.awt.headless=true $vector -cp "$2" dev.gpusr.cli.Main bench --only cpu --json "$out/$1-$3.json" \
      > "$out/$1-$3.txt" 2>&1
}
for r in $(seq "$first" $((first + rounds - 1))); do
  if [ $((r % 2)) = 1 ]; then
    side old "$oldcls:$jar:$lib/*" "$r"; side new "$jar:$lib/*" "$r"
  else
    side new "$jar:$lib/*" "$r"; side old "$oldcls:$jar:$lib/*" "$r"
  fi
done
echo "$(date -u +%FT%TZ) end $(uptime)" >> "$out/load.txt"
