#!/usr/bin/env python3
"""Share of samples per first dev.gpusr frame in `jfr print --events jdk.ExecutionSample FILE.jfr` output."""
import collections
import re
import sys

text = open(sys.argv[1]).read()
counts = collections.Counter()
for event in text.split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w.$]+\.[\w$<>]+)\(.*?line: (\d+)", event, re.M)
    for name, _ in frames:
        if "dev.gpusr" in name:
            counts[".".join(name.split(".")[-2:])] += 1
            break
n = sum(counts.values())
print(f"{n} samples")
for name, count in counts.most_common(40):
    print(f"{100 * count / n:5.1f}%  {name}")
