#!/usr/bin/env python3
"""Convert RRSIS-D (refer-style annotations) to FIABench's JSON-lines + PNG layout.

RRSIS-D ships, per the refer toolkit's conventions:
    ROOT/refs(unc).p       pickle: list of refs {ref_id, ann_id, image_id, split, category_id,
                           sentences: [{sent, raw, tokens, ...}], ...}
    ROOT/instances.json    COCO-style {images, annotations (segmentation: polygons or RLE), categories}
    ROOT/images/ or ROOT/JPEGImages/   the images (JPEG)

Output (read by `Manifest.load` in Swift):
    OUT/images/<image stem>.png    RGB image (JPEG is converted with Pillow; PNG is copied)
    OUT/masks/<ref_id>.png         the referred instance's mask, 8-bit gray 0/255
    OUT/manifest.jsonl             one line per sentence:
        {"id": "<ref_id>-<k>", "image": ..., "mask": ..., "expression": ..., "split": ..., "tags": {"category": ...}}

Usage:
    python3 convert_rrsisd.py --root /data/rrsisd --out /data/rrsisd-fiabench [--images DIR]

Masks are decoded in plain Python (no pycocotools needed): RLE (compressed string or uncompressed
counts) exactly; polygons by the even-odd rule at pixel centres (pycocotools' rasteriser can differ on
a boundary pixel). Pillow is imported only when a JPEG has to be converted.
Refs that cannot be converted are skipped and reported as "refs(unc).p record N (ref_id R): reason";
the summary goes to stderr. Exit status 1 if nothing was converted.
"""
import argparse
import json
import os
import pickle
import shutil
import struct
import sys
import zlib

SPLITS = ("train", "val", "test")


