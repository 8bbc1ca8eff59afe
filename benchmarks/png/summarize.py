"""Prints the PNG encoder comparison table from a run folder made by run.sh (java.jsonl, pillow.jsonl, deflate.jsonl)."""
import json
import os
import sys

out = sys.argv[1]
rows = [json.loads(l) for f in ("java.jsonl", "pillow.jsonl") for l in open(os.path.join(out, f)) if l.strip()]
images = sorted({r["image"] for r in rows})
print("thread-CPU ms per 2560x1440 image, one thread (median; wall ms in machine-load-sensitive java/pillow.jsonl),")
print("and bytes; ratio = gpu-sr / Pillow")
print("%-20s %5s %9s %10s %9s %10s %8s %8s" % ("image", "level", "gpu-sr ms", "bytes", "Pillow ms", "bytes", "ms ratio",
                                               "size ratio"))
for im in images:
    mine = {r["level"]: r for r in rows if r["image"] == im and r["encoder"].startswith("gpu-sr")}
    pil = {r["level"]: r for r in rows if r["image"] == im and r["encoder"].startswith("Pillow")}
    for lv in range(1, 10):
        a, b = mine.get(lv), pil.get(lv)
        if a and b:
            print("%-20s %5d %9.0f %10d %9.0f %10d %8.2f %8.4f" % (im, lv, a["cpu_ms_median"], a["bytes"],
                                                                   b["cpu_ms_median"], b["bytes"],
                                                                   a["cpu_ms_median"] / b["cpu_ms_median"],
                                                                   a["bytes"] / b["bytes"]))
    for r in rows:
        if r["image"] == im and r["encoder"] == "JDK ImageIO":
            print("%-20s %5s %9.0f %10d   (JDK ImageIO PNG writer; size vs Pillow level 6: %.2fx)" % (
                im, "-", r["cpu_ms_median"], r["bytes"], r["bytes"] / pil[6]["bytes"]))
for lv in (1, 6):
    a = [r for r in rows if r["level"] == lv and r["encoder"].startswith("gpu-sr")]
    b = [r for r in rows if r["level"] == lv and r["encoder"].startswith("Pillow")]
    if a and b:
        print("all images, level %d: gpu-sr %.0f CPU ms %d bytes; Pillow %.0f CPU ms %d bytes (mean per image)" % (
            lv, sum(r["cpu_ms_median"] for r in a) / len(a), sum(r["bytes"] for r in a) / len(a),
            sum(r["cpu_ms_median"] for r in b) / len(b), sum(r["bytes"] for r in b) / len(b)))
dpath = os.path.join(out, "deflate.jsonl")
if os.path.exists(dpath):
    print("\nthe filtered row stream of one image, deflate only (thread-CPU ms median, bytes):")
    for l in open(dpath):
        r = json.loads(l)
        print("  %-28s level %2d %8.0f ms %10d" % (r["codec"], r["level"], r["cpu_ms_median"], r["bytes"]))
