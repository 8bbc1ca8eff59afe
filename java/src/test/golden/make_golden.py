#!/usr/bin/env python3
"""Generator and checker of gpu-sr's golden test data (java/src/test/resources/golden), independent of gpu-sr.

Everything here is computed with numpy and PyTorch from the inputs stored in the golden files, never with gpu-sr's
own code, so the Java tests compare gpu-sr against a second implementation:

  * srcnn*.io.safetensors: SRCNN output (zero 'same' padding), MSE loss and every parameter gradient, in float64
    with PyTorch autograd, from the stored weights, input and target.
  * reference.json: MATLAB imresize (bicubic, Keys a = -0.5, antialiased when shrinking, symmetric borders,
    output ceil(k * size)) up and down, a uint8 downscale rounded once, MATLAB rgb2ycbcr, and PSNR / SSIM / MSE
    (SSIM: Gaussian 11x11, sigma 1.5, K1 0.01, K2 0.03, L 255, mean of the 'valid' map) after shaving.
  * eval_reference.json + eval_input.png + srcnn915_near_identity_x3.safetensors: the SRCNN evaluation protocol (Y of rgb2ycbcr rounded to uint8, modcrop,
    imresize 1/k then k, SRCNN, x255 and round, shave k, PSNR and SSIM) on a small photo-like image written by
    Pillow, for the bicubic baseline and for the golden 9-1-5 weights.

Usage (numpy, torch, safetensors and pillow in a virtual environment):
  python3 make_golden.py --check        # recompute and compare with the committed files (exit 1 on a mismatch)
  python3 make_golden.py --write-eval   # (re)write eval_input.png and eval_reference.json
"""
import argparse
import json
import math
import pathlib
import sys

import numpy as np

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "resources" / "golden"


# ---------------------------------------------------------------------------------------------- MATLAB imresize
def _cubic(x):
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def _contributions(in_len, scale):
    """Weights [out, P] and 0-based mirrored indices [out, P] of MATLAB's contributions()."""
    out_len = int(math.ceil(in_len * scale))
    width = 4.0 / scale if scale < 1 else 4.0
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    p = int(math.ceil(width)) + 2
    idx = left[:, None] + np.arange(p)[None, :]  # 1-based
    dist = u[:, None] - idx
    w = scale * _cubic(scale * dist) if scale < 1 else _cubic(dist)
    w = w / w.sum(axis=1, keepdims=True)
    # symmetric mirror repeating the edge sample: 1..n, n..1, 1..n, ...
    aux = np.concatenate([np.arange(1, in_len + 1), np.arange(in_len, 0, -1)])
    mirrored = aux[np.mod(idx - 1, 2 * in_len).astype(np.int64)] - 1
    return w, mirrored


def _resize_axis(a, scale, axis):
    w, ind = _contributions(a.shape[axis], scale)
    moved = np.moveaxis(a, axis, 0)
    out = np.einsum("op,op...->o...", w, moved[ind])
    return np.moveaxis(out, 0, axis)


def imresize(a, scale, round_uint8=False):
    """MATLAB imresize(a, scale, 'bicubic') in float64: rows (vertical) first, then columns."""
    out = _resize_axis(np.asarray(a, dtype=np.float64), scale, 0)
    out = _resize_axis(out, scale, 1)
    if round_uint8:
        out = np.clip(np.floor(out + 0.5), 0, 255)
    return out


# ----------------------------------------------------------------------------------------------- colour, metrics
T = np.array([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0], [112.0, -93.786, -18.214]])


def rgb2ycbcr(rgb):
    """MATLAB rgb2ycbcr on uint8 values, unrounded: [16,128,128] + T [R,G,B] / 255."""
    return np.array([16.0, 128.0, 128.0]) + np.asarray(rgb, dtype=np.float64) @ T.T / 255.0


def matlab_round(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def psnr(a, b, shave):
    a = np.asarray(a, np.float64)[shave:-shave or None, shave:-shave or None]
    b = np.asarray(b, np.float64)[shave:-shave or None, shave:-shave or None]
    mse = np.mean((a - b) ** 2)
    return (math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)), mse


def _gaussian_window(size=11, sigma=1.5):
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma * sigma))
    return g / g.sum()


def _filter_valid(x, w):
    k = w.shape[0]
    h, wd = x.shape[0] - k + 1, x.shape[1] - k + 1
    out = np.zeros((h, wd))
    for dy in range(k):
        for dx in range(k):
            out += w[dy, dx] * x[dy:dy + h, dx:dx + wd]
    return out


