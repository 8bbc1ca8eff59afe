"""Makes the PNG encoder's test images from real photographs (mate-backgrounds): each photo cropped to 16:9 and
shrunk to 1280x720 (Pillow LANCZOS, as a camera/phone downscale), then enlarged x2 to 2560x1440 with bicubic -- the
kind of image `gpu-sr upscale --scale 2` writes. Usage: make_images.py OUTDIR [PHOTO...]"""
import os
import sys

from PIL import Image

DEFAULT = ["/usr/share/backgrounds/mate/nature/Garden.jpg",
           "/usr/share/backgrounds/mate/nature/Storm.jpg",
           "/usr/share/backgrounds/mate/nature/LadyBird.jpg"]


def crop_16_9(im):
    w, h = im.size
    if w * 9 > h * 16:
        nw = h * 16 // 9
        return im.crop(((w - nw) // 2, 0, (w - nw) // 2 + nw, h))
    nh = w * 9 // 16
    return im.crop((0, (h - nh) // 2, w, (h - nh) // 2 + nh))


def main():
    out = sys.argv[1]
    photos = sys.argv[2:] or DEFAULT
    os.makedirs(out, exist_ok=True)
    for p in photos:
        name = os.path.splitext(os.path.basename(p))[0]
        lr = crop_16_9(Image.open(p).convert("RGB")).resize((1280, 720), Image.LANCZOS)
        lr.save(os.path.join(out, name + "_720p.png"))
        lr.resize((2560, 1440), Image.BICUBIC).save(os.path.join(out, name + "_1440p.png"), compress_level=1)
        print(out + "/" + name + "_1440p.png")


if __name__ == "__main__":
    main()
