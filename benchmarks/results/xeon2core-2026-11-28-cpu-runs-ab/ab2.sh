#!/bin/bash
P=$(pgrep -f "dev.gpusr.cli.Main train" | tr '\n' ' ')
kill -STOP $P
trap "kill -CONT $P" EXIT
for round in 1 2 3; do
  for v in "old" "new" "new -Dtmp.noruns=true" "new -Dtmp.oldsplit=true"; do
    set -- $v
    r=$(java --add-modules jdk.incubator.vector $2 -cp /tmp/w:/tmp/cls-$1 Warm 5 16 8 2>/dev/null | tail -n 3 | awk '{print $7}' | sort -n | sed -n 2p)
    echo "round $round $v: $r ms"
  done
done
