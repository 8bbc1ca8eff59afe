#!/usr/bin/env bash
# The compact PatchDataset against the one of f9c36f8 (app7): the same 60 training steps (x3, 9-5-5, --augment all,
# batch 16, seed 7; then x2 and x4 alike) on the 26 training photographs must end in bit-identical weights.
set -euo pipefail
cd /work/train-run
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
run() { # NAME CLASSPATH SCALE
  /usr/bin/time -f "%e s wall, max RSS %M KiB" $J -Xmx4g -Djava.awt.headless=true --add-modules jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED -cp "$2" dev.gpusr.cli.Main train --device cpu --threads 2 --scale $3 --f2 5 \
    --train data2/train --augment all --init-scheme he --optimizer adam --lr 1e-3,1e-3,1e-4 --batch 16 --steps 60 \
    --seed 7 --checkpoint-every 30 -o equiv/$1.safetensors > equiv/$1.log 2>&1
  tail -1 equiv/$1.log
}
rm -f equiv/*.safetensors equiv/*.jsonl
for k in 3 2 4; do
run old$k "app7/lib/*" $k
run new$k "/work/main/java/target/classes:app7/lib/*" $k
grep -h "  data " equiv/old$k.log equiv/new$k.log
done
python3 - <<'PY'
import json, struct
def tensors(f):
    b = open(f, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n])
    return {k: b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]] for k, v in h.items() if k != '__metadata__'}
for k in (3, 2, 4):
  for f in ('', '.ckpt'):
    a, b = tensors('equiv/old%d%s.safetensors' % (k, f)), tensors('equiv/new%d%s.safetensors' % (k, f))
    same = a.keys() == b.keys() and all(a[t] == b[t] for t in a)
    print('x%d: equiv/old%d%s vs new%d%s: %d tensors, %s' % (k, k, f, k, f, len(a), 'bit-identical' if same else 'DIFFERENT'))
PY
