import json, sys
# cumulative training seconds at each validation, from the metrics windows (steps since the previous line x batch / rate)
path, batch = sys.argv[1], int(sys.argv[2])
prev = 0; t = 0.0; out = []
for l in open(path):
    d = json.loads(l)
    s = d["step"]
    if s < prev:  # a resume rewrites from its checkpoint: drop lines past it
        out = [o for o in out if o[0] <= s]; t = out[-1][1] if out else 0.0; prev = s; continue
    r = d.get("sub_images_per_s")
    if r: t += (s - prev) * batch / r
    prev = s
    if "val_psnr" in d: out.append((s, t, d["val_psnr"]))
for s, t, p in out: print(f"{s}\t{t/60:.1f} min\t{p:.3f}")
