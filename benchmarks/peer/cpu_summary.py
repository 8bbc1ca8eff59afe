#!/usr/bin/env python3
"""Summary of a benchmarks/cpu-vs-torch.sh run folder as a Markdown table (stdout).

For every row key (gpu-sr's `cpu <op> <model> <shape>`, which srcnn_torch_cpu.py uses too): min / median / max over
the rounds of each side's per-round median (gpu-sr before, gpu-sr, PyTorch), and gpu-sr against PyTorch as the
ratio of those medians (above 1: gpu-sr is faster). The load lines of load.txt come first: numbers made at a load
above the processor count are labelled as a loaded machine's.

Usage: python3 cpu_summary.py RUN_FOLDER
"""
import glob
import json
import os
import re
import statistics
import sys


def rounds(folder, prefix):
    """{key: [median_ms per round]} from prefix.json or prefix-N.json (N = 1, 2, ...)."""
    files = sorted(glob.glob(os.path.join(folder, prefix + "-[0-9]*.json")),
                   key=lambda f: int(re.search(r"-(\d+)\.json$", f).group(1)))
    if not files and os.path.exists(os.path.join(folder, prefix + ".json")):
        files = [os.path.join(folder, prefix + ".json")]
    out = {}
    for f in files:
        with open(f) as fh:
            doc = json.load(fh)
        for row in doc["rows"]:
            if row.get("median_ms") is None or row.get("status", "ok") != "ok":
                continue
            key = row.get("key") or " ".join(x for x in ("cpu", row["op"], row.get("model"), row["shape"]) if x)
            out.setdefault(key, []).append(row["median_ms"])
    return out, len(files)


def spread(values):
    if not values:
        return "-"
    return f"{min(values):.4g} / {statistics.median(values):.4g} / {max(values):.4g}"


def main():
    folder = sys.argv[1]
    before, nb = rounds(folder, "gpu-sr-before")
    after, na = rounds(folder, "gpu-sr")
    torch, nt = rounds(folder, "torch")
    print(f"# {os.path.basename(os.path.normpath(folder))}\n")
    if os.path.exists(os.path.join(folder, "machine.txt")):
        with open(os.path.join(folder, "machine.txt")) as fh:
            print("".join(f"- {line}" for line in fh) + "")
    cpus = os.cpu_count() or 1
    loads = []
    if os.path.exists(os.path.join(folder, "load.txt")):
        with open(os.path.join(folder, "load.txt")) as fh:
            for line in fh:
                m = re.search(r"load average: ([\d.]+)", line)
                if m:
                    loads.append(float(m.group(1)))
    if loads:
        label = "LOADED machine" if max(loads) > cpus else "quiet machine"
        print(f"Load (1-minute average, uptime) over the run: {min(loads):.2f} to {max(loads):.2f} on {cpus} "
              f"processors: {label}.\n")
    print(f"Rounds: gpu-sr before {nb}, gpu-sr {na}, PyTorch {nt}. Each cell: min / median / max over the rounds of "
          "the row's median ms; vs PyTorch = PyTorch median / gpu-sr median (above 1: gpu-sr is faster).\n")
    print("| row | gpu-sr before ms | gpu-sr ms | PyTorch CPU ms | gpu-sr vs PyTorch |")
    print("|---|---:|---:|---:|---:|")
    keys = [k for k in after if not k.startswith("cpu bicubic")] + [k for k in torch if k not in after]
    for key in keys:
        a, t = after.get(key, []), torch.get(key, [])
        ratio = f"{statistics.median(t) / statistics.median(a):.2f}x" if a and t else "-"
        print(f"| {key} | {spread(before.get(key, []))} | {spread(a)} | {spread(t)} | {ratio} |")


if __name__ == "__main__":
    main()
