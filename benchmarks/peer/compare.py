#!/usr/bin/env python3
"""Pairs `gpu-sr bench --json` rows with `srcnn_torch.py --json` rows by key and prints the ratios.

speedup = PyTorch median ms / gpu-sr median ms (above 1: gpu-sr is faster). The issue's targets are checked
where both sides (or gpu-sr alone, for absolute targets) have the row.

Usage: python3 compare.py GPU_SR_JSON TORCH_JSON [--json OUT]
"""
import argparse
import json
import math
import sys

# (key, what, test on (ours, peer) rows[, PyTorch's key when it differs]) -- the targets of issue #4
TARGETS = [
    ("bicubic_up_x3", "bicubic x3 >= 100 Gpix/s output",
     lambda o, p: o.get("mpix_per_s") is not None and o["mpix_per_s"] >= 100_000),
    ("bias_relu_fwd", "bias+ReLU fwd >= 80% of copy bandwidth", lambda o, p: pct(o) >= 80),
    ("bias_relu_bwd", "bias+ReLU bwd >= 80% of copy bandwidth", lambda o, p: pct(o) >= 80),
    ("mse_large", "MSE >= 80% of copy bandwidth", lambda o, p: pct(o) >= 80),
    ("infer/9-1-5/fp32", "inference 9-1-5 fp32 >= 1.0x PyTorch", lambda o, p: p is not None and speedup(o, p) >= 1.0),
    # the engine users run (CudaSrcnn, its own kernels), input on the GPU, against PyTorch's fp32 inference
    ("engine_infer_device/9-1-5", "engine inference 9-1-5 fp32 >= 1.0x PyTorch",
     lambda o, p: p is not None and speedup(o, p) >= 1.0, "infer/9-1-5/fp32"),
    ("train/9-1-5/fp32/128x33", "training step 9-1-5 128x33 >= 1.0x PyTorch",
     lambda o, p: p is not None and speedup(o, p) >= 1.0),
    ("train/9-1-5/fp32/16x256", "training step 9-1-5 16x256 >= 1.0x PyTorch",
     lambda o, p: p is not None and speedup(o, p) >= 1.0),
]
# gpu-sr rows set beside PyTorch's torch.compile rows as well (same work; compare.json "compiled_pairs")
COMPILED_PEERS = [("infer/9-1-5/fp32", "infer_compiled/9-1-5/fp32"),
                  ("infer/9-5-5/fp32", "infer_compiled/9-5-5/fp32"),
                  ("engine_infer_device/9-1-5", "infer_compiled/9-1-5/fp32"),
                  ("engine_infer_device/9-5-5", "infer_compiled/9-5-5/fp32"),
                  ("train/9-1-5/fp32/128x33", "train_compiled/9-1-5/fp32/128x33"),
                  ("train/9-1-5/fp32/128x33", "train_compiled_graphs/9-1-5/fp32/128x33"),
                  ("train/9-1-5/fp32/16x256", "train_compiled/9-1-5/fp32/16x256"),
                  ("train/9-5-5/fp32/128x33", "train_compiled/9-5-5/fp32/128x33"),
                  ("train/9-5-5/fp32/128x33", "train_compiled_graphs/9-5-5/fp32/128x33"),
                  ("train/9-5-5/fp32/16x256", "train_compiled/9-5-5/fp32/16x256")]
# packing has no key of its own in PyTorch; judged on gpu-sr's own percent of bandwidth
OP_TARGETS = [("pack ycbcr->rgb8", "packing >= 80% of copy bandwidth"),
              ("unpack rgb8->ycbcr", "unpacking >= 80% of copy bandwidth")]


def pct(r):
    v = r.get("percent_of_ceiling")
    return v if v is not None else -1


def speedup(o, p):
    return p["median_ms"] / o["median_ms"]


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    a = abs(v)
    if a >= 1000:
        return "%.0f" % v
    if a >= 100:
        return "%.1f" % v
    if a >= 10:
        return "%.2f" % v
    return "%.*f" % (digits, v)


def load(path):
    with open(path) as f:
        return json.load(f)


