"""Loads gpu-sr model files with Python's official safetensors library and PyTorch: the interoperability check of
the model format (run where safetensors and torch are installed, e.g. the GPU machine).

usage: python3 check_safetensors.py MODEL.safetensors...
"""
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

EXPECTED = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias"]


def check(path):
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
        names = list(f.keys())
    tensors = load_file(path)
    assert sorted(names) == sorted(EXPECTED), f"{path}: tensors {names}"
    for key in ("arch", "scale", "channels", "color", "n1", "n2", "f1", "f2", "f3", "padding"):
        assert key in meta, f"{path}: metadata lacks {key}"
    c, n1, n2 = int(meta["channels"]), int(meta["n1"]), int(meta["n2"])
    f1, f2, f3 = int(meta["f1"]), int(meta["f2"]), int(meta["f3"])
    model = torch.nn.Sequential(
        torch.nn.Conv2d(c, n1, f1, padding=f1 // 2), torch.nn.ReLU(),
        torch.nn.Conv2d(n1, n2, f2, padding=f2 // 2), torch.nn.ReLU(),
        torch.nn.Conv2d(n2, c, f3, padding=f3 // 2))
    state = {k.replace("conv1", "0").replace("conv2", "2").replace("conv3", "4"): v for k, v in tensors.items()}
    model.load_state_dict(state, strict=True)
    for v in tensors.values():
        assert v.dtype == torch.float32 and torch.isfinite(v).all(), f"{path}: bad tensor"
    x = torch.rand(1, c, 40, 40)
    y = model(x)
    print(f"ok {path}: {meta['arch']} x{meta['scale']} {f1}-{f2}-{f3} c={c}, loads in PyTorch, "
          f"forward mean |y - x| = {float((y - x).abs().mean()):.4f}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        check(p)
