#!/usr/bin/env bash
# A large training folder under a small heap: 48 photographs (mate-backgrounds' 12 nature wallpapers at full size,
# 1280x1024 to 2560x1920, four copies in four sub-folders: 150 megapixels), x3, --augment all, 10 steps of 16.
# Once with the gpu-sr of f9c36f8 (app7), then with the classes of 600b7fb in front of it, under 3 GiB and under 1 GiB.
set -uo pipefail
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
out=${1:?out folder}
run() { # NAME CLASSPATH HEAP
  /usr/bin/time -f "%e s wall, max RSS %M KiB, exit %x" $J -Xmx$3 -Djava.awt.headless=true --add-modules jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED -cp "$2" dev.gpusr.cli.Main train --device cpu --threads 2 --scale 3 --f2 5 \
    --train /tmp/bigset --augment all --init-scheme he --optimizer adam --batch 16 --steps 10 --seed 7 \
    -o "$out/$1.safetensors" > "$out/$1.log" 2>&1
  grep -h "  data \|gpu-sr train: \(the\|done\)\|OutOfMemory\|wall" "$out/$1.log" | cut -c1-400
}
echo "== f9c36f8, -Xmx3g"; run old "app7/lib/*" 3g
echo "== new, -Xmx3g"; run new "/work/main/java/target/classes:app7/lib/*" 3g
echo "== new, -Xmx1g"; run new-1g "/work/main/java/target/classes:app7/lib/*" 1g
