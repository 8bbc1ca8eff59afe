# soup_avg.py: averages gpu-sr SRCNN safetensors of one architecture (a "model soup"): soup_avg.py OUT IN... (IN may be a checkpoint: its
# conv*.weight/bias are the last weights); writes OUT with the first input's metadata plus soup.inputs
import json, struct, sys
import numpy as np
NAMES = ['conv1.weight','conv1.bias','conv2.weight','conv2.bias','conv3.weight','conv3.bias']
def load(p):
    b = open(p,'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n]); base = 8+n
    t = {}
    for k in NAMES:
        v = h[k]; s, e = v['data_offsets']
        t[k] = np.frombuffer(b[base+s:base+e], dtype='<f4').reshape(v['shape']).astype(np.float64)
    return h.get('__metadata__', {}), t
out, ins = sys.argv[1], sys.argv[2:]
md, acc = load(ins[0])
for p in ins[1:]:
    _, t = load(p)
    for k in NAMES: acc[k] += t[k]
md = dict(md); md['soup.inputs'] = ', '.join(ins)
hdr = {'__metadata__': md}; off = 0; blobs = []
for k in NAMES:
    a = (acc[k] / len(ins)).astype('<f4'); blobs.append(a.tobytes())
    hdr[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off+a.nbytes]}; off += a.nbytes
hj = json.dumps(hdr, separators=(',',':')).encode(); hj += b' ' * ((8 - len(hj) % 8) % 8)
with open(out,'wb') as f:
    f.write(struct.pack('<Q', len(hj))); f.write(hj); [f.write(x) for x in blobs]
