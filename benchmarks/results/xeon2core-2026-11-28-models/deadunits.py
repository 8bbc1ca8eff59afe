# Counts the channels of conv1 and conv2 that never fire (dead) or always fire (linear) on images' Y (0..1),
# MATLAB-style BT.601 Y via Pillow's YCbCr. Usage: deadunits.py MODEL.safetensors IMAGE...
import json, struct, sys
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
def load(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); d = b[8 + n:]
    return {k: torch.from_numpy(np.frombuffer(d[v['data_offsets'][0]:v['data_offsets'][1]], dtype=np.float32)
            .reshape(v['shape']).copy()) for k, v in h.items() if k != '__metadata__'}
w = load(sys.argv[1])
for f in sys.argv[2:]:
    y = np.asarray(Image.open(f).convert('YCbCr'))[..., 0].astype(np.float32) / 255
    x = torch.from_numpy(y)[None, None]
    a1 = F.relu(F.conv2d(x, w['conv1.weight'], w['conv1.bias'], padding=w['conv1.weight'].shape[-1] // 2))
    a2 = F.relu(F.conv2d(a1, w['conv2.weight'], w['conv2.bias'], padding=w['conv2.weight'].shape[-1] // 2))
    f1 = (a1 > 0).float().mean(dim=(2, 3))[0]; f2 = (a2 > 0).float().mean(dim=(2, 3))[0]
    print(f"{f}: conv1 dead {int((f1 == 0).sum())}, always on {int((f1 == 1).sum())} of {f1.numel()}; "
          f"conv2 dead {int((f2 == 0).sum())}, always on {int((f2 == 1).sum())} of {f2.numel()}")
