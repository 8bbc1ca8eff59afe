#!/usr/bin/env python3
"""The tuned PyTorch + Pillow peer of `gpu-sr upscale`: a folder of PNG (or JPEG) photos -> k-times PNGs, doing the
same work as gpu-sr: MATLAB rgb2ycbcr, MATLAB imresize bicubic (Keys a = -0.5, symmetric borders, vertical pass
first) of Y, Cb, Cr (and alpha), SRCNN on Y (gpu-sr's bundled safetensors, zero 'same' padding), YCbCr -> RGB,
clamp, round half up, PNG through Pillow (compress_level 6 = Pillow's default, adaptive row filters).

Tuned as a PyTorch user would: DataLoader decode worker processes with pinned memory, a thread pool of Pillow
encoders (Pillow releases the GIL while compressing), cuDNN benchmark mode, non-blocking copies; cuda when
available, else the CPU.

Prints one JSON object (images/s, Mpix/s out, bytes per image, stage busy times) on stdout and with --json FILE.
Usage: batch_torch.py INPUT_DIR -o OUT_DIR [--model FILE] [--scale K] [--workers N] [--encoders N]
       [--device auto|cpu|cuda] [--compress-level L] [--json FILE]
Do not point LD_LIBRARY_PATH at a system cuDNN: PyTorch brings its own.
"""
import argparse
import concurrent.futures
import json
import math
import os
import sys
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "..", "java", "src", "main", "resources", "dev", "gpusr", "models")

# MATLAB rgb2ycbcr on [0, 1]: YCbCr = OFFSET + T RGB / 255 (as gpu-sr's ColorConversion)
T = np.array([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0], [112.0, -93.786, -18.214]]) / 255.0
OFFSET = np.array([16.0, 128.0, 128.0]) / 255.0
T_INV = np.linalg.inv(T)


def load_srcnn(path, device):
    """conv1..conv3 from a gpu-sr / PyTorch safetensors file, as a function of an N x c x H x W tensor."""
    with safe_open(path, framework="pt") as f:
        meta = f.metadata() or {}
        w = {k: f.get_tensor(k).to(device=device, dtype=torch.float32) for k in f.keys() if k.startswith("conv")}
    scale = int(meta.get("scale", "0"))
    color = meta.get("color", "y")
    if color != "y":
        raise SystemExit("batch_torch.py: only Y models (color=y) are supported, got " + color)

    def forward(x):
        for i in (1, 2, 3):
            k = w["conv%d.weight" % i]
            x = F.conv2d(x, k, w["conv%d.bias" % i], padding=k.shape[-1] // 2)
            if i < 3:
                x = F.relu(x, inplace=True)
        return x
    return forward, scale


def cubic(x):
    """Keys' kernel, a = -0.5 (MATLAB's)."""
    ax = abs(x)
    if ax <= 1:
        return 1.5 * ax ** 3 - 2.5 * ax ** 2 + 1
    if ax <= 2:
        return -0.5 * ax ** 3 + 2.5 * ax ** 2 - 4 * ax + 2
    return 0.0


def contributions(n, k):
    """MATLAB imresize contributions for enlarging n by the integer k: (k n) x taps indices (mirrored) and weights."""
    out = n * k
    taps = 6  # ceil(4) + 2 candidates, as MATLAB
    idx = np.zeros((out, taps), dtype=np.int64)
    wts = np.zeros((out, taps), dtype=np.float64)
    aux = np.concatenate([np.arange(n), np.arange(n)[::-1]])
    for i in range(out):
        u = (i + 1) / k + 0.5 * (1 - 1 / k)
        left = math.floor(u - 2)
        for t in range(taps):
            j = left + t  # 1-based input index
            wts[i, t] = cubic(u - j)
            idx[i, t] = aux[(j - 1) % (2 * n)]
        wts[i] /= wts[i].sum()
    keep = np.where((wts != 0).any(axis=0))[0]  # MATLAB drops the all-zero columns: 4 taps remain
    return idx[:, keep], wts[:, keep]


class Resizer:
    """Bicubic x k of N x C x H x W on the device, with tables cached per input size."""

    def __init__(self, k, device):
        self.k, self.device, self.cache = k, device, {}

    def table(self, n):
        if n not in self.cache:
            idx, wts = contributions(n, self.k)
            self.cache[n] = (torch.from_numpy(idx).to(self.device), torch.from_numpy(wts).float().to(self.device))
        return self.cache[n]

    def __call__(self, x):
        n, c, h, w = x.shape
        iy, wy = self.table(h)
        ix, wx = self.table(w)
        # vertical pass first (MATLAB, equal factors): out[y] = sum_t w[y, t] x[idx[y, t]]
        v = (x[:, :, iy, :] * wy[None, None, :, :, None]).sum(dim=3)
        return (v[:, :, :, ix] * wx[None, None, None, :, :]).sum(dim=4)


def decode(path):
    """A photo as uint8 H x W x C (gray, gray+alpha, RGB, RGBA), and the decode time."""
    t = time.perf_counter()
    im = Image.open(path)
    if im.mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.mode or "transparency" in im.info else "RGB")
    a = np.array(im)  # a writable copy
    if a.ndim == 2:
        a = a[:, :, None]
    return torch.from_numpy(a), time.perf_counter() - t


class Folder(torch.utils.data.Dataset):
    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        pixels, seconds = decode(self.files[i])
        return i, pixels, seconds


