#!/usr/bin/env python3
"""Files-to-files benchmark: `gpu-sr upscale --scale 2` and the tuned PyTorch + Pillow peer (benchmarks/peer/
batch_torch.py) on the same folder of 720p PNG photos, in the same run, repeated; one JSON row per side and run, then
min / median / max. Results go to a NEW folder under benchmarks/results/ (never overwritten).

Modes:
  peer (default)  gpu-sr (default -j) and the peer, --runs times each, alternating.
  cpu2            for a small CPU machine: a bicubic batch (--n, default 24) with the default -j and with -j 1:1:1
                  (outputs compared byte for byte with cmp), then CPU SRCNN files/s on --srcnn-n images.

Usage: run.py [--mode peer|cpu2] [--n N] [--runs R] [--device auto|cpu|0] [--gpu-sr BIN] [--python PY]
              [--sources DIR] [--inputs DIR] [--results DIR] [--name NAME] [--peer-args "..."] [--srcnn-n N]
              [--deadline-s S]
--python is the interpreter with Pillow (and for the peer PyTorch, numpy, safetensors); default: python3.
--deadline-s S (peer mode): start no run (all sides once) that the last run's duration says would end after S seconds
from the script's start; the summary says how many runs were done and why it stopped. A SIGTERM or Ctrl-C likewise ends the
runs early (the side running then is lost) and still writes the summary of those done.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))



def record_source(out, files):
    """source.txt: the commit the scripts ran from (and whether they had local changes) and each script's sha256,
    so the run names its exact code without a copy of it."""
    import hashlib
    import subprocess
    here = os.path.dirname(os.path.abspath(__file__))
    def git(*args):
        try:
            return subprocess.run(["git", "-C", here] + list(args), capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    lines = ["commit " + (git("rev-parse", "HEAD") or "unknown")]
    dirty = git("status", "--porcelain", "--", *files)
    lines.append("local changes: " + ("yes" if dirty else "no"))
    for f in files:
        with open(f, "rb") as fh:
            lines.append("sha256 %s  %s" % (hashlib.sha256(fh.read()).hexdigest(), os.path.relpath(f, here + "/../..")))
    with open(os.path.join(out, "source.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")

def find_gpu_sr(explicit):
    if explicit:
        return explicit
    dist = os.path.join(ROOT, "java", "target", "dist", "gpu-sr", "bin", "gpu-sr")
    return dist if os.access(dist, os.X_OK) else os.path.join(ROOT, "gpu-sr")


def machine_name(device):
    if device != "cpu":
        try:
            name = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", "0"],
                                  capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
            m = re.search(r"([AHLBV]\d{2,3}|RTX ?\w+)", name)
            return (m.group(1) if m else name.split()[-1]).replace(" ", "").lower()
        except (OSError, IndexError, subprocess.SubprocessError):
            pass
    return "cpu%d" % (os.cpu_count() or 1)


def new_folder(results, name):
    base = os.path.join(results, name)
    path, k = base, 2
    while os.path.exists(path):
        path, k = "%s-%d" % (base, k), k + 1
    os.makedirs(path)
    return path


def folder_bytes(d):
    if not os.path.isdir(d):  # a side that failed before writing anything
        return 0, 0
    files = [os.path.join(d, f) for f in os.listdir(d) if not f.startswith(".")]
    return sum(os.path.getsize(f) for f in files), len(files)


def png_pixels(folder):
    """Sum of width x height of the PNGs in folder, from their IHDR."""
    total = 0
    for f in os.listdir(folder):
        if f.lower().endswith(".png"):
            with open(os.path.join(folder, f), "rb") as fh:
                head = fh.read(24)
            total += int.from_bytes(head[16:20], "big") * int.from_bytes(head[20:24], "big")
    return total


def has_jobs_option(bin_):
    r = subprocess.run([bin_, "upscale", "--help"], capture_output=True, text=True, timeout=300)
    return "--jobs" in r.stdout + r.stderr


def parse_gpu_sr(stderr):
    """Numbers gpu-sr prints: today's 'upscaled N of M images xK in S s', and the pipeline's summary line
    'N of M images in S s: X images/s, Y Mpix/s out; busy: decode P% of T, device P% ..., encode P% ...'."""
    out = {}
    m = re.search(r"upscaled (\d+) of (\d+) images x(\d+) in ([\d.]+) s", stderr)
    if m:
        out["ok"], out["total"], out["seconds"] = int(m.group(1)), int(m.group(2)), float(m.group(4))
    # only the summary line: the progress bar before it prints running rates too
    summary = [l for l in stderr.splitlines() if re.search(r"images in [\d.]+ s:", l)]
    line = summary[-1] if summary else ""
    m = re.search(r"([\d.]+) images/s", line)
    if m:
        out["images_per_s"] = float(m.group(1))
    m = re.search(r"([\d.]+) Mpix/s", line)
    if m:
        out["mpix_per_s_out"] = float(m.group(1))
    stages = {}
    for name in ("decode", "device", "encode"):
        m = re.search(name + r" ([\d.]+)%", line)
        if m:
            stages[name] = {"share": float(m.group(1)) / 100}
    if stages:
        out["stages"] = stages
    return out


def run_gpu_sr(bin_, inputs, out_dir, n, args, label, log, env_extra=None):
    cmd = [bin_, "upscale", "--scale", "2"] + args + [inputs, "-o", out_dir]
    env = dict(os.environ, **(env_extra or {}))
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    with open(log, "a") as f:
        f.write("$ %s\n%s%s(rc %d, %.2f s)\n" % (" ".join(cmd), r.stdout, r.stderr, r.returncode, wall))
    parsed = parse_gpu_sr(r.stderr)
    size, count = folder_bytes(out_dir)
    secs = parsed.get("seconds", wall)
    row = {"side": label, "command": " ".join(["%s=%s" % kv for kv in (env_extra or {}).items()] + cmd[1:]),
           "rc": r.returncode, "images": count,
           "wall_s": round(wall, 3), "seconds": round(secs, 3),
           "images_per_s": parsed.get("images_per_s", round(count / secs, 3) if secs > 0 else None),
           "bytes_per_image": round(size / count) if count else None}
    if "mpix_per_s_out" in parsed:
        row["mpix_per_s_out"] = parsed["mpix_per_s_out"]
    elif count and secs > 0:
        row["mpix_per_s_out"] = round(png_pixels(out_dir) / secs / 1e6, 3)
    if "stages" in parsed:
        row["stages"] = parsed["stages"]
    if count != n or r.returncode != 0:
        row["problem"] = "wrote %d of %d outputs, rc %d (see log.txt)" % (count, n, r.returncode)
    return row


def run_peer(python, inputs, out_dir, device, extra, log):
    cmd = [python, os.path.join(ROOT, "benchmarks", "peer", "batch_torch.py"), inputs, "-o", out_dir] + extra
    if device == "cpu":
        cmd += ["--device", "cpu"]
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)  # PyTorch brings its own cuDNN
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    with open(log, "a") as f:
        f.write("$ %s\n%s%s(rc %d, %.2f s)\n" % (" ".join(cmd), r.stdout, r.stderr, r.returncode, wall))
    try:
        row = json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"side": "peer", "rc": r.returncode, "problem": "no result (see log.txt)"}
    row["peer"] = row.get("side")
    row["side"] = "peer"
    row["wall_s"] = round(wall, 3)
    row["rc"] = r.returncode
    return row


PSNR_SCRIPT = '''
import sys
import numpy as np
from PIL import Image
a = np.asarray(Image.open(sys.argv[1])).astype(np.float64)
b = np.asarray(Image.open(sys.argv[2])).astype(np.float64)
if a.shape != b.shape:
    print("shapes differ: %s vs %s" % (a.shape, b.shape)); sys.exit(1)
d = np.abs(a - b); mse = (d ** 2).mean()
print("%.2f %d %.4f" % (99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse), d.max(), (d == 0).mean()))
'''


def same_work(python, ours, theirs):
    """PSNR of the peer's output against gpu-sr's for one image: the two sides must do the same job."""
    r = subprocess.run([python, "-c", PSNR_SCRIPT, ours, theirs], capture_output=True, text=True)
    try:
        psnr, maxdiff, same = r.stdout.split()
        return {"image": os.path.basename(ours), "psnr_db": float(psnr), "max_abs_diff": int(maxdiff),
                "identical_share": float(same), "ok": float(psnr) > 40}
    except ValueError:
        return {"image": os.path.basename(ours), "problem": (r.stdout + r.stderr).strip()[-300:], "ok": False}


def identical(a, b):
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False, "different file names"
    for f in names:
        if subprocess.run(["cmp", "-s", os.path.join(a, f), os.path.join(b, f)]).returncode != 0:
            return False, f + " differs"
    return True, "%d files byte-identical (cmp)" % len(names)


def summarize(rows, key="images_per_s"):
    by = {}
    for r in rows:
        if r.get(key) is not None and "problem" not in r:
            by.setdefault(r["side"], []).append(r)
    out = {}
    for side, rs in by.items():
        v = sorted(r[key] for r in rs)
        s = {"runs": len(v), "min": v[0], "median": statistics.median(v), "max": v[-1]}
        for extra in ("mpix_per_s_out", "bytes_per_image"):
            xs = [r[extra] for r in rs if r.get(extra) is not None]
            if xs:
                s[extra + "_median"] = statistics.median(xs)
        out[side] = s
    return out


class Rows(list):
    """The result rows, each also appended to rows.jsonl at once (a run cut short keeps what it measured)."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def append(self, row):
        super().append(row)
        with open(self.path, "a") as f:
            f.write(json.dumps(row) + "\n")


