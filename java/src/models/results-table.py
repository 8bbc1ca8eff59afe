#!/usr/bin/env python3
"""README's results table from `gpu-sr eval --json` files: per scale and per image, bicubic vs SRCNN PSNR/SSIM (Y),
the gain, and the mean; then the mean of each source (the name's prefix before '-': cv = opencv-doc photographs,
mate = mate-backgrounds wallpapers shrunk by 4, whose bicubic PSNR is far higher); with --old, the previous models'
SRCNN PSNR beside it.

Usage: results-table.py NEW_x2.json NEW_x3.json NEW_x4.json [--old OLD_x2.json OLD_x3.json OLD_x4.json]
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def source_means(images):
    """Rows of the mean PSNR/SSIM of each source's images, when there is more than one source."""
    groups = {}
    for im in images:
        groups.setdefault(im["name"].split("-", 1)[0], []).append(im)
    if len(groups) < 2:
        return []
    rows = []
    for prefix, ims in groups.items():
        mean = {m: {q: sum(im[m][q] for im in ims) / len(ims) for q in ("psnr", "ssim")} for m in ("bicubic", "srcnn")}
        rows.append(dict(name=f"mean of {prefix}-* ({len(ims)})", **mean))
    return rows


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
        for im in doc["images"] + [dict(name="**mean**", **doc["mean"])] + source_means(doc["images"]):
            b, s = im["bicubic"], im["srcnn"]
            row = (f"| x{k} | {im['name']} | {b['psnr']:.3f} dB / {b['ssim']:.4f} | {s['psnr']:.3f} dB / {s['ssim']:.4f}"
                   f" | {s['psnr'] - b['psnr']:+.2f} dB |")
            if olds:
                old_means = {m["name"]: m for m in source_means(olds[k]["images"])}
                p = (prev.get(im["name"]) or (dict(**olds[k]["mean"]) if im["name"] == "**mean**" else None)
                     or old_means.get(im["name"]))
                row += (f" {p['srcnn']['psnr']:.3f} dB ({p['srcnn']['psnr'] - p['bicubic']['psnr']:+.2f}) |"
                        if p else " - |")
            print(row)


if __name__ == "__main__":
    main(sys.argv[1:])
