#!/usr/bin/env python3
"""Writes tiny uncompressed baseline TIFFs (and a RefSegRS-style folder) with the standard library only.
Re-run from this folder: python3 make_tiff_fixtures.py"""
import os
import struct


def tiff(width, height, samples_per_pixel, data):
    """Little-endian, one strip, 8 bits per sample, no compression; RGB or min-is-black gray."""
    photometric = 2 if samples_per_pixel == 3 else 1
    entries = []
    header_size = 8
    n_entries = 10
    ifd_size = 2 + n_entries * 12 + 4
    bps_offset = header_size + ifd_size          # 3 shorts for RGB BitsPerSample
    data_offset = bps_offset + 8
    bps = (3, 8) if samples_per_pixel == 1 else (3, bps_offset)
    entries = [
        (256, 4, 1, width), (257, 4, 1, height),
        (258, 3, samples_per_pixel, bps[1] if samples_per_pixel == 3 else 8),
        (259, 3, 1, 1), (262, 3, 1, photometric), (273, 4, 1, data_offset),
        (277, 3, 1, samples_per_pixel), (278, 4, 1, height), (279, 4, 1, len(data)), (284, 3, 1, 1),
    ]
    out = b"II" + struct.pack("<HI", 42, 8) + struct.pack("<H", n_entries)
    for tag, typ, count, value in entries:
        if typ == 3 and count == 1:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", 0)
    out += struct.pack("<3H", 8, 8, 8) + b"\x00\x00"
    assert len(out) == data_offset
    return out + bytes(data)


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# 3x2 RGB: (x, y) -> (10x + 1, 20y + 2, 30 + x + y)
rgb = []
for y in range(2):
    for x in range(3):
        rgb += [10 * x + 1, 20 * y + 2, 30 + x + y]
write("rgb.tif", tiff(3, 2, 3, rgb))
# 3x2 gray mask 0/255
write("mask.tif", tiff(3, 2, 1, [0, 255, 255, 0, 0, 255]))
write("not_a_tiff.tif", b"this is not a TIFF\n")

# RefSegRS layout: images/NAME.tif, masks/NAME.tif, output_phrase_{split}.txt
root = "refsegrs"
for name, on in (("1", [1, 0, 0, 0]), ("2", [0, 0, 0, 1])):
    write(f"{root}/images/{name}.tif", tiff(2, 2, 3, [40, 80, 120] * 4))
    write(f"{root}/masks/{name}.tif", tiff(2, 2, 1, [255 * v for v in on]))
with open(f"{root}/output_phrase_train.txt", "w") as f:
    f.write("1 vehicle on the left side of the road\n")
    f.write("2 the building in the lower right\n")
    f.write("\n")                                   # blank line: skipped silently
    f.write("3 image 3 has no file\n")              # missing image: skipped with a reason
    f.write("nospace\n")                            # malformed: no expression
with open(f"{root}/output_phrase_test.txt", "w") as f:
    f.write("2 low vegetation near the road\n")
