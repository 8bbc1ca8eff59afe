#!/usr/bin/env python3
"""PyTorch + cuDNN peer of `gpu-sr bench`: the same SRCNN models, sizes and precision modes, timed the same way.

Models: SRCNN 9-1-5 and 9-5-5 on Y (c=1, n1=64, n2=32), zero 'same' padding, nn.Conv2d layouts.
Modes: fp32 (TF32 off), tf32 (TF32 on), fp16 (half, channels-last) for inference; fp32 (and tf32) for training.
Timing: CUDA events around each repeat after warm-up, median of the repeats; short ops are grouped between two
events; memory-bound ops rotate between input sets so their working set is >= 3x L2 (as gpu-sr does).
Each row carries the `key` gpu-sr uses for the same work, so compare.py can pair them.

Usage: python3 srcnn_torch.py [--device N] [--quick] [--json FILE] [--only SECTION,...]
Do not point LD_LIBRARY_PATH at a system cuDNN: PyTorch brings its own and refuses to start with another.
"""
import argparse
import datetime
import json
import math
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SECTIONS = ["ceiling", "kernel", "bicubic", "conv", "inference", "train", "engine"]
MODELS = {"9-1-5": (9, 1, 5), "9-5-5": (9, 5, 5)}
N1, N2 = 64, 32
LR = (1e-4, 1e-4, 1e-5)  # the paper's per-layer rates, as gpu-sr's OptimizerConfig.paperSgd()
MOMENTUM = 0.9
STEPS_PER_REPEAT = 10  # engine-style training rows: loss read back every 10 steps


class Plan:
    def __init__(self, quick):
        self.quick = quick
        self.infer = (8, 1080, 1920)
        self.train_sizes = [(128, 33), (16, 256)]
        self.bicubic = (8, 360, 640)
        self.warmups = 2 if quick else 3
        self.target_ms = 120.0 if quick else 400.0
        self.min_repeats = 5 if quick else 10
        self.max_repeats = 100 if quick else 400
        self.min_repeat_ms = 0.2