def ssim(a, b, shave):
    a = np.asarray(a, np.float64)[shave:-shave or None, shave:-shave or None]
    b = np.asarray(b, np.float64)[shave:-shave or None, shave:-shave or None]
    w = _gaussian_window()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _filter_valid(a, w), _filter_valid(b, w)
    saa = _filter_valid(a * a, w) - mu_a ** 2
    sbb = _filter_valid(b * b, w) - mu_b ** 2
    sab = _filter_valid(a * b, w) - mu_a * mu_b
    m = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))
    return float(m.mean())


# ------------------------------------------------------------------------------------------------------- SRCNN
def srcnn_torch(weights, x, dtype):
    import torch
    import torch.nn.functional as F
    t = {k: torch.from_numpy(np.asarray(v)).to(dtype) for k, v in weights.items()}
    x = torch.from_numpy(np.asarray(x)).to(dtype)
    pad = lambda name: t[name].shape[-1] // 2  # noqa: E731
    h = F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=pad("conv1.weight")))
    h = F.relu(F.conv2d(h, t["conv2.weight"], t["conv2.bias"], padding=pad("conv2.weight")))
    return F.conv2d(h, t["conv3.weight"], t["conv3.bias"], padding=pad("conv3.weight")), t


def io_reference(name):
    """Output, loss and gradients in float64 from the stored weights, input and target."""
    import torch
    from safetensors.numpy import load_file
    weights = load_file(GOLDEN / f"{name}.weights.safetensors")
    io = load_file(GOLDEN / f"{name}.io.safetensors")
    t = {k: torch.from_numpy(v.astype(np.float64)).requires_grad_(True) for k, v in weights.items()}
    x = torch.from_numpy(io["input"].astype(np.float64))
    target = torch.from_numpy(io["target"].astype(np.float64))
    import torch.nn.functional as F
    pad = lambda n: t[n].shape[-1] // 2  # noqa: E731
    h = F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=pad("conv1.weight")))
    h = F.relu(F.conv2d(h, t["conv2.weight"], t["conv2.bias"], padding=pad("conv2.weight")))
    out = F.conv2d(h, t["conv3.weight"], t["conv3.bias"], padding=pad("conv3.weight"))
    loss = ((out - target) ** 2).mean()
    loss.backward()
    ref = {"output": out.detach().numpy(), "loss": np.array([loss.item()])}
    for k, v in t.items():
        ref["grad." + k] = v.grad.numpy()
    return io, ref


# --------------------------------------------------------------------------------------------------- protocol
def eval_image():
    """A deterministic photo-like 8-bit RGB image (smooth shapes, edges and texture), 61 x 52."""
    w, h = 61, 52
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 90 * np.sin(x * 0.21) * np.cos(y * 0.17) + 30 * ((x - 30) ** 2 + (y - 25) ** 2 < 150)
    g = 110 + 70 * np.sin((x + 2 * y) * 0.11) + 20 * np.cos(x * 0.9)
    b = 60 + 150 * x / w + 15 * np.sin(y * 1.3)
    return np.clip(np.floor(np.stack([r, g, b], axis=-1) + 0.5), 0, 255).astype(np.uint8)


def protocol_scores(rgb, k, weights=None):
    """The SRCNN authors' protocol; float32 where their code is single precision."""
    import torch
    yl = np.clip(matlab_round(rgb2ycbcr(rgb)[..., 0]), 0, 255)  # uint8 Y
    h, w = yl.shape
    hr = yl[: h - h % k, : w - w % k]
    x = (hr / 255.0).astype(np.float32)
    low = imresize(x, 1.0 / k).astype(np.float32)
    bic = imresize(low, k).astype(np.float32)
    result = bic
    if weights is not None:
        out, _ = srcnn_torch(weights, bic[None, None], torch.float32)
        result = out.detach().numpy()[0, 0]
    restored = np.clip(matlab_round(result.astype(np.float64) * 255.0), 0, 255)
    p, _ = psnr(hr, restored, k)
    return {"psnr": p, "ssim": ssim(hr, restored, k)}


