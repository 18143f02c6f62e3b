#!/usr/bin/env python3
"""Writes a tiny RRSIS-D-style release (refs(unc).p + instances.json + PNG images) for the conversion
test, with the standard library only. Re-run from this folder: python3 make_rrsisd_fixtures.py

Expected masks (row-major, 4 wide x 3 high), asserted by RRSISDConversionTests:
  ref 10 (polygon [1,0, 3,0, 3,2, 1,2], image 1): 0110 / 0110 / 0000
  ref 11 (uncompressed RLE [0,2,2,1,6,1], image 2): 1000 / 1100 / 0001
  ref 12 (compressed RLE of [6,2,1,2,1], image 2): 0011 / 0011 / 0000
  ref 13: annotation 999 missing -> skipped; ref 14: image file missing -> skipped;
  ref 15: split "testB" -> skipped.
"""
import json
import os
import pickle
import struct
import zlib


def rle_string(counts):
    # Independent re-statement of COCO's rleToString (LEB128-like, 5 bits per char, deltas from i-2).
    out = ""
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        while True:
            c = x & 31
            x >>= 5
            more = (x != -1) if (c & 16) else (x != 0)
            out += chr(48 + (c | 32 if more else c))
            if not more:
                break
    return out


def png_rgb(path, w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb[y * w * 3:(y + 1) * w * 3]) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


root = "rrsisd"
os.makedirs(root + "/images", exist_ok=True)
png_rgb(root + "/images/00001.png", 4, 3, [10, 20, 30] * 12)
png_rgb(root + "/images/00002.png", 4, 3, [200, 100, 50] * 12)

instances = {
    "images": [
        {"id": 1, "file_name": "00001.png", "width": 4, "height": 3},
        {"id": 2, "file_name": "00002.png", "width": 4, "height": 3},
        {"id": 3, "file_name": "00003.png", "width": 4, "height": 3},
    ],
    "annotations": [
        {"id": 100, "image_id": 1, "category_id": 5, "segmentation": [[1, 0, 3, 0, 3, 2, 1, 2]]},
        {"id": 101, "image_id": 2, "category_id": 19, "segmentation": {"size": [3, 4], "counts": [0, 2, 2, 1, 6, 1]}},
        {"id": 102, "image_id": 2, "category_id": 16, "segmentation": {"size": [3, 4], "counts": rle_string([6, 2, 1, 2, 1])}},
        {"id": 103, "image_id": 3, "category_id": 19, "segmentation": [[0, 0, 2, 0, 2, 2]]},
    ],
    "categories": [{"id": 5, "name": "bridge"}, {"id": 16, "name": "storage tank"}, {"id": 19, "name": "vehicle"}],
}
with open(root + "/instances.json", "w") as f:
    json.dump(instances, f, indent=1)


def ref(ref_id, ann_id, image_id, split, cat, sents):
    return {"ref_id": ref_id, "ann_id": ann_id, "image_id": image_id, "split": split, "category_id": cat,
            "file_name": "%05d_%d.jpg" % (image_id, ann_id),
            "sentences": [{"sent": s, "raw": s, "tokens": s.split(), "sent_id": ref_id * 10 + k} for k, s in enumerate(sents)]}


refs = [
    ref(10, 100, 1, "train", 5, ["the bridge in the middle", "bridge on the top"]),
    ref(11, 101, 2, "train", 19, ["the vehicle on the left"]),
    ref(12, 102, 2, "val", 16, ["storage tank at the upper right"]),
    ref(13, 999, 2, "train", 19, ["dangling annotation"]),
    ref(14, 103, 3, "test", 19, ["image file is missing"]),
    ref(15, 100, 1, "testB", 5, ["unknown split"]),
]
with open(root + "/refs(unc).p", "wb") as f:
    pickle.dump(refs, f, protocol=2)
