#!/usr/bin/env python3
"""Summarise `jfr print --events jdk.ExecutionSample FILE.jfr` output: share of samples per top frame and per thread."""
import collections
import re
import sys

text = open(sys.argv[1]).read()
top, threads = collections.Counter(), collections.Counter()
for event in text.split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w.$]+\.[\w$<>]+)\(", event, re.M)
    thread = re.search(r'sampledThread = "([^"]+)"', event)
    if not frames:
        continue
    top[".".join(frames[0].split(".")[-2:])] += 1
    if thread:
        threads[thread.group(1)] += 1
n = sum(top.values())
print(f"{n} samples")
for name, count in top.most_common(15):
    print(f"{100 * count / n:5.1f}%  {name}")
print("samples per thread:", dict(threads))
