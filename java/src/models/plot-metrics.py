#!/usr/bin/env python3
"""Training curves from a `gpu-sr train --metrics` file with matplotlib: loss and validation PSNR against the step,
the bicubic PSNR as a line; the same content as `gpu-sr train --plot`. train-gpu.sh uses it where gpu-sr cannot
draw (a GPU host whose system lacks the font libraries the Java runtime's font manager links: freetype, harfbuzz).

Usage: plot-metrics.py METRICS.jsonl OUT.png [TITLE]
"""
import json
import sys


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lines = [json.loads(line) for line in open(argv[0]) if line.strip()]
    loss = [(m["step"], m["loss"]) for m in lines if m.get("loss") is not None]
    val = [(m["step"], m["val_psnr"]) for m in lines if m.get("val_psnr") is not None]
    bicubic = next((m["bicubic_psnr"] for m in lines if m.get("bicubic_psnr") is not None), None)
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    if loss:
        a.plot(*zip(*loss), lw=1)
    a.set_yscale("log")
    a.set_ylabel("training loss (MSE)")
    if val:
        b.plot(*zip(*val), marker="o", ms=3, lw=1, label="SRCNN")
    if bicubic is not None:
        b.axhline(bicubic, color="grey", ls="--", label="bicubic %.3f dB" % bicubic)
    b.set_ylabel("validation PSNR (dB, Y)")
    b.set_xlabel("step")
    b.legend()
    fig.suptitle(argv[2] if len(argv) > 2 else argv[0])
    fig.tight_layout()
    tmp = argv[1] + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    import os
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
