"""Prints the PNG encoder comparison table from a run folder made by run.sh (java.jsonl, pillow.jsonl, deflate.jsonl).
gpu-sr rows are per codec (zlib = java.util.zip, libdeflate = the native library; runs before the native codec have
only zlib, named "gpu-sr PngEncoder")."""
import json
import os
import sys

out = sys.argv[1]
rows = [json.loads(l) for f in ("java.jsonl", "pillow.jsonl") for l in open(os.path.join(out, f)) if l.strip()]
images = sorted({r["image"] for r in rows})


def side(r):
    e = r["encoder"]
    if e.startswith("Pillow"):
        return "pillow"
    if e == "JDK ImageIO":
        return "imageio"
    return "libdeflate" if e.endswith("libdeflate") else "zlib"


by = {(r["image"], side(r), r["level"]): r for r in rows}
sides = [s for s in ("zlib", "libdeflate", "pillow") if any(k[1] == s for k in by)]
print("thread-CPU ms per 2560x1440 image, one thread (median; wall ms in java/pillow.jsonl), and bytes.")
print("gpu-sr zlib = java.util.zip, gpu-sr libdeflate = the native codec (level N runs libdeflate's level of")
print("NativeDeflater.LEVELS); size = libdeflate / Pillow bytes; speed = zlib ms / libdeflate ms")
head = "%-22s %5s" % ("image", "level")
for s in sides:
    head += " %9s %10s" % (s[:9] + " ms", "bytes")
if "libdeflate" in sides:
    head += " %7s %6s" % ("size", "speed")
print(head)
for im in images:
    for lv in range(0, 10):
        cells = [by.get((im, s, lv)) for s in sides]
        if not all(cells):
            continue
        line = "%-22s %5d" % (im, lv)
        for c in cells:
            line += " %9.0f %10d" % (c["cpu_ms_median"], c["bytes"])
        if "libdeflate" in sides and "pillow" in sides:
            ld, pil, z = by[(im, "libdeflate", lv)], by[(im, "pillow", lv)], by[(im, "zlib", lv)]
            line += " %7.4f %6.2f" % (ld["bytes"] / pil["bytes"], z["cpu_ms_median"] / ld["cpu_ms_median"])
        print(line)
    r = by.get((im, "imageio", None))
    p6 = by.get((im, "pillow", 6))
    if r and p6:
        print("%-22s %5s %9.0f %10d   (JDK ImageIO PNG writer; size vs Pillow level 6: %.2fx)" % (
            im, "-", r["cpu_ms_median"], r["bytes"], r["bytes"] / p6["bytes"]))
print()
for lv in range(0, 10):
    have = [im for im in images if all((im, s, lv) in by for s in sides)]
    if len(have) < len(images):
        continue
    parts = []
    for s in sides:
        ms = sum(by[(im, s, lv)]["cpu_ms_median"] for im in have) / len(have)
        b = sum(by[(im, s, lv)]["bytes"] for im in have) / len(have)
        parts.append("%s %.0f ms %.0f bytes" % (s, ms, b))
    line = "all %d images, level %d (mean per image): %s" % (len(have), lv, "; ".join(parts))
    if "libdeflate" in sides and "pillow" in sides:
        worst = max(by[(im, "libdeflate", lv)]["bytes"] / by[(im, "pillow", lv)]["bytes"] for im in have)
        line += "; largest libdeflate/Pillow size ratio %.4f" % worst
    print(line)
dpath = os.path.join(out, "deflate.jsonl")
if os.path.exists(dpath):
    print("\nthe filtered row stream of one image, deflate only (thread-CPU ms median, bytes):")
    for l in open(dpath):
        r = json.loads(l)
        print("  %-28s level %2d %8.0f ms %10d" % (r["codec"], r["level"], r["cpu_ms_median"], r["bytes"]))
