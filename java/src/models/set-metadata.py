#!/usr/bin/env python3
"""Adds or replaces __metadata__ entries of a safetensors file (tensors untouched, header re-padded to 8 bytes), e.g.
to record a bundled model's data and history in words. Writes a temporary file and renames it.

Usage: set-metadata.py MODEL.safetensors KEY=VALUE...
"""
import json
import os
import struct
import sys


def main(path, pairs):
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    meta = header.get("__metadata__", {})
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep:
            sys.exit(f"set-metadata: '{p}' is not KEY=VALUE")
        meta[key] = value
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
