#!/usr/bin/env python3
"""Writes the tiny PNG fixtures for RRSISDataTests with the standard library only (zlib + struct),
i.e. with an encoder independent of libpng. Re-run from this folder: python3 make_png_fixtures.py"""
import struct
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, bit_depth, color_type, raw_scanlines, interlace=0, extra=b""):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw_scanlines, 9)) + chunk(b"IEND", b""))


def rows8(pixels, width, channels):
    """pixels: flat list of samples; every scanline gets filter byte 0 (None)."""
    out = b""
    stride = width * channels
    for y in range(len(pixels) // stride):
        out += b"\x00" + bytes(pixels[y * stride:(y + 1) * stride])
    return out


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# 8-bit gray 3x2
write("gray8.png", png(3, 2, 8, 0, rows8([0, 128, 255, 10, 20, 30], 3, 1)))
# 8-bit RGB 2x2, with a Sub-filtered second row to exercise filters: row 1 = (10,20,30) (40,60,80)
row0 = b"\x00" + bytes([255, 0, 0, 0, 255, 0])
row1 = b"\x01" + bytes([10, 20, 30, 30, 40, 50])  # Sub: second pixel stored as difference
write("rgb8.png", png(2, 2, 8, 2, row0 + row1))
# 8-bit RGBA 2x1
write("rgba8.png", png(2, 1, 8, 6, rows8([1, 2, 3, 4, 250, 251, 252, 253], 2, 4)))
# 16-bit gray 4x1: 0, 1000, 25700 (=100*257), 65535
write("gray16.png", png(4, 1, 16, 0, b"\x00" + struct.pack(">4H", 0, 1000, 25700, 65535)))
# Palette 3x1: indices 2, 0, 1
plte = chunk(b"PLTE", bytes([200, 10, 10, 10, 200, 10, 10, 10, 200]))
write("palette.png", png(3, 1, 8, 3, b"\x00" + bytes([2, 0, 1]), extra=plte))
# Masks 2x2: 0/1 and 0/255
write("mask01.png", png(2, 2, 8, 0, rows8([0, 1, 1, 0], 2, 1)))
write("mask255.png", png(2, 2, 8, 0, rows8([255, 0, 0, 255], 2, 1)))

# Adam7-interlaced 8-bit gray 5x5, pixel (x, y) = 10*y + x
W = H = 5
value = lambda x, y: 10 * y + x
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
raw = b""
for x0, y0, dx, dy in passes:
    xs = list(range(x0, W, dx))
    ys = list(range(y0, H, dy))
    if not xs or not ys:
        continue
    for y in ys:
        raw += b"\x00" + bytes(value(x, y) for x in xs)
write("interlaced.png", png(W, H, 8, 0, raw, interlace=1))

# Damaged files
good = open("rgb8.png", "rb").read()
idat = good.index(b"IDAT")
write("truncated.png", good[:idat + 10])
corrupt = bytearray(good)
corrupt[idat + 6] ^= 0xFF  # flips a byte of the zlib stream (libpng reports a bad IDAT stream)
write("corrupt.png", bytes(corrupt))
write("not_a_png.png", b"GIF89a this is not a PNG file at all\n")
