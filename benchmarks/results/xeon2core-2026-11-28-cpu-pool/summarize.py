#!/usr/bin/env python3
"""Medians (and min-max) per row over the old-N.txt / new-N.txt rounds in this folder."""
import glob, os, re, statistics, sys
d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = {}
for side in ("old", "new"):
    for f in sorted(glob.glob(os.path.join(d, side + "-*.txt"))):
        for line in open(f):
            if not line.startswith("cpu "):
                continue
            m = re.match(r"cpu\s+(.+?)\s+(fp32)\s+(\S+)\s+(\S+)", line)
            key = m.group(1).split() and " ".join(m.group(1).split()) + " " + m.group(3)
            rows.setdefault(key, {"old": [], "new": []})[side].append(float(m.group(4)))
print("| row | old median ms (min-max) | new median ms (min-max) | new/old |")
print("|---|---|---|---|")
for k, v in rows.items():
    o, n = v["old"], v["new"]
    fmt = lambda xs: "%.4g (%.4g-%.4g), n=%d" % (statistics.median(xs), min(xs), max(xs), len(xs))
    print("| %s | %s | %s | %.3f |" % (k, fmt(o), fmt(n), statistics.median(n) / statistics.median(o)))