def not_measured(doc):
    """Rows that say why they have no number: [(key or section, status, reason)]."""
    return [(r.get("key") or "section " + r.get("section", "?"), r.get("status"), r.get("reason", ""))
            for r in doc.get("rows", []) if r.get("status") not in ("ok", None)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ours")
    ap.add_argument("peer")
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args(argv)
    ours_doc, peer_doc = load(args.ours), load(args.peer)
    ours = {r["key"]: r for r in ours_doc["rows"] if r.get("key") and r.get("status") == "ok"}
    peer = {r["key"]: r for r in peer_doc["rows"] if r.get("key") and r.get("status") == "ok"}
    env_o, env_p = ours_doc.get("environment", {}), peer_doc.get("environment", {})
    print("gpu-sr : %s on %s (cuDNN %s), %s" % (env_o.get("gpu_sr"), env_o.get("gpu"), env_o.get("cudnn"),
                                               env_o.get("date")))
    print("PyTorch: %s on %s (CUDA %s, cuDNN %s), %s" % (env_p.get("torch"), env_p.get("gpu"), env_p.get("cuda"),
                                                         env_p.get("cudnn"), env_p.get("date")))
    print("speedup = PyTorch ms / gpu-sr ms (> 1: gpu-sr faster)\n")
    head = "%-32s %-16s %11s %11s %8s %11s %11s" % ("key", "shape", "gpu-sr ms", "torch ms", "speedup",
                                                    "gpu-sr Mp/s", "torch Mp/s")
    print(head)
    print("-" * len(head))
    pairs = []
    for key, o in ours.items():
        p = peer.get(key)
        if p is None:
            continue
        s = speedup(o, p)
        pairs.append({"key": key, "ours_ms": o["median_ms"], "torch_ms": p["median_ms"], "speedup": s})
        print("%-32s %-16s %11s %11s %8s %11s %11s" % (key, o.get("shape", ""), fmt(o["median_ms"]),
                                                       fmt(p["median_ms"]), fmt(s, 2), fmt(o.get("mpix_per_s")),
                                                       fmt(p.get("mpix_per_s"))))
    only_ours = sorted(k for k in ours if k not in peer)
    only_peer = sorted(k for k in peer if k not in ours)
    if only_ours:
        print("\nonly in gpu-sr: " + ", ".join(only_ours))
    if only_peer:
        print("only in PyTorch: " + ", ".join(only_peer))
    if env_p.get("mode") == "smoke":
        print("\nWARNING: torch.json is a --smoke run on the CPU: its times are no benchmark")
    skipped = not_measured(peer_doc)
    if skipped:
        print("\nPyTorch rows not measured:")
        for key, status, reason in skipped:
            print("  %-40s %-8s %s" % (key, status, reason))

    compiled_pairs = []
    for key, peer_key in COMPILED_PEERS:
        o, p = ours.get(key), peer.get(peer_key)
        if o is None or p is None:
            continue
        compiled_pairs.append({"key": key, "torch_key": peer_key, "ours_ms": o["median_ms"],
                               "torch_ms": p["median_ms"], "speedup": speedup(o, p)})
    if compiled_pairs:
        print("\nagainst torch.compile (same work; speedup = torch.compile ms / gpu-sr ms):")
        for c in compiled_pairs:
            print("  %-28s %-42s %9s %9s %7s" % (c["key"], c["torch_key"], fmt(c["ours_ms"]), fmt(c["torch_ms"]),
                                                fmt(c["speedup"], 2)))

    print("\ntargets (issue #4):")
    results = []
    for target in TARGETS:
        key, what, test = target[:3]
        peer_key = target[3] if len(target) > 3 else key
        o = ours.get(key)
        if o is None:
            verdict = "NOT MEASURED"
        else:
            verdict = "PASS" if test(o, peer.get(peer_key)) else "FAIL"
        detail = ""
        if o is not None:
            detail = "%s Mpix/s, %s%% of ceiling" % (fmt(o.get("mpix_per_s")), fmt(o.get("percent_of_ceiling"), 1))
            if peer_key in peer:
                detail += ", %sx PyTorch" % fmt(speedup(o, peer[peer_key]), 2)
        results.append({"target": what, "verdict": verdict, "detail": detail})
        print("  %-12s %-46s %s" % (verdict, what, detail))
    by_op = {r.get("op"): r for r in ours_doc["rows"] if r.get("status") == "ok"}
    for op, what in OP_TARGETS:
        o = by_op.get(op)
        verdict = "NOT MEASURED" if o is None else ("PASS" if pct(o) >= 80 else "FAIL")
        detail = "" if o is None else "%s GB/s, %s%% of ceiling" % (fmt(o.get("gb_per_s")),
                                                                   fmt(o.get("percent_of_ceiling"), 1))
        results.append({"target": what, "verdict": verdict, "detail": detail})
        print("  %-12s %-46s %s" % (verdict, what, detail))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"pairs": pairs, "compiled_pairs": compiled_pairs, "targets": results,
                       "peer_not_measured": [{"key": k, "status": st, "reason": r} for k, st, r in skipped]},
                      f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
