#!/usr/bin/env python3
"""PyTorch + cuDNN peer of `gpu-sr bench`: the same SRCNN models, sizes and precision modes, timed the same way.

Models: SRCNN 9-1-5 and 9-5-5 on Y (c=1, n1=64, n2=32), zero 'same' padding, nn.Conv2d layouts.
Modes: fp32 (TF32 off), tf32 (TF32 on), fp16 (half, channels-last) for inference; fp32 (and tf32) for training.
Timing: CUDA events around each repeat after warm-up, median of the repeats; short ops are grouped between two
events; memory-bound ops rotate between input sets so their working set is >= 3x L2 (as gpu-sr does).
Each row carries the `key` gpu-sr uses for the same work, so compare.py can pair them. The models, timers, row
format and memory record are in peer_common.py (shared with srcnn_torch_cpu.py).

The training step is measured the two ways gpu-sr's bench measures it (dev.gpusr.bench):
  train/MODEL/PREC/BxS         device-fed: batch already on the card, one step per run, CUDA events, median
                               (gpu-sr: GpuCases.train, GpuTimer);
  engine_train/MODEL/BxS       host-fed end to end: each step copies the batch from pinned host memory
                               (non_blocking) into preallocated device tensors, 10 steps per timed repeat with the
                               loss read back after the 10th, host clock, median / 10 (gpu-sr: EngineBenchmarks,
                               HostTimer, STEPS_PER_REPEAT = 10).
The host-to-host rows (engine_*) use pinned host tensors, non_blocking copies and preallocated outputs, as a tuned
PyTorch program does; the pageable `.to()` / `.cpu()` rows are kept as engine_*_pageable/... and say so.
Section `compile` adds torch.compile rows (infer_compiled/..., train_compiled/...) where this PyTorch can compile
for the device, else one row saying why not. Every row group records its peak device memory
(torch.cuda.max_memory_allocated after a reset) and the pinned host memory it held (JSON `memory`, and per row).

Usage: python3 srcnn_torch.py [--device N] [--quick] [--json FILE] [--only SECTION,...] [--deadline-s S]
       python3 srcnn_torch.py --smoke [--json FILE]   # CPU-only PyTorch: every section on tiny sizes, host clock;
                                                      # checks the script runs, its numbers are not benchmarks
Do not point LD_LIBRARY_PATH at a system cuDNN: PyTorch brings its own and refuses to start with another.
"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import sys
import time

sys.dont_write_bytecode = True  # importing peer_common.py must leave no __pycache__ in the checkout
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from peer_common import (MODELS, N1, STEPS_PER_REPEAT, Memory, Plan, cuda_time, describe, fmt, free,  # noqa: E402
                         host_time, l2_bytes, macs_per_pixel, make_step, mib, models_for, not_run, optimizer_name,
                         per_step, rand, rotation, row, set_mode, sgd, shape_str, srcnn, sync, train_macs_per_pixel)

SECTIONS = ["ceiling", "kernel", "bicubic", "conv", "inference", "train", "engine", "compile"]
CONV_DIRECTIONS = ("fwd", "bwd-data", "bwd-filter")  # gpu-sr's ConvOps.Direction ids


# ---------------------------------------------------------------- sections

def ceiling(plan, dev, out, mem):
    with mem.group("ceiling/copy_d2d"):
        nbytes = plan.copy_bytes
        src = torch.empty(nbytes, dtype=torch.uint8, device=dev).random_()
        dst = torch.empty_like(src)
        out(row("ceiling", "d2d copy", "copy_d2d", "%d MiB" % (nbytes >> 20), "",
                cuda_time(lambda i: dst.copy_(src), plan), nbytes=2.0 * nbytes,
                note="Tensor.copy_; bytes = read + written"))
        del src, dst
    n, h, w = plan.infer
    px = float(n * h * w)
    shape = shape_str(n, 1, h, w)
    if not plan.cuda:
        for key in ("h2d", "d2h", "h2d_pinned", "d2h_pinned"):
            out(not_run("ceiling", key.replace("_", " ") + " copy", key, "skipped", "no CUDA device (smoke run)"))
        return
    with mem.group("ceiling/pageable"):
        host = torch.rand(n, 1, h, w)  # pageable, like a Java float[] (gpu-sr's h2d / d2h rows)
        gpu = torch.empty(n, 1, h, w, device=dev)
        out(row("ceiling", "h2d copy pageable", "h2d", shape, "fp32", cuda_time(lambda i: gpu.copy_(host), plan),
                pixels=px, nbytes=4 * px))
        out(row("ceiling", "d2h copy pageable", "d2h", shape, "fp32", cuda_time(lambda i: host.copy_(gpu), plan),
                pixels=px, nbytes=4 * px))
        del host, gpu
    with mem.group("ceiling/pinned"):
        host = mem.host(n, 1, h, w)
        gpu = torch.empty(n, 1, h, w, device=dev)
        out(row("ceiling", "h2d copy pinned non_blocking", "h2d_pinned", shape, "fp32",
                cuda_time(lambda i: gpu.copy_(host, non_blocking=True), plan), pixels=px, nbytes=4 * px,
                note="page-locked host tensor"))
        out(row("ceiling", "d2h copy pinned non_blocking", "d2h_pinned", shape, "fp32",
                cuda_time(lambda i: host.copy_(gpu, non_blocking=True), plan), pixels=px, nbytes=4 * px,
                note="page-locked host tensor"))
        del host, gpu


def kernel(plan, dev, out, mem):
    l2 = l2_bytes(dev)
    n, s = plan.train_sizes[1]
    count = n * N1 * s * s
    with mem.group("kernel/bias_relu_fwd"):
        sets = rotation(l2, 4 * count)
        xs = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]
        b = rand((N1,), dev, -1e-4, 1e-4).view(1, -1, 1, 1)

        def bias_relu(i):
            x = xs[i % sets]
            x.add_(b).relu_()
        out(row("kernel", "bias+relu fwd (add_ + relu_)", "bias_relu_fwd", shape_str(n, N1, s, s), "fp32",
                cuda_time(bias_relu, plan), pixels=float(n * s * s), nbytes=8.0 * count, note="eager: two passes"))
        del xs
    with mem.group("kernel/bias_relu_bwd"):
        sets = rotation(l2, 8 * count)
        dys = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]
        ys = [rand((n, N1, s, s), dev, -1, 1) for _ in range(sets)]

        def bias_relu_bwd(i):
            k = i % sets
            g = torch.ops.aten.threshold_backward(dys[k], ys[k], 0)
            g.sum(dim=(0, 2, 3))
        out(row("kernel", "bias+relu bwd (threshold_backward + sum)", "bias_relu_bwd", shape_str(n, N1, s, s),
                "fp32", cuda_time(bias_relu_bwd, plan), pixels=float(n * s * s), nbytes=12.0 * count,
                note="what autograd runs; gradient not in place"))
        del dys, ys
    for key, shp in (("mse_large", (plan.infer[0], 1, plan.infer[1], plan.infer[2])),
                     ("mse_train", (n, 1, s, s))):
        with mem.group("kernel/" + key):
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


def bicubic(plan, dev, out, mem):
    l2 = l2_bytes(dev)
    n, h, w = plan.bicubic
    for k in (2, 3, 4):
        with mem.group("bicubic/up_x%d" % k):
            inp = n * h * w
            outp = inp * k * k
            sets = rotation(l2, 4 * (inp + outp))
            xs = [rand((n, 1, h, w), dev) for _ in range(sets)]
            out(row("bicubic", "bicubic up x%d (interpolate)" % k, "bicubic_up_x%d" % k, shape_str(n, 1, h, w),
                    "fp32", cuda_time(lambda i: F.interpolate(xs[i % sets], scale_factor=k, mode="bicubic",
                                                              align_corners=False), plan),
                    pixels=float(outp), nbytes=4.0 * (inp + outp), note="a=-0.75, not MATLAB's -0.5"))
            del xs
    bh, bw = plan.infer[1], plan.infer[2]
    with mem.group("bicubic/down_x3"):
        inp = n * bh * bw
        outp = n * (-(-bh // 3)) * (-(-bw // 3))
        sets = rotation(l2, 4 * (inp + outp))
        xs = [rand((n, 1, bh, bw), dev) for _ in range(sets)]
        out(row("bicubic", "bicubic down /3 (antialias)", "bicubic_down_x3", shape_str(n, 1, bh, bw), "fp32",
                cuda_time(lambda i: F.interpolate(xs[i % sets], size=(-(-bh // 3), -(-bw // 3)), mode="bicubic",
                                                  antialias=True, align_corners=False), plan),
                pixels=float(outp), nbytes=4.0 * (inp + outp)))
        del xs


def conv_op(direction, x, c, gy):
    """One cuDNN convolution call of layer c: forward, or one half of its backward (aten.convolution_backward
    with one output enabled, which is what autograd calls)."""
    p = c.kernel_size[0] // 2
    if direction == "fwd":
        return lambda i: F.conv2d(x, c.weight, None, padding=p)
    mask = [direction == "bwd-data", direction == "bwd-filter", False]
    return lambda i: torch.ops.aten.convolution_backward(gy, x, c.weight, None, [1, 1], [p, p], [1, 1], False,
                                                         [0, 0], 1, mask)


def conv(plan, dev, out, mem):
    """Per-layer rows as gpu-sr's GpuCases.conv: forward on the inference size, forward / backward-data (layers 2
    and 3) / backward-filter on the 256x256 training batch; fp32 (TF32 off) and tf32 (TF32 on) each."""
    n, h, w = plan.infer
    tb, ts = plan.train_sizes[1]
    for mode in ("fp32", "tf32"):
        set_mode(mode)
        for name in models_for(plan):
            with mem.group("conv/%s/%s" % (name, mode)):
                m = srcnn(MODELS[name], dev)
                convs = [l for l in m if isinstance(l, nn.Conv2d)]
                with torch.no_grad():
                    work = [(li, "fwd", n, h, w) for li in range(3)]
                    for li in range(3):
                        work += [(li, d, tb, ts, ts) for d in CONV_DIRECTIONS if not (li == 0 and d == "bwd-data")]
                    for li, d, bn, bh, bw in work:
                        c = convs[li]
                        f = c.kernel_size[0]
                        x = rand((bn, c.in_channels, bh, bw), dev)
                        gy = rand((bn, c.out_channels, bh, bw), dev, -1, 1) if d != "fwd" else None
                        px = float(bn * bh * bw)
                        macs = px * c.in_channels * c.out_channels * f * f
                        tag = shape_str(bn, bh, bw)
                        out(row("conv", "conv%d %dx%d %d->%d %s" % (li + 1, f, f, c.in_channels, c.out_channels, d),
                                "conv%d_%s/%s/%s/%s" % (li + 1, d, name, mode, tag),
                                shape_str(bn, c.in_channels, bh, bw), mode, cuda_time(conv_op(d, x, c, gy), plan),
                                pixels=px, flop=2 * macs, model=name,
                                note="TF32 tensor cores allowed" if mode == "tf32" else ""))
                        del x, gy
                        free(plan)
    set_mode("fp32")


def inference(plan, dev, out, mem):
    n, h, w = plan.infer
    px = float(n * h * w)
    for name, filters in MODELS.items():
        for mode in ("fp32", "tf32", "fp16"):
            set_mode(mode)
            half = mode == "fp16"
            with mem.group("inference/%s/%s" % (name, mode)):
                m = srcnn(filters, dev, torch.float16 if half else torch.float32, channels_last=half).eval()
                x = rand((n, 1, h, w), dev, dtype=torch.float16 if half else torch.float32)
                if half:
                    x = x.contiguous(memory_format=torch.channels_last)
                with torch.no_grad():
                    t = cuda_time(lambda i: m(x), plan)
                out(row("inference", "srcnn forward", "infer/%s/%s" % (name, mode), shape_str(n, 1, h, w), mode, t,
                        pixels=px, flop=2 * px * macs_per_pixel(filters), model=name))
                del m, x
    set_mode("fp32")


def train(plan, dev, out, mem):
    """Device-fed training step (gpu-sr's train/ rows): batch resident, one step per run, CUDA events, no loss
    read back."""
    modes = ["fp32"] if plan.quick else ["fp32", "tf32"]
    for name, filters in MODELS.items():
        for batch, size in plan.train_sizes:
            px = float(batch * size * size)
            for mode in modes:
                set_mode(mode)
                with mem.group("train/%s/%s/%dx%d" % (name, mode, batch, size)):
                    m = srcnn(filters, dev)
                    opt = sgd(m, plan)
                    x = rand((batch, 1, size, size), dev)
                    t = rand((batch, 1, size, size), dev)
                    out(row("train", "train step sgd, device-fed", "train/%s/%s/%dx%d" % (name, mode, batch, size),
                            shape_str(batch, 1, size, size), mode, cuda_time(make_step(m, opt, x, t), plan),
                            pixels=px, flop=2 * px * train_macs_per_pixel(filters), model=name,
                            note="batch on the card; %s; one step per run" % optimizer_name(opt)))
                    del m, opt, x, t
    set_mode("fp32")


def engine(plan, dev, out, mem):
    """Host-to-host rows, the counterpart of gpu-sr's engine rows (fp32, TF32 off): pinned host tensors,
    non_blocking copies into preallocated device tensors and out into preallocated pinned outputs; the pageable
    .to()/.cpu() path of earlier runs as *_pageable rows."""
    set_mode("fp32")
    n, h, w = plan.infer
    px = float(n * h * w)
    for name in models_for(plan):
        filters = MODELS[name]
        flop = 2 * px * macs_per_pixel(filters)
        with mem.group("engine/infer/%s" % name):
            m = srcnn(filters, dev).eval()
            xh = mem.host(n, 1, h, w)
            yh = mem.host_empty(n, 1, h, w)
            xd = torch.empty(n, 1, h, w, device=dev)

            def h2h(i):
                with torch.no_grad():
                    xd.copy_(xh, non_blocking=True)
                    yh.copy_(m(xd), non_blocking=True)
                sync(plan)
            out(row("engine", "forward host to host", "engine_infer/" + name, shape_str(n, 1, h, w), "fp32",
                    host_time(h2h, plan, warmups=plan.warmups), pixels=px, flop=flop, model=name,
                    note=("pinned input and preallocated pinned output, non_blocking copies" if plan.cuda
                          else "smoke: plain CPU tensors")))
            del xh, yh, xd

            def h2h_pageable(i):
                with torch.no_grad():
                    m(host.to(dev)).cpu()
                sync(plan)
            host = torch.rand(n, 1, h, w)
            out(row("engine", "forward host to host, pageable", "engine_infer_pageable/" + name,
                    shape_str(n, 1, h, w), "fp32", host_time(h2h_pageable, plan, warmups=plan.warmups), pixels=px,
                    flop=flop, model=name, note="pageable CPU tensor in, .to() / .cpu(): not like for like"))
            del m, host
        for batch, size in plan.train_sizes:
            bpx = float(batch * size * size)
            bflop = 2 * bpx * train_macs_per_pixel(filters)
            tag = "%dx%d" % (batch, size)
            with mem.group("engine/train/%s/%s" % (name, tag)):
                m = srcnn(filters, dev)
                opt = sgd(m, plan)
                xh, th = mem.host(batch, 1, size, size), mem.host(batch, 1, size, size)
                xd = torch.empty(batch, 1, size, size, device=dev)
                td = torch.empty(batch, 1, size, size, device=dev)

                def steps(i):
                    loss = None
                    for _ in range(STEPS_PER_REPEAT):
                        xd.copy_(xh, non_blocking=True)
                        td.copy_(th, non_blocking=True)
                        opt.zero_grad(set_to_none=True)
                        loss = F.mse_loss(m(xd), td)
                        loss.backward()
                        opt.step()
                    loss.item()
                out(row("engine", "train step, host-fed", "engine_train/%s/%s" % (name, tag),
                        shape_str(batch, 1, size, size), "fp32", per_step(host_time(steps, plan)), pixels=bpx,
                        flop=bflop, model=name,
                        note="batch copied from pinned host memory each step (non_blocking); %s; loss read every "
                             "%d steps; host clock" % (optimizer_name(opt), STEPS_PER_REPEAT)))
                del xh, th, xd, td

                def steps_pageable(i):
                    loss = None
                    for _ in range(STEPS_PER_REPEAT):
                        opt.zero_grad(set_to_none=True)
                        loss = F.mse_loss(m(xp.to(dev)), tp.to(dev))
                        loss.backward()
                        opt.step()
                    loss.item()
                xp, tp = torch.rand(batch, 1, size, size), torch.rand(batch, 1, size, size)
                out(row("engine", "train step, host-fed, pageable", "engine_train_pageable/%s/%s" % (name, tag),
                        shape_str(batch, 1, size, size), "fp32", per_step(host_time(steps_pageable, plan)),
                        pixels=bpx, flop=bflop, model=name,
                        note="pageable .to() each step: not like for like; loss read every %d steps"
                             % STEPS_PER_REPEAT))
                del m, opt, xp, tp


def compile_unavailable(dev):
    """None when torch.compile works for this device here, else the reason (checked with a tiny function)."""
    if not hasattr(torch, "compile"):
        return "this PyTorch (%s) has no torch.compile" % torch.__version__
    if dev.type == "cuda":
        try:
            import triton  # noqa: F401  -- inductor generates its GPU kernels with Triton
        except Exception as e:  # ImportError, or a broken install
            return "no usable triton (%s: %s): inductor cannot generate GPU kernels" % (type(e).__name__, e)
    if not any(shutil.which(c) for c in ("cc", "gcc", "clang")):
        return "no C compiler on PATH (inductor and Triton build their launchers with one)"
    try:
        probe = torch.compile(lambda x: torch.relu(x) * 2 + 1, dynamic=False)
        x = torch.randn(64, device=dev)
        if not torch.allclose(probe(x), torch.relu(x) * 2 + 1):
            return "torch.compile probe gave a wrong result"
    except Exception as e:
        return "torch.compile failed on a probe (%s: %s)" % (type(e).__name__, str(e).strip().splitlines()[0][:300]
                                                             if str(e).strip() else "")
    return None


def compile_inference(plan, dev, out, mem, name, key):
    filters = MODELS[name]
    n, h, w = plan.infer
    px = float(n * h * w)
    with mem.group("compile/" + key):
        try:
            torch._dynamo.reset()
            m = srcnn(filters, dev).eval()
            cm = torch.compile(m, dynamic=False)
            x = rand((n, 1, h, w), dev)
            with torch.no_grad():
                t0 = time.perf_counter()
                got = cm(x)
                sync(plan)
                compile_s = time.perf_counter() - t0
                err = (got - m(x)).abs().max().item()
                t = cuda_time(lambda i: cm(x), plan)
            r = row("compile", "srcnn forward, torch.compile", key, shape_str(n, 1, h, w), "fp32", t,
                    pixels=px, flop=2 * px * macs_per_pixel(filters), model=name,
                    note="inductor default mode; largest abs(compiled - eager) %.2e" % err)
            r["compile_s"] = compile_s
            out(r)
            del m, cm, x, got
        except Exception as e:
            out(not_run("compile", "srcnn forward, torch.compile", key, "error", describe(e), name, "fp32"))


def compiled(plan, dev, out, mem):
    """torch.compile (inductor) rows beside the eager ones: inference 8x1080x1920 and the device-fed training step
    (default mode at both batch shapes, quick mode only 128x33) plus the 128x33 step in mode reduce-overhead (CUDA
    graphs, as gpu-sr's engine replays its step). Compile time is in each row (compile_s), not in the timing."""
    set_mode("fp32")
    why = compile_unavailable(dev)
    if why:
        out(not_run("compile", "torch.compile", "infer_compiled/9-1-5/fp32", "skipped", why, model="9-1-5",
                    precision="fp32"))
        print("[torch] torch.compile rows skipped: " + why, file=sys.stderr, flush=True)
        return
    late = "time budget: past --deadline-s before this row's compilation"
    small, large = plan.train_sizes
    shapes = [(small[0], small[1], "default"), (small[0], small[1], "reduce-overhead")]
    if not plan.quick or plan.smoke:  # quick mode leaves out the 16x256 compiled step (each compile costs ~30 s)
        shapes.insert(1, (large[0], large[1], "default"))
    for name in models_for(plan):
        key = "infer_compiled/%s/fp32" % name
        if plan.out_of_time():
            out(not_run("compile", "srcnn forward, torch.compile", key, "skipped", late, name, "fp32"))
        else:
            compile_inference(plan, dev, out, mem, name, key)
        for batch, size, mode in shapes:
            key = ("train_compiled/%s/fp32/%dx%d" if mode == "default" else "train_compiled_graphs/%s/fp32/%dx%d") % (
                name, batch, size)
            if plan.out_of_time():
                out(not_run("compile", "train step, torch.compile", key, "skipped", late, name, "fp32"))
            else:
                compile_train(plan, dev, out, mem, name, key, batch, size, mode)
    torch._dynamo.reset()


def compile_train(plan, dev, out, mem, name, key, batch, size, mode):
    filters = MODELS[name]
    with mem.group("compile/" + key):
        try:
            torch._dynamo.reset()
            m = srcnn(filters, dev)
            cm = torch.compile(m, mode=None if mode == "default" else mode, dynamic=False)
            opt = sgd(m, plan)
            x = rand((batch, 1, size, size), dev)
            tg = rand((batch, 1, size, size), dev)
            mark = getattr(torch.compiler, "cudagraph_mark_step_begin", None)

            def step(i):
                if mode != "default" and mark is not None:
                    mark()  # cudagraph trees: the previous step's outputs may be overwritten
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(cm(x), tg)
                loss.backward()
                opt.step()
            t0 = time.perf_counter()
            step(0)
            sync(plan)
            compile_s = time.perf_counter() - t0
            bpx = float(batch * size * size)
            r = row("compile", "train step sgd, device-fed, torch.compile", key, shape_str(batch, 1, size, size),
                    "fp32", cuda_time(step, plan), pixels=bpx, flop=2 * bpx * train_macs_per_pixel(filters),
                    model=name, note="inductor mode %s (model compiled, %s eager); batch on the card"
                                     % (mode, optimizer_name(opt)))
            r["compile_s"] = compile_s
            out(r)
            del m, cm, opt, x, tg
        except Exception as e:
            out(not_run("compile", "train step, torch.compile", key, "error", describe(e), name, "fp32"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true",
                    help="CPU smoke test: every section on tiny sizes with the host clock; not a benchmark")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--only", metavar="SECTION,...", help=",".join(SECTIONS))
    ap.add_argument("--deadline-s", type=float, default=0, metavar="S",
                    help="sections that would start after S seconds are skipped with a row saying so (0: none)")
    args = ap.parse_args(argv)
    sections = SECTIONS if not args.only else [s.strip() for s in args.only.split(",")]
    for s in sections:
        if s not in SECTIONS:
            ap.error("unknown section %r (known: %s)" % (s, ", ".join(SECTIONS)))
    t_start = time.perf_counter()
    if args.smoke:
        dev = torch.device("cpu")
        print("srcnn_torch.py: smoke run on the CPU (tiny sizes, host clock): it checks that the script runs; "
              "its numbers are not benchmarks. CUDA-only rows are skipped with a row saying so.", file=sys.stderr)
    else:
        if not torch.cuda.is_available():
            print("srcnn_torch.py: no CUDA device visible to PyTorch (use --smoke for a CPU check of the script)",
                  file=sys.stderr)
            return 1
        dev = torch.device("cuda", args.device)
        torch.cuda.set_device(dev)
        torch.backends.cudnn.benchmark = True  # cuDNN Find, as gpu-sr does
    plan = Plan(args.quick, args.smoke)
    if args.deadline_s:
        plan.deadline = t_start + args.deadline_s
    mem = Memory(plan, dev)
    env = {"tool": "srcnn_torch.py", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": " ".join(["srcnn_torch.py"] + (argv if argv is not None else sys.argv[1:])),
           "mode": "smoke" if args.smoke else "quick" if args.quick else "full",
           "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
           "python": platform.python_version(), "peer_revision": 2}
    if plan.cuda:
        props = torch.cuda.get_device_properties(dev)
        env.update({"gpu": props.name, "sms": props.multi_processor_count,
                    "memory_gib": round(props.total_memory / 2 ** 30, 1)})
    else:
        env.update({"gpu": "none (smoke run on the CPU)", "sms": None})
    rows = []

    def save():
        if args.json:
            doc = {"tool": "srcnn_torch.py", "environment": env, "memory": mem.groups, "rows": rows}
            tmp = args.json + ".tmp"
            with open(tmp, "w") as f:
                json.dump(doc, f, indent=1)
            os.replace(tmp, args.json)

    def out(r):
        rows.append(r)
        mem.add_row(r)
        if r.get("status") != "ok":
            print("[torch] %s %s: %s (%s)" % (r["section"], r.get("key") or r.get("op"), r["status"], r.get("reason")),
                  file=sys.stderr, flush=True)
            return
        print("[torch] %s %s %s %s %s: %s ms" % (r["section"], r["op"], r["model"], r["precision"], r["shape"],
                                                 fmt(r["median_ms"])), file=sys.stderr, flush=True)

    funcs = {"ceiling": ceiling, "kernel": kernel, "bicubic": bicubic, "conv": conv, "inference": inference,
             "train": train, "engine": engine, "compile": compiled}
    failed = 0
    for s in SECTIONS:
        if s not in sections:
            continue
        if args.deadline_s and time.perf_counter() - t_start > args.deadline_s:
            out(not_run(s, "section " + s, None, "skipped", "time budget: past --deadline-s %g" % args.deadline_s))
            save()
            continue
        try:
            funcs[s](plan, dev, out, mem)
        except Exception as e:  # keep going: one failing section must not cost the others
            failed += 1
            rows.append({"section": s, "status": "error", "reason": describe(e)})
            print("[torch] section %s failed: %s" % (s, e), file=sys.stderr, flush=True)
            free(plan)
        save()
    if plan.cuda and hasattr(torch.cuda, "host_memory_stats"):
        try:  # PyTorch's pinned-memory caching allocator: what it held at most over the whole run
            stats = torch.cuda.host_memory_stats()
            env["pinned_host_reserved_bytes"] = stats.get("reserved_bytes.current")
        except Exception:
            pass
    env["seconds"] = round(time.perf_counter() - t_start, 1)
    save()
    for k, v in env.items():
        print("%s: %s" % (k, v))
    print("%-9s %-42s %-6s %-5s %-16s %10s %9s %9s %8s %9s" % ("section", "op", "model", "prec", "shape", "median ms",
                                                              "Mpix/s", "GB/s", "TFLOP/s", "peak MiB"))
    for r in rows:
        if r.get("status") != "ok":
            print("%-9s %s %s: %s" % (r["section"], r.get("key") or "", r.get("status"), r.get("reason")))
            continue
        print("%-9s %-42s %-6s %-5s %-16s %10s %9s %9s %8s %9s" % (
            r["section"], r["op"], r["model"], r["precision"], r["shape"], fmt(r["median_ms"]),
            fmt(r["mpix_per_s"]), fmt(r["gb_per_s"]), fmt(r["tflop_per_s"]), mib(r.get("peak_device_bytes"))))
    print("memory per row group (peak device = torch.cuda.max_memory_allocated after a reset):")
    for g in mem.groups:
        print("  %-36s peak device %8s MiB, pinned host %8s MiB" % (g["group"], mib(g["peak_device_bytes"]),
                                                                    mib(g["pinned_host_bytes"])))
    if args.json:
        print("wrote " + args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
