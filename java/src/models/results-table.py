#!/usr/bin/env python3
"""README's results table from `gpu-sr eval --json` files: per scale and per image, bicubic vs SRCNN PSNR/SSIM (Y),
the gain, and the mean; with --old, the previous models' SRCNN PSNR beside it.

Usage: results-table.py NEW_x2.json NEW_x3.json NEW_x4.json [--old OLD_x2.json OLD_x3.json OLD_x4.json]
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def main(argv):
    new, old = argv, []
    if "--old" in argv:
        i = argv.index("--old")
        new, old = argv[:i], argv[i + 1:]
    olds = {load(p)["scale"]: load(p) for p in old}
    head = "| scale | image | bicubic PSNR / SSIM | SRCNN PSNR / SSIM | gain |"
    sep = "|---|---|---|---|---|"
    if olds:
        head += " previous models' SRCNN PSNR (gain) |"
        sep += "---|"
    print(head)
    print(sep)
    for path in new:
        doc = load(path)
        k = doc["scale"]
        prev = {im["name"]: im for im in olds[k]["images"]} if k in olds else {}
        for im in doc["images"] + [dict(name="**mean**", **doc["mean"])]:
            b, s = im["bicubic"], im["srcnn"]
            row = (f"| x{k} | {im['name']} | {b['psnr']:.3f} dB / {b['ssim']:.4f} | {s['psnr']:.3f} dB / {s['ssim']:.4f}"
                   f" | {s['psnr'] - b['psnr']:+.2f} dB |")
            if olds:
                p = prev.get(im["name"]) or (dict(**olds[k]["mean"]) if im["name"] == "**mean**" else None)
                row += (f" {p['srcnn']['psnr']:.3f} dB ({p['srcnn']['psnr'] - p['bicubic']['psnr']:+.2f}) |"
                        if p else " - |")
            print(row)


if __name__ == "__main__":
    main(sys.argv[1:])