def stop(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)  # subprocess.run kills the running child on the way out


def main():
    signal.signal(signal.SIGTERM, stop)
    started = time.perf_counter()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=["peer", "cpu2"], default="peer")
    p.add_argument("--n", type=int)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--device", default="auto")
    p.add_argument("--gpu-sr")
    p.add_argument("--python", default="python3")
    p.add_argument("--sources")
    p.add_argument("--inputs", help="an existing folder of inputs (default: made with make_inputs.py)")
    p.add_argument("--results", default=os.path.join(ROOT, "benchmarks", "results"))
    p.add_argument("--name", help="results folder name (default: <card or cpuN>-<date>-batch[-cpu2])")
    p.add_argument("--peer-args", default="", help="extra arguments for batch_torch.py")
    p.add_argument("--srcnn-n", type=int, default=4, help="cpu2 mode: images for the CPU SRCNN files/s")
    p.add_argument("--deadline-s", type=float, default=0, metavar="S",
                   help="peer mode: start no run that would end after S seconds from the start")
    p.add_argument("--variant", action="append", default=[], metavar="LABEL:VAR=VALUE",
                   help="peer mode: one more gpu-sr side run with an environment variable set "
                        "(e.g. 'gpu-sr device pixels:GPUSR_CUDA_PIXELS=device')")
    a = p.parse_args()
    n = a.n or (24 if a.mode == "cpu2" else 64)
    bin_ = find_gpu_sr(a.gpu_sr)
    date = datetime.date.today().isoformat()
    name = a.name or "%s-%s-batch%s" % (machine_name(a.device), date, "-cpu2" if a.mode == "cpu2" else "")
    out = new_folder(a.results, name)
    log = os.path.join(out, "log.txt")
    work = tempfile.mkdtemp(prefix="gpusr-batch-")
    info = {}
    rows = Rows(os.path.join(out, "rows.jsonl"))
    try:
        with open("/proc/loadavg") as f:
            load_before = f.read().strip()
        inputs = a.inputs
        if not inputs:
            inputs = os.path.join(work, "in")
            cmd = [a.python, os.path.join(HERE, "make_inputs.py"), inputs, str(n)]
            if a.sources:
                cmd += ["--sources", a.sources]
            subprocess.run(cmd, check=True)
        n = len([f for f in os.listdir(inputs) if f.lower().endswith((".png", ".jpg", ".jpeg"))])
        jobs = has_jobs_option(bin_)
        info.update({"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "mode": a.mode, "images": n, "input": "1280x720 PNG photos (make_inputs.py)", "scale": 2,
                "gpu_sr": bin_, "gpu_sr_has_jobs_option": jobs, "device": a.device, "cores": os.cpu_count(),
                "load_before": load_before})
        dev = ["--device", a.device] if a.device != "auto" else []
        if a.mode == "peer":
            peer_extra = a.peer_args.split()
            last = 0.0
            done = 0
            try:
                for r in range(1, a.runs + 1):
                    if a.deadline_s and time.perf_counter() - started + last > a.deadline_s:
                        info["cut_short"] = ("%d of %d runs: another would end past --deadline-s %g (the last took "
                                             "%.0f s)" % (done, a.runs, a.deadline_s, last))
                        print(info["cut_short"], flush=True)
                        break
                    run_started = time.perf_counter()
                    od = os.path.join(work, "gpusr-%d" % r)
                    row = run_gpu_sr(bin_, inputs, od, n, dev, "gpu-sr", log)
                    row["run"] = r
                    rows.append(row)
                    print(json.dumps(row), flush=True)
                    ours = od
                    for v in a.variant:
                        label, _, assignment = v.partition(":")
                        var, _, value = assignment.partition("=")
                        vd = os.path.join(work, "variant-%d" % r)
                        row = run_gpu_sr(bin_, inputs, vd, n, dev, label, log, {var: value})
                        row["run"] = r
                        rows.append(row)
                        print(json.dumps(row), flush=True)
                        shutil.rmtree(vd, ignore_errors=True)
                    od = os.path.join(work, "peer-%d" % r)
                    row = run_peer(a.python, inputs, od, a.device, peer_extra, log)
                    row["run"] = r
                    rows.append(row)
                    print(json.dumps(row), flush=True)
                    if r == 1:
                        first = sorted(f for f in os.listdir(ours) if f.endswith(".png"))[:1] if os.path.isdir(ours) else []
                        if first:
                            info["same_work"] = same_work(a.python, os.path.join(ours, first[0]),
                                                          os.path.join(od, first[0]))
                            print("same work: " + json.dumps(info["same_work"]), flush=True)
                    shutil.rmtree(ours, ignore_errors=True)
                    shutil.rmtree(od, ignore_errors=True)
                    done = r
                    last = time.perf_counter() - run_started
            except KeyboardInterrupt as e:
                info["cut_short"] = "%d of %d runs: stopped by %s during run %d" % (done, a.runs, e, done + 1)
                print(info["cut_short"], flush=True)
        else:
            variants = [("gpu-sr bicubic, default -j", [])]
            if jobs:
                variants.append(("gpu-sr bicubic, -j 1:1:1", ["-j", "1:1:1"]))
            else:
                info["note"] = "this gpu-sr has no -j option: only its default ran"
            kept = {}
            for r in range(1, a.runs + 1):
                for label, extra in variants:
                    od = os.path.join(work, re.sub(r"\W+", "_", label) + "-%d" % r)
                    row = run_gpu_sr(bin_, inputs, od, n, ["--method", "bicubic", "--device", "cpu"] + extra, label, log)
                    row["run"] = r
                    rows.append(row)
                    print(json.dumps(row), flush=True)
                    if label in kept:
                        shutil.rmtree(od, ignore_errors=True)
                    else:
                        kept[label] = od
            if len(kept) == 2:
                same, why = identical(*kept.values())
                info["outputs_identical"] = same
                info["outputs_compared"] = why
            s = summarize(rows)
            if len(variants) == 2 and all(v[0] in s for v in variants):
                info["speedup_default_vs_1_1_1"] = round(s[variants[0][0]]["median"] / s[variants[1][0]]["median"], 3)
            # CPU SRCNN files/s on the first few inputs
            few = os.path.join(work, "few")
            os.makedirs(few)
            for f in sorted(os.listdir(inputs))[:a.srcnn_n]:
                shutil.copy(os.path.join(inputs, f), few)
            for r in range(1, a.runs + 1):
                od = os.path.join(work, "srcnn-%d" % r)
                row = run_gpu_sr(bin_, few, od, a.srcnn_n, ["--device", "cpu"], "gpu-sr SRCNN x2 on the CPU", log)
                row["run"] = r
                rows.append(row)
                print(json.dumps(row), flush=True)
                shutil.rmtree(od, ignore_errors=True)
        with open("/proc/loadavg") as f:
            info["load_after"] = f.read().strip()
        info["summary_images_per_s"] = summarize(rows)
        with open(os.path.join(out, "summary.json"), "w") as f:
            json.dump(info, f, indent=1)
            f.write("\n")
        record_source(out, [os.path.abspath(__file__)])
        lines = ["%-36s %4s %22s %10s %14s" % ("side", "runs", "images/s min/med/max", "Mpix/s", "bytes/image")]
        for side, s in info["summary_images_per_s"].items():
            lines.append("%-36s %4d %6.2f / %6.2f / %6.2f %10.1f %14s" % (
                side, s["runs"], s["min"], s["median"], s["max"], s.get("mpix_per_s_out_median", float("nan")),
                "{:,}".format(int(s["bytes_per_image_median"])) if "bytes_per_image_median" in s else "-"))
        for r in rows:
            if "problem" in r:
                lines.append("%s run %s: %s" % (r.get("side"), r.get("run"), r["problem"]))
        for k in ("same_work", "outputs_compared", "speedup_default_vs_1_1_1", "note", "cut_short"):
            if k in info:
                lines.append("%s: %s" % (k, info[k]))
        lines.append("load: before %s, after %s; results in %s" % (info["load_before"], info["load_after"], out))
        text = "\n".join(lines)
        with open(os.path.join(out, "summary.txt"), "w") as f:
            f.write(text + "\n")
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in rows if "problem" in r]
    return 1 if bad or not info.get("same_work", {"ok": True})["ok"] or info.get("outputs_identical") is False else 0


if __name__ == "__main__":
    sys.exit(main())
