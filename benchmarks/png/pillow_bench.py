"""Times Pillow's PNG encoder (compress_level 1-9, default adaptive row filters; Pillow's default is 6) on the given
images, one thread, output to memory, wall and thread-CPU ms: median of REPS runs after one warm-up (levels 8-9: one run). One JSON object per line on stdout.
Usage: pillow_bench.py REPS LEVELS IMAGE... (LEVELS: 1,6,9)"""
import io
import json
import os
import sys
import time

import PIL
from PIL import Image


def main():
    reps = int(sys.argv[1])
    levels = [int(v) for v in sys.argv[2].split(",")]
    for path in sys.argv[3:]:
        im = Image.open(path)
        im.load()
        for level in levels:
            ms, cpu = [], []
            for r in range(0, 1) if level >= 8 else range(-1, reps):  # levels 8-9 take seconds: one run
                buf = io.BytesIO()
                c = time.thread_time()  # this thread's CPU time: Pillow compresses on the calling thread
                t = time.perf_counter()
                im.save(buf, format="PNG", compress_level=level)
                if r >= 0:
                    ms.append((time.perf_counter() - t) * 1e3)
                    cpu.append((time.thread_time() - c) * 1e3)
            ms.sort()
            cpu.sort()
            print(json.dumps({"image": os.path.basename(path), "width": im.width, "height": im.height,
                              "encoder": "Pillow " + PIL.__version__, "level": level, "bytes": buf.tell(),
                              "ms_median": round(ms[len(ms) // 2], 1), "ms_min": round(ms[0], 1),
                              "ms_max": round(ms[-1], 1), "cpu_ms_median": round(cpu[len(cpu) // 2], 1),
                              "cpu_ms_min": round(cpu[0], 1), "runs": len(ms)}), flush=True)


if __name__ == "__main__":
    main()