def srcnn(filters, device, dtype=torch.float32, channels_last=False):
    f1, f2, f3 = filters
    m = nn.Sequential(
        nn.Conv2d(1, N1, f1, padding=f1 // 2), nn.ReLU(inplace=True),
        nn.Conv2d(N1, N2, f2, padding=f2 // 2), nn.ReLU(inplace=True),
        nn.Conv2d(N2, 1, f3, padding=f3 // 2))
    torch.manual_seed(7)
    for layer in m:
        if isinstance(layer, nn.Conv2d):  # He-style init like gpu-sr's BenchData.weights, small biases
            fan_in = layer.in_channels * layer.kernel_size[0] * layer.kernel_size[1]
            nn.init.normal_(layer.weight, std=math.sqrt(2.0 / fan_in))
            nn.init.uniform_(layer.bias, -0.025, 0.025)
    m = m.to(device=device, dtype=dtype)
    if channels_last:
        m = m.to(memory_format=torch.channels_last)
    return m


def set_mode(mode):
    tf32 = mode != "fp32"
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32


def l2_bytes(device):
    props = torch.cuda.get_device_properties(device)
    return getattr(props, "L2_cache_size", 50 << 20) or (50 << 20)


def rotation(l2, footprint):
    return max(1, min(8, -(-3 * l2 // max(1, footprint))))


def cuda_time(run, plan):
    """Median ms per run from CUDA events; run(i) queues run number i."""
    for i in range(plan.warmups):
        run(i)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    i = plan.warmups

    def repeat(k):
        nonlocal i
        t0 = time.perf_counter()
        start.record()
        for _ in range(k):
            run(i)
            i += 1
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / k, (time.perf_counter() - t0) * 1e3 / k

    estimate = repeat(1)[0]
    per = max(1, min(64, math.ceil(plan.min_repeat_ms / estimate))) if estimate > 0 else 64
    reps = max(plan.min_repeats, min(plan.max_repeats, math.ceil(plan.target_ms / max(estimate * per, 1e-6))))
    samples = [repeat(per) for _ in range(reps)]
    return {"median_ms": statistics.median(s[0] for s in samples),
            "min_ms": min(s[0] for s in samples),
            "host_median_ms": statistics.median(s[1] for s in samples),
            "repeats": reps, "runs_per_repeat": per, "clock": "cuda-events"}


def host_time(run, plan, warmups=1):
    for i in range(warmups):
        run(i)
    t0 = time.perf_counter()
    run(warmups)
    estimate = (time.perf_counter() - t0) * 1e3
    reps = max(plan.min_repeats, min(plan.max_repeats, math.ceil(plan.target_ms / max(estimate, 1e-6))))
    ms = []
    for r in range(reps):
        t0 = time.perf_counter()
        run(warmups + 1 + r)
        ms.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "host_median_ms": statistics.median(ms),
            "repeats": reps, "runs_per_repeat": 1, "clock": "host"}


def row(section, op, key, shape, precision, timing, pixels=0.0, nbytes=0.0, flop=0.0, model="", note=""):
    ms = timing["median_ms"]
    r = {"section": section, "op": op, "model": model, "precision": precision, "shape": shape, "key": key,
         "status": "ok", "pixels": pixels, "bytes": nbytes, "flop": flop, "note": note}
    r.update(timing)
    r["mpix_per_s"] = pixels / ms / 1e3 if pixels else None
    r["gb_per_s"] = nbytes / ms / 1e6 if nbytes else None
    r["tflop_per_s"] = flop / ms / 1e9 if flop else None
    return r


def shape_str(*dims):
    return "x".join(str(d) for d in dims)


def rand(shape, device, lo=0.0, hi=1.0, dtype=torch.float32):
    return (torch.rand(shape, device=device, dtype=torch.float32) * (hi - lo) + lo).to(dtype)


def free():
    torch.cuda.synchronize()
    torch.cuda.empty_cache()


# ---------------------------------------------------------------- sections

def ceiling(plan, dev, out):
    nbytes = 1 << 30
    src = torch.empty(nbytes, dtype=torch.uint8, device=dev).random_()
    dst = torch.empty_like(src)
    out(row("ceiling", "d2d copy", "copy_d2d", "1 GiB", "", cuda_time(lambda i: dst.copy_(src), plan),
            nbytes=2.0 * nbytes, note="Tensor.copy_; bytes = read + written"))
    del src, dst
    n, h, w = plan.infer
    host = torch.rand(n, 1, h, w)  # pageable, like a Java float[]
    gpu = torch.empty(n, 1, h, w, device=dev)
    px = float(n * h * w)
    out(row("ceiling", "h2d copy pageable", "h2d", shape_str(n, 1, h, w), "fp32",
            cuda_time(lambda i: gpu.copy_(host), plan), pixels=px, nbytes=4 * px))
    out(row("ceiling", "d2h copy pageable", "d2h", shape_str(n, 1, h, w), "fp32",
            cuda_time(lambda i: host.copy_(gpu), plan), pixels=px, nbytes=4 * px))
    del host, gpu
    free()


def kernel(plan, dev, out):
    l2 = l2_bytes(dev)
    n, s = plan.train_sizes[1]
    count = n * N1 * s * s
    sets = rotation(l2, 4 * count)
    xs = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]
    b = rand((N1,), dev, -1e-4, 1e-4).view(1, -1, 1, 1)

    def bias_relu(i):
        x = xs[i % sets]
        x.add_(b).relu_()
    out(row("kernel", "bias+relu fwd (add_ + relu_)", "bias_relu_fwd", shape_str(n, N1, s, s), "fp32",
            cuda_time(bias_relu, plan), pixels=float(n * s * s), nbytes=8.0 * count, note="eager: two passes"))
    del xs
    sets = rotation(l2, 8 * count)
    dys = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]
    ys = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]

    def bias_relu_bwd(i):
        k = i % sets
        g = torch.ops.aten.threshold_backward(dys[k], ys[k], 0)
        g.sum(dim=(0, 2, 3))
    out(row("kernel", "bias+relu bwd (threshold_backward + sum)", "bias_relu_bwd", shape_str(n, N1, s, s), "fp32",
            cuda_time(bias_relu_bwd, plan), pixels=float(n * s * s), nbytes=12.0 * count,
            note="what autograd runs; gradient not in place"))
    del dys, ys
    free()
    for key, shp in (("mse_large", (plan.infer[0], 1, plan.infer[1], plan.infer[2])),
                     ("mse_train", (n, 1, s, s))):
        cnt = math.prod(shp)
        sets = rotation(l2, 12 * cnt)
        outs = [rand(shp, dev) for _ in range(sets)]
        tgts = [rand(shp, dev) for _ in range(sets)]
        one = torch.ones((), device=dev)

        def mse(i):
            k = i % sets
            torch.ops.aten.mse_loss(outs[k], tgts[k], 1)
            torch.ops.aten.mse_loss_backward(one, outs[k], tgts[k], 1)
        out(row("kernel", "mse loss+grad", key, shape_str(*shp), "fp32", cuda_time(mse, plan),
                pixels=float(cnt), nbytes=12.0 * cnt, note="aten mse_loss + mse_loss_backward"))
        del outs, tgts
        free()


def bicubic(plan, dev, out):
    l2 = l2_bytes(dev)
    n, h, w = plan.bicubic
    for k in (2, 3, 4):
        inp = n * h * w
        outp = inp * k * k
        sets = rotation(l2, 4 * (inp + outp))
        xs = [rand((n, 1, h, w), dev) for _ in range(sets)]
        out(row("bicubic", "bicubic up x%d (interpolate)" % k, "bicubic_up_x%d" % k, shape_str(n, 1, h, w), "fp32",
                cuda_time(lambda i: F.interpolate(xs[i % sets], scale_factor=k, mode="bicubic",
                                                  align_corners=False), plan),
                pixels=float(outp), nbytes=4.0 * (inp + outp), note="a=-0.75, not MATLAB's -0.5"))
        del xs
        free()
    bh, bw = plan.infer[1], plan.infer[2]
    inp = n * bh * bw
    outp = n * (-(-bh // 3)) * (-(-bw // 3))
    sets = rotation(l2, 4 * (inp + outp))
    xs = [rand((n, 1, bh, bw), dev) for _ in range(sets)]
    out(row("bicubic", "bicubic down /3 (antialias)", "bicubic_down_x3", shape_str(n, 1, bh, bw), "fp32",
            cuda_time(lambda i: F.interpolate(xs[i % sets], size=(-(-bh // 3), -(-bw // 3)), mode="bicubic",
                                              antialias=True, align_corners=False), plan),
            pixels=float(outp), nbytes=4.0 * (inp + outp)))
    del xs
    free()


def conv(plan, dev, out):
    set_mode("fp32")
    n, h, w = plan.infer
    models = ["9-1-5"] if plan.quick else list(MODELS)
    for name in models:
        m = srcnn(MODELS[name], dev)
        convs = [l for l in m if isinstance(l, nn.Conv2d)]
        with torch.no_grad():
            for li, c in enumerate(convs):
                x = rand((n, c.in_channels, h, w), dev)
                f = c.kernel_size[0]
                px = float(n * h * w)
                macs = px * c.in_channels * c.out_channels * f * f
                tag = shape_str(n, h, w)
                out(row("conv", "conv%d %dx%d %d->%d fwd" % (li + 1, f, f, c.in_channels, c.out_channels),
                        "conv%d_fwd/%s/fp32/%s" % (li + 1, name, tag), shape_str(n, c.in_channels, h, w), "fp32",
                        cuda_time(lambda i: F.conv2d(x, c.weight, None, padding=f // 2), plan), pixels=px,
                        flop=2 * macs, model=name))
                del x
                free()


def inference(plan, dev, out):
    n, h, w = plan.infer
    px = float(n * h * w)
    for name, filters in MODELS.items():
        macs = filters[0] ** 2 * N1 + filters[1] ** 2 * N1 * N2 + filters[2] ** 2 * N2
        for mode in ("fp32", "tf32", "fp16"):
            set_mode(mode)
            half = mode == "fp16"
            m = srcnn(filters, dev, torch.float16 if half else torch.float32, channels_last=half).eval()
            x = rand((n, 1, h, w), dev, dtype=torch.float16 if half else torch.float32)
            if half:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.no_grad():
                t = cuda_time(lambda i: m(x), plan)
            out(row("inference", "srcnn forward", "infer/%s/%s" % (name, mode), shape_str(n, 1, h, w), mode, t,
                    pixels=px, flop=2 * px * macs, model=name))
            del m, x
            free()


def train_macs_per_pixel(filters):
    f1, f2, f3 = filters
    fwd = f1 * f1 * N1 + f2 * f2 * N1 * N2 + f3 * f3 * N2
    return 3 * fwd - f1 * f1 * N1


def make_step(m, opt, x, t):
    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(m(x), t)
        loss.backward()
        opt.step()
        return loss
    return step


def sgd(m):
    convs = [l for l in m if isinstance(l, nn.Conv2d)]
    return torch.optim.SGD([{"params": c.parameters(), "lr": lr} for c, lr in zip(convs, LR)], momentum=MOMENTUM)


def train(plan, dev, out):
    modes = ["fp32"] if plan.quick else ["fp32", "tf32"]
    for name, filters in MODELS.items():
        for batch, size in plan.train_sizes:
            px = float(batch * size * size)
            for mode in modes:
                set_mode(mode)
                m = srcnn(filters, dev)
                x = rand((batch, 1, size, size), dev)
                t = rand((batch, 1, size, size), dev)
                out(row("train", "train step sgd", "train/%s/%s/%dx%d" % (name, mode, batch, size),
                        shape_str(batch, 1, size, size), mode, cuda_time(make_step(m, sgd(m), x, t), plan),
                        pixels=px, flop=2 * px * train_macs_per_pixel(filters), model=name))
                del m, x, t
                free()


def engine(plan, dev, out):
    """Host-to-host rows, the counterpart of gpu-sr's engine rows (fp32, TF32 off)."""
    set_mode("fp32")
    models = ["9-1-5"] if plan.quick else list(MODELS)
    n, h, w = plan.infer
    px = float(n * h * w)
    for name in models:
        filters = MODELS[name]
        m = srcnn(filters, dev).eval()
        host = torch.rand(n, 1, h, w)
        macs = filters[0] ** 2 * N1 + filters[1] ** 2 * N1 * N2 + filters[2] ** 2 * N2

        def h2h(i):
            with torch.no_grad():
                m(host.to(dev)).cpu()
        out(row("engine", "forward host to host", "engine_infer/" + name, shape_str(n, 1, h, w), "fp32",
                host_time(h2h, plan, warmups=plan.warmups), pixels=px, flop=2 * px * macs, model=name,
                note="pageable CPU tensor in and out"))
        del m, host
        free()
        batch, size = plan.train_sizes[0]
        m = srcnn(filters, dev)
        opt = sgd(m)
        xh = torch.rand(batch, 1, size, size)
        th = torch.rand(batch, 1, size, size)

        def steps(i):
            loss = None
            for _ in range(STEPS_PER_REPEAT):
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(m(xh.to(dev)), th.to(dev))
                loss.backward()
                opt.step()
            loss.item()
        t = host_time(steps, plan)
        for k in ("median_ms", "min_ms", "host_median_ms"):
            t[k] /= STEPS_PER_REPEAT
        bpx = float(batch * size * size)
        out(row("engine", "train step host batch", "engine_train/%s/%dx%d" % (name, batch, size),
                shape_str(batch, 1, size, size), "fp32", t, pixels=bpx, flop=2 * bpx * train_macs_per_pixel(filters),
                model=name, note="batch copied from the host each step; loss read every %d steps" % STEPS_PER_REPEAT))
        del m, opt
        free()


def fmt(v):
    if v is None or not math.isfinite(v):
        return "-"
    a = abs(v)
    return "%.0f" % v if a >= 1000 else "%.1f" % v if a >= 100 else "%.2f" % v if a >= 10 else "%.3f" % v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--only", metavar="SECTION,...", help=",".join(SECTIONS))
    args = ap.parse_args(argv)
    sections = SECTIONS if not args.only else [s.strip() for s in args.only.split(",")]
    for s in sections:
        if s not in SECTIONS:
            ap.error("unknown section %r (known: %s)" % (s, ", ".join(SECTIONS)))
    if not torch.cuda.is_available():
        print("srcnn_torch.py: no CUDA device visible to PyTorch", file=sys.stderr)
        return 1
    dev = torch.device("cuda", args.device)
    torch.cuda.set_device(dev)
    torch.backends.cudnn.benchmark = True  # cuDNN Find, as gpu-sr does
    plan = Plan(args.quick)
    props = torch.cuda.get_device_properties(dev)
    env = {"tool": "srcnn_torch.py", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": " ".join(["srcnn_torch.py"] + (argv if argv is not None else sys.argv[1:])),
           "mode": "quick" if args.quick else "full", "gpu": props.name, "sms": props.multi_processor_count,
           "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
           "python": platform.python_version()}
    rows = []

    def save():
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"tool": "srcnn_torch.py", "environment": env, "rows": rows}, f, indent=1)

    def out(r):
        rows.append(r)
        print("[torch] %s %s %s %s %s: %s ms" % (r["section"], r["op"], r["model"], r["precision"], r["shape"],
                                                 fmt(r["median_ms"])), file=sys.stderr, flush=True)

    funcs = {"ceiling": ceiling, "kernel": kernel, "bicubic": bicubic, "conv": conv, "inference": inference,
             "train": train, "engine": engine}
    failed = 0
    for s in SECTIONS:
        if s not in sections:
            continue
        try:
            funcs[s](plan, dev, out)
        except Exception as e:  # keep going: one failing section must not cost the others
            failed += 1
            rows.append({"section": s, "status": "error", "reason": "%s: %s" % (type(e).__name__, e)})
            print("[torch] section %s failed: %s" % (s, e), file=sys.stderr, flush=True)
            free()
        save()
    for k, v in env.items():
        print("%s: %s" % (k, v))
    print("%-9s %-42s %-6s %-5s %-16s %10s %9s %9s %8s" % ("section", "op", "model", "prec", "shape", "median ms",
                                                          "Mpix/s", "GB/s", "TFLOP/s"))
    for r in rows:
        if r.get("status") != "ok":
            print("%-9s %s" % (r["section"], r.get("reason")))
            continue
        print("%-9s %-42s %-6s %-5s %-16s %10s %9s %9s %8s" % (r["section"], r["op"], r["model"], r["precision"],
                                                              r["shape"], fmt(r["median_ms"]), fmt(r["mpix_per_s"]),
                                                              fmt(r["gb_per_s"]), fmt(r["tflop_per_s"])))
    if args.json:
        print("wrote " + args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