# ---------------------------------------------------------------------------------------- masks
def rle_counts_from_string(s):
    """COCO's compressed RLE string → run lengths (port of maskApi.c rleFrString)."""
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, 1
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = c & 0x20
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_to_string(counts):
    """Inverse of rle_counts_from_string (maskApi.c rleToString); used to make test fixtures."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = 1
        while more:
            c = x & 0x1F
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def decode_rle(counts, h, w):
    """Run lengths (alternating 0s and 1s, starting with 0s, column-major) → row-major bytes 0/1."""
    col_major = bytearray(h * w)
    pos, value = 0, 0
    for n in counts:
        if n < 0 or pos + n > h * w:
            raise ValueError("RLE runs exceed the image size %dx%d" % (w, h))
        if value:
            col_major[pos:pos + n] = b"\x01" * n
        pos += n
        value ^= 1
    if pos != h * w:
        raise ValueError("RLE covers %d pixels, the image has %d" % (pos, h * w))
    return bytearray(b"".join(bytes(col_major[y::h]) for y in range(h)))


def decode_polygons(polygons, h, w):
    """Union of polygons [x1, y1, x2, y2, ...]; a pixel is in if its centre is (even-odd rule)."""
    mask = bytearray(h * w)
    for poly in polygons:
        if len(poly) < 6 or len(poly) % 2:
            raise ValueError("polygon with %d coordinates (need an even number >= 6)" % len(poly))
        pts = list(zip(poly[0::2], poly[1::2]))
        for y in range(h):
            cy = y + 0.5
            xs = []
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
                if (y0 <= cy) != (y1 <= cy):
                    xs.append(x0 + (cy - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[0::2], xs[1::2]):
                # pixels whose centre x + 0.5 lies in [a, b)
                start = max(0, int(-(-(a - 0.5) // 1)))
                end = min(w, int(-(-(b - 0.5) // 1)))
                if end > start:
                    mask[y * w + start:y * w + end] = b"\x01" * (end - start)
    return mask


def decode_segmentation(seg, h, w):
    if isinstance(seg, list):
        return decode_polygons(seg, h, w)
    if isinstance(seg, dict) and "counts" in seg:
        size = seg.get("size", [h, w])
        if list(size) != [h, w]:
            raise ValueError("RLE size %s differs from the image's [%d, %d]" % (size, h, w))
        counts = seg["counts"]
        if isinstance(counts, bytes):
            counts = counts.decode("ascii")
        if isinstance(counts, str):
            counts = rle_counts_from_string(counts)
        return decode_rle(counts, h, w)
    raise ValueError("segmentation is neither a polygon list nor an RLE dict")


# ---------------------------------------------------------------------------------------- PNG
def write_png_gray(path, pixels, w, h):
    raw = b"".join(b"\x00" + bytes(pixels[y * w:(y + 1) * w]) for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def convert_image(src, dst):
    with open(src, "rb") as f:
        head = f.read(8)
    if head == b"\x89PNG\r\n\x1a\n":
        shutil.copyfile(src, dst)
        return
    try:
        from PIL import Image  # lazily: only JPEG sources need it
    except ImportError:
        raise ValueError("%s is not a PNG and Pillow is not installed (pip install pillow)" % src)
    Image.open(src).convert("RGB").save(dst)


# ---------------------------------------------------------------------------------------- main
def convert(root, out, refs_path=None, instances_path=None, images_dir=None):
    refs_path = refs_path or os.path.join(root, "refs(unc).p")
    instances_path = instances_path or os.path.join(root, "instances.json")
    if images_dir is None:
        images_dir = next((os.path.join(root, d) for d in ("images", "JPEGImages")
                           if os.path.isdir(os.path.join(root, d))), os.path.join(root, "images"))
    for p in (refs_path, instances_path):
        if not os.path.exists(p):
            raise SystemExit("%s: file not found (expected the RRSIS-D release layout, see --help)" % p)
    with open(refs_path, "rb") as f:
        refs = pickle.load(f)
    with open(instances_path) as f:
        try:
            inst = json.load(f)
        except json.JSONDecodeError as e:
            raise SystemExit("%s:%d: invalid JSON: %s" % (instances_path, e.lineno, e.msg))
    images = {im["id"]: im for im in inst.get("images", [])}
    anns = {a["id"]: a for a in inst.get("annotations", [])}
    cats = {c["id"]: c["name"] for c in inst.get("categories", [])}

    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    os.makedirs(os.path.join(out, "masks"), exist_ok=True)
    converted_images, lines, skipped = set(), [], []
    name = os.path.basename(refs_path)
    for index, ref in enumerate(refs):
        where = "%s record %d (ref_id %s)" % (name, index, ref.get("ref_id", "?") if isinstance(ref, dict) else "?")
        try:
            if not isinstance(ref, dict):
                raise ValueError("not a dict")
            for key in ("ref_id", "ann_id", "image_id", "split", "sentences"):
                if key not in ref:
                    raise ValueError("missing key '%s'" % key)
            if ref["split"] not in SPLITS:
                raise ValueError("split '%s' is not one of %s" % (ref["split"], ", ".join(SPLITS)))
            ann = anns.get(ref["ann_id"])
            if ann is None:
                raise ValueError("annotation %s not found in %s" % (ref["ann_id"], os.path.basename(instances_path)))
            im = images.get(ref["image_id"])
            if im is None:
                raise ValueError("image %s not found in %s" % (ref["image_id"], os.path.basename(instances_path)))
            h, w = int(im["height"]), int(im["width"])
            mask = decode_segmentation(ann["segmentation"], h, w)
            if not any(mask):
                raise ValueError("empty mask")
            stem = os.path.splitext(im["file_name"])[0]
            image_rel = "images/%s.png" % stem
            if stem not in converted_images:
                src = os.path.join(images_dir, im["file_name"])
                if not os.path.exists(src):
                    raise ValueError("image file %s not found" % src)
                convert_image(src, os.path.join(out, image_rel))
                converted_images.add(stem)
            mask_rel = "masks/%s.png" % ref["ref_id"]
            write_png_gray(os.path.join(out, mask_rel), [255 * v for v in mask], w, h)
            category = cats.get(ref.get("category_id", ann.get("category_id")))
            for k, sent in enumerate(ref["sentences"]):
                text = (sent.get("sent") or sent.get("raw") or "").strip() if isinstance(sent, dict) else str(sent).strip()
                if not text:
                    skipped.append("%s sentence %d: empty expression" % (where, k))
                    continue
                record = {"id": "%s-%d" % (ref["ref_id"], k), "image": image_rel, "mask": mask_rel,
                          "expression": text, "split": ref["split"], "tags": {}}
                if category:
                    record["tags"]["category"] = category
                lines.append(json.dumps(record, sort_keys=True))
        except (ValueError, KeyError, TypeError) as e:
            skipped.append("%s: %s" % (where, e))
    with open(os.path.join(out, "manifest.jsonl"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return len(lines), skipped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="RRSIS-D folder holding refs(unc).p and instances.json")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--refs", help="path of refs(unc).p (default ROOT/refs(unc).p)")
    ap.add_argument("--instances", help="path of instances.json (default ROOT/instances.json)")
    ap.add_argument("--images", help="image folder (default ROOT/images or ROOT/JPEGImages)")
    args = ap.parse_args(argv)
    n, skipped = convert(args.root, args.out, args.refs, args.instances, args.images)
    print("converted %d samples; skipped %d" % (n, len(skipped)), file=sys.stderr)
    for s in skipped:
        print("  skipped " + s, file=sys.stderr)
    return 0 if n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
