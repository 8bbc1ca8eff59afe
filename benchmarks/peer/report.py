#!/usr/bin/env python3
"""Turns one side_by_side.sh results folder into the Markdown tables of BENCHMARKS.md (medians only).

The folder holds gpu-sr.json (required), torch.json and compare.json (as side_by_side.sh writes them) and, when the
lead saved them, devices.txt (nvidia-smi's name, driver, memory, clock line and `gpu-sr devices`) and
engine-tests.txt (the `[gpu-sr] ...` lines the CUDA engine's GPU tests print).

Usage:
  python3 benchmarks/peer/report.py RESULTS_DIR > tables.md
  python3 benchmarks/peer/report.py RESULTS_DIR --update BENCHMARKS.md   # rewrites the marked block in place

speedup = PyTorch median ms / gpu-sr median ms (above 1: gpu-sr is faster), as compare.py counts it.
"""
import argparse
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # importing compare.py must leave no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  -- its TARGETS say which row each issue target judges; one list for both scripts

BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"
fmt = compare.fmt
# cuDNN's enum values as the rows' notes print them (cudnnConvolutionFwdAlgo_t, ...BwdDataAlgo_t, ...BwdFilterAlgo_t)
ALGO_LEGEND = ("cuDNN algorithm numbers: fwd 0 IMPLICIT_GEMM, 1 IMPLICIT_PRECOMP_GEMM, 2 GEMM, 3 DIRECT, 4 FFT, "
               "5 FFT_TILING, 6 WINOGRAD, 7 WINOGRAD_NONFUSED; bwdData 0 ALGO_0, 1 ALGO_1, 2 FFT, 3 FFT_TILING, "
               "4 WINOGRAD, 5 WINOGRAD_NONFUSED; bwdFilter 0 ALGO_0, 1 ALGO_1, 2 FFT, 3 ALGO_3, 4 WINOGRAD, "
               "5 WINOGRAD_NONFUSED, 6 FFT_TILING. fp32 rows admit no FFT/Winograd (4-7 fwd, 2-5 bwdData, "
               "2/4/5/6 bwdFilter).")


TRAIN_DEVICE_NOTE = ("Both sides device-fed: the batch stays on the card, one SGD step (per-layer rates, momentum "
                     "0.9) per run, runs grouped between two CUDA events, median repeat, no loss read back. "
                     "gpu-sr: the bench's `SrcnnPipeline` (GpuCases.train, GpuTimer); PyTorch: eager autograd with "
                     "%s.")
ENGINE_NOTE = ("Host-fed end to end on both sides: 10 training steps per timed repeat, each copying its batch from "
               "host memory, the loss read back after the 10th, host clock, median / 10; forward rows: host tensors "
               "in and out, host clock. gpu-sr: EngineBenchmarks, Java arrays through pinned staging. PyTorch: %s")
PEER_WAYS = {  # srcnn_torch.py's environment.peer_revision (absent before revision 2)
    1: ("torch.optim.SGD's default (foreach) implementation",
        "**pageable** `.to()` / `.cpu()` copies (peer revision 1: not like for like with gpu-sr's pinned staging)."),
    2: ("the SGD implementation its row's note names (fused on CUDA)",
        "pinned host tensors, `non_blocking` copies into preallocated device tensors and out into preallocated "
        "pinned tensors, as its row's note says; the pageable `.to()` / `.cpu()` path of earlier runs is "
        "`engine_*_pageable` in the PyTorch-only table below."),
}


def load_json(folder, name, required):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        if required:
            raise SystemExit("report.py: %s not found; RESULTS_DIR must be a folder written by side_by_side.sh"
                             % path)
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError as e:
        raise SystemExit("report.py: %s is not valid JSON (%s); was the run cut off?" % (path, e))


