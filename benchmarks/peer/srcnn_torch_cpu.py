#!/usr/bin/env python3
"""PyTorch CPU peer of `gpu-sr bench --only cpu`: the same SRCNN rows on the CPU, timed the same way (host clock,
median of repeats after warm-up), so the pure-Java engine can be compared with PyTorch's CPU path on one machine.

Rows (keys as gpu-sr's CPU rows): forward of 9-1-5 and 9-5-5 on a 1x1x180x320 image (and 1x1x1024x1024 with
--large), and one SGD training step (paper rates 1e-4/1e-4/1e-5, momentum 0.9, MSE, loss read back every step as
gpu-sr's bench does) on batches of 16 and 128 sub-images of 33x33. Models: c=1, n1=64, n2=32, zero 'same' padding.

With --cpu-time: one thread (torch.set_num_threads(1)) timed by the calling thread's CPU time (time.thread_time),
as java/src/test/java/dev/gpusr/cpu/CpuTimeBenchmark.java times gpu-sr; on a shared machine this measures the work,
not the other processes.

Usage: python3 srcnn_torch_cpu.py --warmup-s S [--threads N] [--large] [--cpu-time] [--json FILE]
"""
import argparse
import json
import platform
import statistics
import sys
import time

sys.dont_write_bytecode = True  # importing peer_common.py must leave no __pycache__ in the checkout
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from peer_common import LR, MODELS  # one definition of the peer's models and rates  # noqa: E402
from peer_common import srcnn as srcnn_on  # noqa: E402


def srcnn(filters):
    """The same network and initialisation as the GPU peer (srcnn_torch.py), on the CPU."""
    return srcnn_on(filters, "cpu")


CLOCK = time.perf_counter


def host_time(run, warmup_s, warmups=3, target_ms=1500.0, min_repeats=3, max_repeats=50):
    """Times run after at least `warmups` runs and `warmup_s` seconds of warm-up (--warmup-s: cpu-vs-torch.sh passes
    gpu-sr bench's own CPU warm-up, the cpu_warmup_ms of its report; the JVM compiles its kernels over the first
    seconds, and PyTorch gets the same time, its oneDNN primitives being made on first use)."""
    start = time.perf_counter()
    i = 0
    while i < warmups or time.perf_counter() - start < warmup_s:
        run()
        i += 1
    ms = []
    while len(ms) < min_repeats or (sum(ms) < target_ms and len(ms) < max_repeats):
        t0 = CLOCK()
        run()
        ms.append((CLOCK() - t0) * 1e3)
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "repeats": len(ms)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--large", action="store_true", help="also the 1024x1024 forward of issue 9's table")
    ap.add_argument("--cpu-time", action="store_true", help="one thread, timed by its CPU time")
    ap.add_argument("--warmup-s", type=float, required=True,
                    help="warm each row up at least this long, as gpu-sr bench does (its report's cpu_warmup_ms)")
    ap.add_argument("--json")
    args = ap.parse_args()
    global CLOCK
    if args.cpu_time:
        args.threads = 1
        CLOCK = time.thread_time
    torch.set_num_threads(args.threads)
    cpu0 = (time.thread_time(), time.process_time())
    rows = []
    sizes = [(180, 320)] + ([(1024, 1024)] if args.large else [])
    with torch.no_grad():
        for name, filters in MODELS.items():
            m = srcnn(filters).eval()
            for h, w in sizes:
                x = torch.rand(1, 1, h, w, generator=torch.Generator().manual_seed(51))
                t = host_time(lambda: m(x), args.warmup_s)
                rows.append({"key": f"cpu srcnn forward {name} 1x1x{h}x{w}", **t})
                print(f"{rows[-1]['key']:<44} {t['median_ms']:10.2f} ms (min {t['min_ms']:.2f}, {t['repeats']} runs)",
                      flush=True)
    for name, filters in MODELS.items():
        for b in (16, 128):
            m = srcnn(filters).train()
            opt = torch.optim.SGD([{"params": m[i].parameters(), "lr": lr} for i, lr in zip((0, 2, 4), LR)],
                                  momentum=0.9)
            g = torch.Generator().manual_seed(52)
            x = torch.rand(b, 1, 33, 33, generator=g)
            y = torch.rand(b, 1, 33, 33, generator=g)

            def step():
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(m(x), y)
                loss.backward()
                opt.step()
                return loss.item()

            t = host_time(step, args.warmup_s)
            rows.append({"key": f"cpu train step sgd {name} {b}x1x33x33", **t})
            print(f"{rows[-1]['key']:<44} {t['median_ms']:10.2f} ms (min {t['min_ms']:.2f}, {t['repeats']} runs)",
                  flush=True)
    # with --cpu-time all work must be on this thread: the process's CPU time shows any that was not
    share = (time.thread_time() - cpu0[0]) / max(1e-9, time.process_time() - cpu0[1])
    print(f"this thread's share of the process CPU time: {share:.3f}", flush=True)
    doc = {"torch": torch.__version__, "threads": args.threads, "thread_share_of_process_cpu": round(share, 4),
           "clock": "thread cpu time" if args.cpu_time else "host", "python": platform.python_version(),
           "cpu": platform.processor() or platform.machine(), "rows": rows}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
