"""Independent check of PNG files for PngEncoderTest: every chunk's CRC (zlib.crc32), then Pillow's decode.
For each FILE writes FILE.raw (Pillow's samples, tobytes()) and prints: FILE MODE WIDTH HEIGHT ICC_BYTES CRC_OK."""
import sys
import struct
import zlib

from PIL import Image


def crcs_ok(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    i = 8
    while i < len(data):
        n, = struct.unpack(">I", data[i:i + 4])
        body = data[i + 4:i + 8 + n]
        crc, = struct.unpack(">I", data[i + 8 + n:i + 12 + n])
        if zlib.crc32(body) & 0xFFFFFFFF != crc:
            return False
        i += 12 + n
    return i == len(data)


for path in sys.argv[1:]:
    im = Image.open(path)
    im.load()
    with open(path + ".raw", "wb") as f:
        f.write(im.tobytes())
    icc = im.info.get("icc_profile")
    print(path, im.mode, im.width, im.height, len(icc) if icc else 0, crcs_ok(path))
    if icc:
        with open(path + ".icc", "wb") as f:
            f.write(icc)
