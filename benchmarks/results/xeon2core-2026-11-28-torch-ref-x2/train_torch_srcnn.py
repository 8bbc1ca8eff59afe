#!/usr/bin/env python3
"""The issue's PyTorch SRCNN reference recipe on gpu-sr's own training sub-images, for a like-for-like comparison on
gpu-sr's held-out photographs: SRCNN 9-1-5 (64/32 filters, 'same' zero padding, PyTorch's default initialisation),
MSE, Adam at 1e-3 / 1e-3 / 1e-4 (conv1 / conv2 / conv3) with cosine decay to 0, batch 128, reshuffled every epoch,
no augmentation. Input: float32 [N][2][33][33] pairs (bicubic-degraded input, target) dumped by Dump.java from
gpu-sr's PatchDataset. Output: a gpu-sr model file (safetensors with gpu-sr's metadata), written atomically at every
checkpoint and at the end, so `gpu-sr eval` scores it with gpu-sr's protocol.

usage: train_torch_srcnn.py PAIRS.f32 SCALE STEPS OUT.safetensors [THREADS]
"""
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

pairs_path, scale, steps, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
torch.set_num_threads(threads)
torch.manual_seed(1)
rng = np.random.default_rng(1)
P = 33
data = np.memmap(pairs_path, dtype=np.float32, mode="r").reshape(-1, 2, P, P)
n = data.shape[0]
data = np.array(data)  # 340 MB in memory
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 64, 9, padding=4), torch.nn.ReLU(),
    torch.nn.Conv2d(64, 32, 1, padding=0), torch.nn.ReLU(),
    torch.nn.Conv2d(32, 1, 5, padding=2))
opt = torch.optim.Adam([
    {"params": model[0].parameters(), "lr": 1e-3},
    {"params": model[2].parameters(), "lr": 1e-3},
    {"params": model[4].parameters(), "lr": 1e-4}])
peaks = [g["lr"] for g in opt.param_groups]
batch = 128


def save(path, step):
    names = {"0": "conv1", "2": "conv2", "4": "conv3"}
    tensors = {}
    for k, v in model.state_dict().items():
        layer, kind = k.split(".")
        tensors[f"{names[layer]}.{kind}"] = v.detach().cpu().numpy().astype("<f4")
    order = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias"]
    header, offset, blobs = {}, 0, []
    for name in order:
        a = np.ascontiguousarray(tensors[name])
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    header["__metadata__"] = {"arch": "srcnn", "scale": str(scale), "channels": "1", "color": "y", "n1": "64",
                              "n2": "32", "f1": "9", "f2": "1", "f3": "5", "padding": "zeros",
                              "train.peer": f"PyTorch {torch.__version__} reference recipe, step {step} of {steps}"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


order = rng.permutation(n)
pos = 0
t0 = time.time()
loss_sum = 0.0
for step in range(1, steps + 1):
    for g, peak in zip(opt.param_groups, peaks):
        g["lr"] = peak * 0.5 * (1 + math.cos(math.pi * (step - 1) / steps))
    if pos + batch > n:
        order = rng.permutation(n)
        pos = 0
    idx = np.sort(order[pos:pos + batch])
    pos += batch
    b = torch.from_numpy(data[idx])
    x, t = b[:, 0:1], b[:, 1:2]
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.mse_loss(model(x), t)
    loss.backward()
    opt.step()
    loss_sum += loss.item()
    if step % 500 == 0:
        el = time.time() - t0
        print(f"step {step}/{steps} loss {loss_sum / 500:.4e} ({10 * math.log10(1 / (loss_sum / 500)):.2f} dB) "
              f"{step / el:.2f} steps/s elapsed {el / 60:.1f} min", flush=True)
        loss_sum = 0.0
    if step % 2000 == 0 or step == steps:
        save(out, step)
print("done", out, flush=True)
