#!/usr/bin/env python3
"""Makes the batch benchmark's input folder: N different 1280x720 PNG photos cut from real photographs.

Sources: the photos of Debian's mate-backgrounds and opencv-doc packages that are at least 1280x720 (apt-get install
mate-backgrounds opencv-doc), or the JPEGs in --sources DIR (for a GPU host without those packages: make that folder
here with --export-sources DIR and carry it along). Image j is photo j mod S, zoomed in by 1 + 0.15 v (v = j div S)
around a point that moves with v, mirrored when v is odd, shrunk to 1280x720 with Pillow's LANCZOS: every image is a
different real-photo crop. Usage:
  make_inputs.py OUTDIR N [--sources DIR]
  make_inputs.py --export-sources DIR     (1600x900 JPEG q92 copies of the system photos, about 300 KB each)
"""
import argparse
import glob
import os
import sys

from PIL import Image

# photographs only (not the drawings), one of each stereo pair
SYSTEM = ["/usr/share/backgrounds/mate/nature/*.jpg", "/usr/share/doc/opencv-doc/examples/data/aloeL.jpg"]
W, H = 1280, 720


def photos(sources):
    pats = [os.path.join(sources, "*.jpg"), os.path.join(sources, "*.png")] if sources else SYSTEM
    files = sorted(f for p in pats for f in glob.glob(p))
    ok = []
    for f in files:
        with Image.open(f) as im:
            if im.width >= W and im.height >= H:
                ok.append(f)
    return ok


def crop(im, zoom, v):
    """A 16:9 window of the photo, 1/zoom of the largest one, centred on a point that moves with v."""
    w, h = im.size
    cw = min(w, h * 16 / 9) / zoom
    ch = cw * 9 / 16
    fx = 0.5 + 0.35 * (((v * 37) % 11) / 10 - 0.5)
    fy = 0.5 + 0.35 * (((v * 53) % 7) / 6 - 0.5)
    x0 = min(max(0.0, fx * w - cw / 2), w - cw)
    y0 = min(max(0.0, fy * h - ch / 2), h - ch)
    return im.crop((round(x0), round(y0), round(x0 + cw), round(y0 + ch)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out", nargs="?")
    p.add_argument("n", nargs="?", type=int)
    p.add_argument("--sources")
    p.add_argument("--export-sources")
    a = p.parse_args()
    if a.export_sources:
        os.makedirs(a.export_sources, exist_ok=True)
        for f in photos(None):
            im = Image.open(f).convert("RGB")
            im = crop(im, 1.0, 0).resize((1600, 900), Image.LANCZOS)
            im.save(os.path.join(a.export_sources, os.path.splitext(os.path.basename(f))[0] + ".jpg"), quality=92)
        print(a.export_sources)
        return 0
    if not a.out or not a.n:
        p.error("OUTDIR and N are needed")
    src = photos(a.sources)
    if not src:
        sys.exit("make_inputs.py: no photos of at least %dx%d found (%s); apt-get install mate-backgrounds opencv-doc "
                 "or pass --sources DIR" % (W, H, a.sources or ", ".join(SYSTEM)))
    os.makedirs(a.out, exist_ok=True)
    cache = {}
    for j in range(a.n):
        f, v = src[j % len(src)], j // len(src)
        if f not in cache:
            cache[f] = Image.open(f).convert("RGB")
        im = crop(cache[f], 1 + 0.15 * v, v).resize((W, H), Image.LANCZOS)
        if v % 2 == 1:
            im = im.transpose(Image.FLIP_LEFT_RIGHT)
        im.save(os.path.join(a.out, "photo%04d.png" % j), compress_level=1)
    print("%d images of %dx%d from %d photos in %s" % (a.n, W, H, len(src), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