# --------------------------------------------------------------------------------------------------------- main
def check():
    failures = []

    def close(what, got, want, tol):
        got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
        err = np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))) if got.size else 0.0
        status = "ok" if got.shape == want.shape and err <= tol else "MISMATCH"
        print(f"{status:8s} {what}: max rel err {err:.3g} (tol {tol:g})")
        if status != "ok":
            failures.append(what)

    for name in ["srcnn915_y", "srcnn955_rgb"]:
        io, ref = io_reference(name)
        for key, value in ref.items():
            close(f"{name}.io {key}", io[key], value, 1e-12)

    ref = json.loads((GOLDEN / "reference.json").read_text())
    up = np.array(ref["upscale"]["input"])
    for k in ["2", "3", "4"]:
        close(f"imresize x{k}", imresize(up, int(k)), ref["upscale"]["outputs"][k], 1e-12)
    down = np.array(ref["downscale"]["input"])
    for k in ["2", "3", "4"]:
        close(f"imresize 1/{k}", imresize(down, 1 / int(k)), ref["downscale"]["outputs"][k], 1e-12)
    u8 = ref["uint8_downscale_x3_rounded_once"]
    close("uint8 imresize 1/3", imresize(np.array(u8["input"]), 1 / 3, round_uint8=True), u8["output"], 0)
    close("rgb2ycbcr", rgb2ycbcr(ref["rgb2ycbcr"]["rgb"]), ref["rgb2ycbcr"]["ycbcr_unrounded"], 1e-12)
    m = ref["metrics"]
    p, mse = psnr(m["a"], m["b"], m["shave"])
    close("psnr", p, m["psnr"], 1e-12)
    close("mse", mse, m["mse_after_shave"], 1e-12)
    close("ssim", ssim(m["a"], m["b"], m["shave"]), m["ssim"], 1e-12)

    ev = json.loads((GOLDEN / "eval_reference.json").read_text())
    fresh = eval_reference()
    for k, entry in ev["scales"].items():
        for method in ["bicubic", "srcnn"]:
            for metric in ["psnr", "ssim"]:
                close(f"eval x{k} {method} {metric}", fresh["scales"][k][method][metric], entry[method][metric],
                      1e-12)
    if failures:
        print(f"{len(failures)} mismatches", file=sys.stderr)
        return 1
    print("all golden data reproduced")
    return 0


NEAR_IDENTITY = "srcnn915_near_identity_x3.safetensors"


def near_identity_weights(seed=11):
    """A 9-1-5 Y model whose output is its input plus a small learned-looking change: one path through the three
    layers passes the pixel on (positive values survive the ReLUs), the other filters are small random ones. Its
    scores differ from bicubic by a little, in either direction, and no output is clipped."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.01, (64, 1, 9, 9)).astype(np.float32)
    w1[0, 0, 4, 4] = 1.0
    w1[1, 0] += np.float32(0.02) * rng.normal(0, 1, (9, 9)).astype(np.float32)
    w2 = rng.normal(0, 0.02, (32, 64, 1, 1)).astype(np.float32)
    w2[0, 0, 0, 0] = 1.0
    w3 = rng.normal(0, 0.002, (1, 32, 5, 5)).astype(np.float32)
    w3[0, 0, 2, 2] = 1.0
    return {"conv1.weight": w1, "conv1.bias": np.zeros(64, np.float32), "conv2.weight": w2,
            "conv2.bias": np.zeros(32, np.float32), "conv3.weight": w3, "conv3.bias": np.zeros(1, np.float32)}


def eval_reference():
    from PIL import Image
    from safetensors.numpy import load_file
    rgb = np.asarray(Image.open(GOLDEN / "eval_input.png").convert("RGB"))
    weights = load_file(GOLDEN / NEAR_IDENTITY)
    scales = {}
    for k in [2, 3, 4]:
        scales[str(k)] = {"bicubic": protocol_scores(rgb, k), "srcnn": protocol_scores(rgb, k, weights)}
    return {"about": "SRCNN protocol on eval_input.png computed by make_golden.py (numpy imresize port, PyTorch "
                     "float32 SRCNN with " + NEAR_IDENTITY + ", zero padding; the model's own scale is 3, the "
                     "srcnn rows at 2 and 4 use the same weights)",
            "image": "eval_input.png", "model": NEAR_IDENTITY, "scales": scales}


def write_eval():
    from PIL import Image
    from safetensors.numpy import save_file
    Image.fromarray(eval_image(), "RGB").save(GOLDEN / "eval_input.png")
    meta = {"arch": "srcnn", "scale": "3", "channels": "1", "color": "y", "n1": "64", "n2": "32", "f1": "9",
            "f2": "1", "f3": "5", "padding": "zeros", "note": "near-identity test weights from make_golden.py"}
    save_file(near_identity_weights(), str(GOLDEN / NEAR_IDENTITY), metadata=meta)
    (GOLDEN / "eval_reference.json").write_text(json.dumps(eval_reference(), indent=1) + "\n")
    print("wrote", GOLDEN / "eval_input.png", "and eval_reference.json")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--write-eval", action="store_true")
    a = ap.parse_args()
    if a.write_eval:
        write_eval()
    if a.check or not a.write_eval:
        sys.exit(check())
