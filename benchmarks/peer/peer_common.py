"""What srcnn_torch.py's sections share: the models, the optimizer, the timing rules of gpu-sr's bench (GpuTimer,
HostTimer), the row format and the per-group memory record. Imported by srcnn_torch.py and srcnn_torch_cpu.py."""
import contextlib
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS = {"9-1-5": (9, 1, 5), "9-5-5": (9, 5, 5)}
N1, N2 = 64, 32
LR = (1e-4, 1e-4, 1e-5)  # the paper's per-layer rates, as gpu-sr's OptimizerConfig.paperSgd()
MOMENTUM = 0.9
STEPS_PER_REPEAT = 10  # engine-style training rows: loss read back every 10 steps (gpu-sr EngineBenchmarks)


class Plan:
    def __init__(self, quick, smoke=False):
        self.quick = quick or smoke
        self.smoke = smoke
        self.cuda = not smoke
        if smoke:  # tiny sizes: checks every code path on a CPU in seconds
            self.infer = (1, 40, 56)
            self.train_sizes = [(4, 33), (2, 48)]
            self.bicubic = (1, 24, 40)
            self.copy_bytes = 1 << 20
            self.warmups, self.target_ms, self.min_repeats, self.max_repeats = 1, 5.0, 2, 3
        else:
            self.infer = (8, 1080, 1920)
            self.train_sizes = [(128, 33), (16, 256)]
            self.bicubic = (8, 360, 640)
            self.copy_bytes = 1 << 30
            self.warmups = 2 if quick else 3
            self.target_ms = 120.0 if quick else 400.0
            self.min_repeats = 5 if quick else 10
            self.max_repeats = 100 if quick else 400
        self.min_repeat_ms = 0.2
        self.deadline = None  # time.perf_counter() value after which no further compile row starts

    def out_of_time(self):
        return self.deadline is not None and time.perf_counter() > self.deadline


class Memory:
    """Row groups: each resets the peak-memory counter on entry and records, on exit, the peak device memory
    allocated inside it and the pinned host memory it allocated; every row made inside carries both."""

    def __init__(self, plan, dev):
        self.plan, self.dev = plan, dev
        self.groups = []
        self.current = None

    @contextlib.contextmanager
    def group(self, name):
        free(self.plan)
        host_stats = self.plan.cuda and hasattr(torch.cuda, "reset_peak_host_memory_stats")
        if self.plan.cuda:
            torch.cuda.reset_peak_memory_stats(self.dev)
            if host_stats:
                torch.cuda.reset_peak_host_memory_stats()
        g = {"group": name, "peak_device_bytes": None, "pinned_host_bytes": 0, "pinned_host_peak_bytes": None,
             "keys": [], "rows": []}
        self.current = g
        try:
            yield g
        finally:
            if self.plan.cuda:
                torch.cuda.synchronize(self.dev)
                g["peak_device_bytes"] = torch.cuda.max_memory_allocated(self.dev)
                if host_stats:  # PyTorch's pinned (host) caching allocator, where this version reports it
                    g["pinned_host_peak_bytes"] = torch.cuda.host_memory_stats().get("allocated_bytes.peak")
            for r in g.pop("rows"):
                r["memory_group"] = name
                r["peak_device_bytes"] = g["peak_device_bytes"]
                r["pinned_host_bytes"] = g["pinned_host_bytes"]
                r["pinned_host_peak_bytes"] = g["pinned_host_peak_bytes"]
            self.groups.append(g)
            self.current = None
            free(self.plan)

    def add_row(self, r):
        if self.current is not None:
            self.current["rows"].append(r)
            if r.get("key"):
                self.current["keys"].append(r["key"])

    def host(self, *shape):
        """A host tensor of uniform randoms: pinned (page-locked) where CUDA is, counted for the current group."""
        t = torch.rand(*shape)
        if self.plan.cuda:
            t = t.pin_memory()
            if self.current is not None:
                self.current["pinned_host_bytes"] += t.numel() * t.element_size()
        return t

    def host_empty(self, *shape):
        t = self.host(*shape)
        return t.zero_()


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
    if device.type != "cuda":
        return 50 << 20
    props = torch.cuda.get_device_properties(device)
    return getattr(props, "L2_cache_size", 50 << 20) or (50 << 20)


def rotation(l2, footprint):
    return max(1, min(8, -(-3 * l2 // max(1, footprint))))


def sync(plan):
    if plan.cuda:
        torch.cuda.synchronize()


def cuda_time(run, plan):
    """Median ms per run from CUDA events; run(i) queues run number i. Without CUDA (--smoke): the host clock."""
    if not plan.cuda:
        t = host_time(run, plan, warmups=plan.warmups)
        t["clock"] = "host (smoke, no CUDA)"
        return t
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
    """As gpu-sr's HostTimer: warm-up runs, one estimate, repeats to fill the time budget, median."""
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


def not_run(section, op, key, status, reason, model="", precision="", shape=""):
    """A row that says why a measurement is missing (status 'skipped' or 'error')."""
    return {"section": section, "op": op, "model": model, "precision": precision, "shape": shape, "key": key,
            "status": status, "reason": reason}


def shape_str(*dims):
    return "x".join(str(d) for d in dims)


def rand(shape, device, lo=0.0, hi=1.0, dtype=torch.float32):
    return (torch.rand(shape, device=device, dtype=torch.float32) * (hi - lo) + lo).to(dtype)


def free(plan):
    if plan.cuda:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()


def models_for(plan):
    return ["9-1-5"] if plan.quick else list(MODELS)


def macs_per_pixel(filters):
    return filters[0] ** 2 * N1 + filters[1] ** 2 * N1 * N2 + filters[2] ** 2 * N2


def train_macs_per_pixel(filters):
    f1 = filters[0]
    return 3 * macs_per_pixel(filters) - f1 * f1 * N1


def sgd(m, plan):
    """The paper's SGD (per-layer rates, momentum 0.9), as gpu-sr's OptimizerConfig.paperSgd(). On CUDA the fused
    implementation: one kernel over all parameters, as gpu-sr's SGD kernel on its flat parameter block."""
    convs = [l for l in m if isinstance(l, nn.Conv2d)]
    groups = [{"params": c.parameters(), "lr": lr} for c, lr in zip(convs, LR)]
    if plan.cuda:
        try:
            return torch.optim.SGD(groups, momentum=MOMENTUM, fused=True)
        except (TypeError, RuntimeError):
            groups = [{"params": c.parameters(), "lr": lr} for c, lr in zip(convs, LR)]
    return torch.optim.SGD(groups, momentum=MOMENTUM)


def optimizer_name(opt):
    return "SGD fused" if opt.defaults.get("fused") else "SGD foreach" if opt.defaults.get("foreach") else "SGD"


def make_step(m, opt, x, t):
    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(m(x), t)
        loss.backward()
        opt.step()
        return loss
    return step


def per_step(t):
    for k in ("median_ms", "min_ms", "host_median_ms"):
        t[k] /= STEPS_PER_REPEAT
    t["steps_per_repeat"] = STEPS_PER_REPEAT
    return t


def describe(e):
    text = str(e).strip()
    return "%s: %s" % (type(e).__name__, text.splitlines()[0][:300] if text else "")


def fmt(v):
    if v is None or not math.isfinite(v):
        return "-"
    a = abs(v)
    return "%.0f" % v if a >= 1000 else "%.1f" % v if a >= 100 else "%.2f" % v if a >= 10 else "%.3f" % v


def mib(v):
    return "-" if v is None else "%.0f" % (v / 2 ** 20)