def upscale(pixels, net, resize, device):
    """uint8 H x W x C on the host -> uint8 kH x kW x C on the host: the whole job but decode and encode."""
    x = pixels.to(device, non_blocking=True).permute(2, 0, 1).float().div_(255.0)[None]  # 1 x C x H x W
    c = x.shape[1]
    colour = x[:, :3] if c >= 3 else x[:, :1]
    if c >= 3:
        m = torch.tensor(T, dtype=torch.float32, device=device)
        off = torch.tensor(OFFSET, dtype=torch.float32, device=device)
        colour = torch.einsum("ij,njhw->nihw", m, colour) + off[None, :, None, None]
    planes = torch.cat([colour, x[:, 3:4] if c == 4 else x[:, 1:2]], 1) if c in (2, 4) else colour
    big = resize(planes)
    y = net(big[:, :1])
    if c >= 3:
        minv = torch.tensor(T_INV, dtype=torch.float32, device=device)
        off = torch.tensor(OFFSET, dtype=torch.float32, device=device)
        ycc = torch.cat([y, big[:, 1:3]], 1) - off[None, :, None, None]
        rgb = torch.einsum("ij,njhw->nihw", minv, ycc)
        out = torch.cat([rgb, big[:, 3:4]], 1) if c == 4 else rgb
    else:
        out = torch.cat([y, big[:, 1:2]], 1) if c == 2 else y
    q = torch.floor(out.clamp_(0, 1) * 255.0 + 0.5).to(torch.uint8)  # round half up, as gpu-sr
    return q[0].permute(1, 2, 0).contiguous().cpu()


def encode(array, target, level):
    t = time.perf_counter()
    a = array.numpy()
    im = Image.fromarray(a[:, :, 0] if a.shape[2] == 1 else a, {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[a.shape[2]])
    tmp = target + ".tmp"
    im.save(tmp, format="PNG", compress_level=level)
    os.replace(tmp, target)
    return os.path.getsize(target), time.perf_counter() - t


def main():
    cores = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--scale", type=int, default=2)
    p.add_argument("--model", help="safetensors file (default: gpu-sr's bundled srcnn_xK)")
    p.add_argument("--workers", type=int, default=cores, help="DataLoader decode processes (default: cores)")
    p.add_argument("--encoders", type=int, default=cores, help="PNG encoder threads (default: cores)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--compress-level", type=int, default=6)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's)")
    p.add_argument("--json")
    a = p.parse_args()

    t_start = time.perf_counter()
    device = torch.device("cuda" if a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available()) else "cpu")
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False  # fp32 math, as gpu-sr's default
    torch.backends.cuda.matmul.allow_tf32 = False
    model = a.model or os.path.join(MODELS, "srcnn_x%d.safetensors" % a.scale)
    net, model_scale = load_srcnn(model, device)
    if model_scale and model_scale != a.scale:
        raise SystemExit("batch_torch.py: %s is a x%d model, not x%d" % (model, model_scale, a.scale))
    resize = Resizer(a.scale, device)
    files = sorted(os.path.join(a.input, f) for f in os.listdir(a.input)
                   if f.lower().endswith((".png", ".jpg", ".jpeg")))
    if not files:
        raise SystemExit("batch_torch.py: no images in " + a.input)
    os.makedirs(a.output, exist_ok=True)
    loader = torch.utils.data.DataLoader(Folder(files), batch_size=None, shuffle=False, num_workers=a.workers,
                                         pin_memory=device.type == "cuda",
                                         prefetch_factor=4 if a.workers > 0 else None)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=a.encoders)
    lock = threading.Lock()
    stats = {"decode": 0.0, "device": 0.0, "encode": 0.0, "bytes": 0, "out_pixels": 0}
    futures = []
    t0 = None
    with torch.inference_mode():
        for i, pixels, decode_s in loader:
            if t0 is None:
                t0 = time.perf_counter()  # the run is timed from the first decoded image (start-up excluded)
            td = time.perf_counter()
            out = upscale(pixels, net, resize, device)  # .cpu() synchronises
            stats["device"] += time.perf_counter() - td
            stats["decode"] += decode_s
            stats["out_pixels"] += out.shape[0] * out.shape[1]
            target = os.path.join(a.output, os.path.splitext(os.path.basename(files[i]))[0] + ".png")
            futures.append(pool.submit(encode, out, target, a.compress_level))
        for f in futures:
            size, seconds = f.result()
            with lock:
                stats["bytes"] += size
                stats["encode"] += seconds
    t1 = time.perf_counter()
    pool.shutdown()
    n = len(files)
    secs = t1 - t0
    row = {
        "side": "peer (PyTorch %s + Pillow %s)" % (torch.__version__, Image.__version__),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "images": n, "seconds": round(secs, 3), "seconds_with_startup": round(t1 - t_start, 3),
        "images_per_s": round(n / secs, 3), "mpix_per_s_out": round(stats["out_pixels"] / secs / 1e6, 3),
        "bytes_per_image": round(stats["bytes"] / n), "png_compress_level": a.compress_level,
        "workers": a.workers, "encoders": a.encoders,
        # busy seconds summed over each stage's threads, and that as a share of (threads x run time)
        "stages": {name: {"threads": th, "busy_s": round(stats[name], 3),
                          "share": round(stats[name] / (th * secs), 3)}
                   for name, th in (("decode", max(1, a.workers)), ("device", 1), ("encode", a.encoders))},
    }
    text = json.dumps(row)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