def load_lines(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def table(header, rows, align):
    """align: one of 'l' / 'r' per column."""
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def pct(v):
    return "-" if v is None else "%s %%" % fmt(v, 1)


def ratio(v):
    return "-" if v is None else "%sx" % fmt(v, 2)


def mib(v):
    return "-" if v is None else fmt(v / 2 ** 20)


class Results:
    def __init__(self, folder, allow_smoke=False):
        self.folder = folder
        self.ours_doc = load_json(folder, "gpu-sr.json", True)
        self.peer_doc = load_json(folder, "torch.json", False) or {"rows": [], "environment": {}}
        if self.peer_doc.get("environment", {}).get("mode") == "smoke" and not allow_smoke:
            raise SystemExit("report.py: %s/torch.json is a `srcnn_torch.py --smoke` run on the CPU: its times are "
                             "no benchmark and never go into BENCHMARKS.md (--allow-smoke only to test report.py)"
                             % folder)
        self.compare_doc = load_json(folder, "compare.json", False) or {"pairs": [], "targets": []}
        self.devices = load_lines(folder, "devices.txt")
        self.engine_tests = load_lines(folder, "engine-tests.txt")
        ok = [r for r in self.ours_doc.get("rows", []) if r.get("status") == "ok"]
        self.ours_rows = ok
        self.peer = {r["key"]: r for r in self.peer_doc.get("rows", []) if r.get("key") and r.get("status") == "ok"}
        self.verdicts = {t["target"]: t["verdict"] for t in self.compare_doc.get("targets", [])}
        self.target_of_key = {t[0]: t[1] for t in compare.TARGETS}
        self.target_of_op = dict(compare.OP_TARGETS)
        self.ceilings = self.ours_doc.get("ceilings") or {}

    def section(self, name):
        return [r for r in self.ours_rows if r.get("section") == name]

    def peer_row(self, r):
        return self.peer.get(r.get("key")) if r.get("key") else None

    def speedup(self, r):
        p = self.peer_row(r)
        return None if p is None else p["median_ms"] / r["median_ms"]

    def target(self, r):
        """(target text, verdict from compare.json) for a row an issue target judges, else ('-', '')."""
        what = self.target_of_key.get(r.get("key")) or self.target_of_op.get(r.get("op"))
        if what is None:
            return "-", ""
        return what, self.verdicts.get(what, "NOT IN compare.json")

    # ---------------------------------------------------------------- tables

    def environment(self):
        eo, ep = self.ours_doc.get("environment", {}), self.peer_doc.get("environment", {})
        driver, card_line = "-", "-"
        if self.devices:
            fields = [f.strip() for f in self.devices[0].split(",")]
            # nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
            if len(fields) >= 2 and re.fullmatch(r"[\d.]+", fields[1]):
                driver = fields[1]
                card_line = ", ".join(fields)
        peer_cudnn = ep.get("cudnn")
        if isinstance(peer_cudnn, int):  # torch.backends.cudnn.version(): 91900 = 9.19.0
            peer_cudnn = "%d.%d.%d (%d)" % (peer_cudnn // 10000, peer_cudnn // 100 % 100, peer_cudnn % 100,
                                            peer_cudnn)
        card = "%s, %s SMs, %s GiB, compute %s, %s MHz SM clock, %s MiB L2" % (
            eo.get("gpu"), eo.get("sms"), eo.get("memory_gib"), eo.get("compute_capability"),
            eo.get("sm_clock_mhz"), eo.get("l2_mib"))
        rows = [
            ("card", card, "%s, %s SMs" % (ep.get("gpu", "-"), ep.get("sms", "-"))),
            ("nvidia-smi (devices.txt)", card_line, "-"),
            ("NVIDIA driver", driver + (" (CUDA driver API %s)" % eo.get("cuda_driver_api")), "-"),
            ("CUDA", "runtime API %s (JCuda's) on driver API %s" % (eo.get("cuda_runtime_jcuda"),
                                                                    eo.get("cuda_driver_api")),
             "%s (PyTorch's build)" % ep.get("cuda", "-")),
            ("cuDNN", "%s (system)" % eo.get("cudnn"), "%s (PyTorch's wheel)" % (peer_cudnn or "-")),
            ("software", "gpu-sr %s, %s, kernels %s" % (eo.get("gpu_sr"), eo.get("java"), eo.get("kernels")),
             "PyTorch %s, Python %s" % (ep.get("torch", "-"), ep.get("python", "-"))),
            ("date (UTC)", eo.get("date", "-"), ep.get("date", "-")),
            ("mode", eo.get("mode", "-"), ep.get("mode", "-")),
            ("host", "%s, %s CPU threads" % (eo.get("os"), eo.get("cpu_threads")), "-"),
        ]
        return table(["", "gpu-sr bench", "PyTorch peer (srcnn_torch.py)"], rows, "lll")

    def ceiling_table(self):
        c = self.ceilings
        rows = []
        copy = next((r for r in self.section("ceiling") if r.get("key") == "copy_d2d"), None)
        peer_copy = self.peer.get("copy_d2d")
        rows.append(("device-to-device copy", "%s GB/s" % fmt(c.get("copy_gb_per_s")),
                     "%s GB/s" % fmt(peer_copy.get("gb_per_s")) if peer_copy else "-",
                     c.get("copy_method", "-") + ("; median %s ms" % fmt(copy["median_ms"]) if copy else "")))
        rows.append(("fp32 FMA peak", "%s TFLOP/s" % fmt(c.get("fp32_fma_tflop_per_s")), "-",
                     c.get("fp32_fma_method", "-")))
        for r in self.section("ceiling"):
            if r.get("key") in ("h2d", "d2h"):
                p = self.peer_row(r)
                rows.append(("%s, %s" % (r["op"], r["shape"]), "%s GB/s (%s ms)" % (fmt(r["gb_per_s"]),
                                                                                      fmt(r["median_ms"])),
                             "%s GB/s (%s ms)" % (fmt(p["gb_per_s"]), fmt(p["median_ms"])) if p else "-",
                             "measured; " + (r.get("note") or "")))
        return table(["ceiling", "gpu-sr", "PyTorch", "how"], rows, "lrrl")

    def kernel_table(self):
        rows = []
        for r in self.section("kernel"):
            what, verdict = self.target(r)
            p = self.peer_row(r)
            name = r["op"] + (" (%s)" % r["model"] if r.get("model") else "")
            rows.append((name, r["shape"], fmt(r["median_ms"]), fmt(r.get("gb_per_s")),
                         pct(r.get("percent_of_ceiling")), fmt(p["median_ms"]) if p else "-",
                         ratio(self.speedup(r)), what, verdict))
        return table(["op", "shape", "median ms", "GB/s", "% of copy bw", "PyTorch ms", "speedup", "target",
                      "verdict"], rows, "llrrrrrll")

    def bicubic_table(self):
        rows = []
        for r in self.section("bicubic"):
            what, verdict = self.target(r)
            p = self.peer_row(r)
            mpix = r.get("mpix_per_s")
            rows.append((r["op"], r["shape"], fmt(r["median_ms"]), fmt(mpix / 1000 if mpix else None),
                         fmt(r.get("gb_per_s")), pct(r.get("percent_of_ceiling")),
                         fmt(p["median_ms"]) if p else "-",
                         fmt(p["mpix_per_s"] / 1000) if p and p.get("mpix_per_s") else "-",
                         ratio(self.speedup(r)), what, verdict))
        return table(["op", "input", "median ms", "Gpix/s out", "GB/s", "% of copy bw", "PyTorch ms",
                      "PyTorch Gpix/s", "speedup", "target", "verdict"], rows, "llrrrrrrrll")

    def conv_table(self):
        rows = []
        for r in self.section("conv"):
            layer, _, direction = r["op"].rpartition(" ")
            p = self.peer_row(r)
            rows.append((r["model"], layer, direction, r.get("precision", "fp32"), r["shape"], fmt(r["median_ms"]),
                         fmt(r.get("tflop_per_s")), pct(r.get("percent_of_ceiling")),
                         (r.get("note") or "").replace("algo ", ""), fmt(p["median_ms"]) if p else "-",
                         ratio(self.speedup(r))))
        return table(["model", "layer", "direction", "precision", "input", "median ms", "TFLOP/s", "% FMA peak",
                      "cuDNN algo", "PyTorch ms", "speedup"], rows, "lllllrrrlrr")

    def peer_way(self):
        revision = self.peer_doc.get("environment", {}).get("peer_revision", 1)
        return PEER_WAYS.get(revision, PEER_WAYS[max(PEER_WAYS)])

    def ours_by_key(self):
        return {r["key"]: r for r in self.ours_rows if r.get("key")}

    def peer_rows(self, section=None, precision=None):
        return [r for r in self.peer_doc.get("rows", []) if r.get("status") == "ok" and r.get("key")
                and (section is None or r.get("section") == section)
                and (precision is None or r.get("precision") == precision)]

    def conv_tf32_table(self):
        """PyTorch's per-layer TF32 rows, beside gpu-sr's rows of the same key where its bench has them."""
        ours = self.ours_by_key()
        rows = []
        for p in self.peer_rows("conv", "tf32"):
            layer, _, direction = p["op"].rpartition(" ")
            o = ours.get(p["key"])
            fp32 = self.peer.get(p["key"].replace("/tf32/", "/fp32/"))
            rows.append((p["model"], layer, direction, p["shape"], fmt(o["median_ms"]) if o else "-",
                         fmt(p["median_ms"]), fmt(p.get("tflop_per_s")),
                         ratio(fp32["median_ms"] / p["median_ms"]) if fp32 else "-",
                         ratio(p["median_ms"] / o["median_ms"]) if o else "-"))
        if not rows:
            return "No per-layer TF32 rows in this run (PyTorch's peer has them from revision 2 on)."
        return table(["model", "layer", "direction", "input", "gpu-sr ms", "PyTorch ms", "PyTorch TFLOP/s",
                      "PyTorch TF32 gain over fp32", "speedup"], rows, "llllrrrrr")

    def compile_table(self):
        """torch.compile rows (or the row saying why there are none), beside gpu-sr's row for the same work."""
        ours = self.ours_by_key()
        rows = []
        for r in self.peer_doc.get("rows", []):
            if r.get("section") != "compile":
                continue
            if r.get("status") != "ok":
                rows.append((r.get("key") or "-", r.get("shape", ""), r.get("status"), "-", "-", "-", "-",
                             r.get("reason", "")))
                continue
            mates = [k for k, pk in compare.COMPILED_PEERS if pk == r["key"] and k in ours]
            rows.append((r["key"], r["shape"], fmt(r["median_ms"]), fmt(r.get("compile_s")),
                         ", ".join("`%s` %s ms" % (k, fmt(ours[k]["median_ms"])) for k in mates) or "-",
                         ", ".join(ratio(r["median_ms"] / ours[k]["median_ms"]) for k in mates) or "-",
                         mib(r.get("peak_device_bytes")), r.get("note") or ""))
        return table(["PyTorch key", "shape", "torch.compile ms", "compile s", "gpu-sr row", "speedup",
                      "peak device MiB", "note"], rows, "llrrlrrl")

    def memory_table(self):
        rows = [(g["group"], ", ".join("`%s`" % k for k in g.get("keys", [])) or "-",
                 mib(g.get("peak_device_bytes")), mib(g.get("pinned_host_bytes")),
                 mib(g.get("pinned_host_peak_bytes")))
                for g in self.peer_doc.get("memory", [])]
        if rows:
            out = table(["PyTorch row group", "rows", "peak device MiB (max_memory_allocated)",
                         "pinned host MiB (tensors)", "pinned host MiB (allocator peak)"], rows, "llrrr")
        else:
            out = "`torch.json` records no memory figures (PyTorch's peer has them from revision 2 on)."
        ours = [r for r in self.ours_rows if r.get("peak_device_bytes") is not None]
        if ours:
            out += "\n\n" + table(["gpu-sr key", "peak device MiB", "pinned host MiB"],
                                   [(r.get("key") or r["op"], mib(r.get("peak_device_bytes")),
                                     mib(r.get("pinned_host_bytes"))) for r in ours], "lrr")
        else:
            out += "\n\ngpu-sr's `gpu-sr.json` records no memory figures (its bench does not measure them yet)."
        return out

    def peer_only_table(self):
        """PyTorch rows that no gpu-sr row pairs with and no table above shows: pinned copies, the pageable host
        path of earlier runs, host-fed training at 16x256, ..."""
        ours = self.ours_by_key()
        rows = []
        for p in self.peer_rows():
            if p["key"] in ours or p["section"] == "compile" or (p["section"] == "conv" and p["precision"] == "tf32"):
                continue
            rows.append((p["section"], "`%s`" % p["key"], p["shape"], fmt(p["median_ms"]), fmt(p.get("mpix_per_s")),
                         fmt(p.get("gb_per_s")), p.get("clock", "-"), mib(p.get("peak_device_bytes")),
                         mib(p.get("pinned_host_bytes")), p.get("note") or ""))
        if not rows:
            return "None: every PyTorch row pairs with a gpu-sr row."
        return table(["section", "PyTorch key", "shape", "median ms", "Mpix/s", "GB/s", "clock", "peak device MiB",
                      "pinned host MiB", "note"], rows, "lllrrrlrrl")

    def not_measured_table(self):
        rows = [(k, st, reason) for k, st, reason in compare.not_measured(self.peer_doc)]
        rows += [("gpu-sr " + (r.get("key") or r.get("op") or r.get("section", "?")), r.get("status"),
                  r.get("reason") or r.get("error") or "") for r in self.ours_doc.get("rows", [])
                 if r.get("status") not in ("ok", None)]
        return table(["row", "status", "reason"], rows, "lll") if rows else "Every row was measured."

    def inference_table(self):
        rows = []
        for r in self.section("inference"):
            what, verdict = self.target(r)
            p = self.peer_row(r)
            rows.append((r["model"], r["precision"], r["shape"], fmt(r["median_ms"]), fmt(r.get("mpix_per_s")),
                         pct(r.get("percent_of_ceiling")), fmt(p["median_ms"]) if p else "-",
                         fmt(p.get("mpix_per_s")) if p else "-", ratio(self.speedup(r)),
                         r.get("note") or "", what, verdict))
        return table(["model", "precision", "input", "median ms", "Mpix/s", "% FMA peak", "PyTorch ms",
                      "PyTorch Mpix/s", "speedup", "cuDNN fwd algo per layer", "target", "verdict"], rows,
                     "lllrrrrrrlll")

    def train_table(self):
        rows = []
        for r in self.section("train"):
            what, verdict = self.target(r)
            p = self.peer_row(r)
            rows.append((r["model"], r["precision"], r["shape"], fmt(r["median_ms"]), fmt(r.get("mpix_per_s")),
                         pct(r.get("percent_of_ceiling")), fmt(p["median_ms"]) if p else "-",
                         fmt(p.get("mpix_per_s")) if p else "-", ratio(self.speedup(r)), what, verdict))
        return table(["model", "precision", "batch", "median ms/step", "Mpix/s", "% FMA peak", "PyTorch ms",
                      "PyTorch Mpix/s", "speedup", "target", "verdict"], rows, "lllrrrrrrll")

    def engine_table(self):
        rows = []
        for r in self.section("engine"):
            p = self.peer_row(r)
            rows.append((r.get("key") or r["op"], r["op"], r["model"], r["shape"], fmt(r["median_ms"]),
                         fmt(r.get("mpix_per_s")), fmt(p["median_ms"]) if p else "-",
                         fmt(p.get("mpix_per_s")) if p else "-", ratio(self.speedup(r)), r.get("note") or "",
                         (p.get("note") or "") if p else ""))
        return table(["key", "what", "model", "shape", "median ms", "Mpix/s", "PyTorch ms", "PyTorch Mpix/s",
                      "speedup", "note", "PyTorch's way"], rows, "llllrrrrrll")

    def engine_test_table(self):
        """The `[gpu-sr] ...` lines of CudaSrcnnTest: one row per measured size, beside PyTorch's row for the
        closest work in torch.json (the lines themselves quote PLATFORM.md's H100 numbers; those are left out).
        The tests time differently from `gpu-sr bench`: means, not medians (see `timed as`)."""
        rows, unparsed = [], []
        for line in self.engine_tests or []:
            if not line.startswith("[gpu-sr]"):
                continue
            text = re.sub(r"\s*\(PyTorch [^()]*(\([^()]*\)[^()]*)*\)", "", line[len("[gpu-sr]"):].strip())
            m = re.match(r"(forward|train) (\d+-\d+-\d+)(?: SGD)?,? ?(?:\[([^\]]*)\])?,? ?(.*?):\s*(.*)$", text)
            if not m:
                unparsed.append(line)
                continue
            work, model, options, where, measured = m.groups()
            options = options or ""
            for seg in measured.split(","):
                s = re.match(r"\s*(?:(\d+)x(\d+)x(\d+) )?([\d.]+) ms(/step)?(?: = ([\d.]+) Mpix/s)?", seg)
                if not s:
                    unparsed.append(line)
                    continue
                n, h, w, ms, _, mpix = s.groups()
                precision = "tf32" if "tf32" in options else "fp32"
                if work == "train":
                    size = "%sx%sx%s" % (n, h, w)
                    batch = "128x33" if (h, w) == ("33", "33") else "%sx%s" % (n, h)
                    # the test hands trainStep host batches, as PyTorch's engine_train rows do; else device-resident
                    candidates = ["engine_train/%s/%s" % (model, batch)] if precision == "fp32" else []
                    candidates.append("train/%s/%s/%s" % (model, precision, batch))
                    what = "train step, host batch"
                    timed = "mean of %d steps, host clock" % (300 if batch == "128x33" else 60)
                    if mpix is None:
                        mpix = fmt(int(n) * int(h) * int(w) / float(ms) / 1e3)
                else:
                    size = where.strip().lstrip(", ")
                    on_gpu = "on the GPU" in where
                    candidates = ["infer/%s/%s" % (model, precision) if on_gpu else "engine_infer/%s" % model]
                    what = "forward, input on the GPU" if on_gpu else "forward incl. transfers"
                    timed = "mean of 5 passes, CUDA events" if on_gpu else "one call (the second), host clock"
                key = next((k for k in candidates if k in self.peer), None)
                p = self.peer.get(key) if key else None
                rows.append((what, model, options or "default", size, timed, ms, mpix or "-",
                             "%s ms (`%s`)" % (fmt(p["median_ms"]), key) if p else "-",
                             ratio(p["median_ms"] / float(ms)) if p else "-"))
        out = table(["work", "model", "engine options", "size", "timed as", "ms", "Mpix/s",
                     "PyTorch (torch.json row)", "speedup"], rows, "lllllrrlr")
        if unparsed:
            out += "\n\nLines not understood by report.py:\n\n```\n" + "\n".join(unparsed) + "\n```"
        return out

    def target_table(self):
        rows = [(t["target"], "**%s**" % t["verdict"], t.get("detail", "")) for t in self.compare_doc["targets"]]
        return table(["target (issue #4)", "verdict", "measured"], rows, "lll")

    # ---------------------------------------------------------------- the whole block

    def markdown(self, folder_label):
        eo = self.ours_doc.get("environment", {})
        parts = ["Generated by `python3 benchmarks/peer/report.py %s` from `gpu-sr.json`, `torch.json` and "
                 "`compare.json` (one `side_by_side.sh` run, %s mode, on %s). Every time is the **median** "
                 "repeat (except the engine tests' own lines, which are means, as labelled); speedup = PyTorch ms / gpu-sr ms (above 1: gpu-sr is faster); PyTorch is the same-run "
                 "peer on the same card." % (folder_label, eo.get("mode", "?"), eo.get("gpu", "?"))]
        if self.ours_doc.get("gpu_skipped"):
            parts.append("**GPU part skipped:** %s" % self.ours_doc["gpu_skipped"])
        parts += ["### Environment", self.environment(),
                  "### Ceilings", self.ceiling_table(),
                  "### Our kernels (fp32)", self.kernel_table(),
                  "### Bicubic", self.bicubic_table(),
                  "### Convolution layers (cuDNN, algorithm from Find)", self.conv_table(), ALGO_LEGEND,
                  "### Convolution layers, TF32 (tensor cores allowed)", self.conv_tf32_table(),
                  "### Inference, device-resident", self.inference_table(),
                  "### Training step, SGD momentum, device-resident", TRAIN_DEVICE_NOTE % self.peer_way()[0],
                  self.train_table(),
                  "### The CUDA engine as users call it (`engine_*` rows)", ENGINE_NOTE % self.peer_way()[1],
                  self.engine_table()]
        if self.engine_tests:
            parts += ["### The CUDA engine's own GPU tests (`engine-tests.txt`)", self.engine_test_table()]
        if any(r.get("section") == "compile" for r in self.peer_doc.get("rows", [])):
            parts += ["### torch.compile", self.compile_table()]
        parts += ["### PyTorch rows with no gpu-sr counterpart", self.peer_only_table(),
                  "### Memory", self.memory_table(),
                  "### Rows not measured", self.not_measured_table(),
                  "### Issue targets (`compare.json`)", self.target_table()]
        return "\n\n".join(parts) + "\n"


def update(path, generated):
    with open(path) as f:
        text = f.read()
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < start:
        raise SystemExit("report.py: %s has no '%s' ... '%s' block to rewrite; add the two markers around the "
                         "generated results first" % (path, BEGIN, END))
    text = text[:start + len(BEGIN)] + "\n" + generated + text[stop:]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results_dir", metavar="RESULTS_DIR")
    ap.add_argument("--update", metavar="MARKDOWN_FILE",
                    help="rewrite the block between %s and %s in this file instead of printing" % (BEGIN, END))
    ap.add_argument("--allow-smoke", action="store_true", help="accept a --smoke torch.json (to test this script)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.results_dir):
        raise SystemExit("report.py: results folder '%s' not found" % args.results_dir)
    generated = Results(args.results_dir, args.allow_smoke).markdown(args.results_dir.rstrip("/"))
    if args.update:
        update(args.update, generated)
    else:
        sys.stdout.write(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
