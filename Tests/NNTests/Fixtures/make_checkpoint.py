#!/usr/bin/env python3
"""Writes torch_style.safetensors with only the standard library (struct + json), as another tool would.

The tensors mirror `CheckpointTests.Small` — a Linear(3, 2) named `fc` and a BatchNorm2d(2) named `norm` —
with values that are easy to assert: fc.weight[i][j] = 0.5 * (3 * i + j) - 1, fc.bias = [0.25, -0.75],
norm.weight = [1.5, 2.5], norm.bias = [-1, 1], norm.running_mean = [0.125, -0.125], norm.running_var = [2, 3],
norm.num_batches_tracked = 7 (a scalar I64, as PyTorch stores it).
One extra F64 tensor checks dtype conversion in a separate file. Keys are deliberately not sorted and the
header is padded to 8 bytes, as the safetensors spec allows.
Run from this folder: python3 make_checkpoint.py
"""
import json
import struct


def write(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, (dtype, shape, values) in tensors.items():
        code = {"F32": "<%df", "F64": "<%dd", "I64": "<%dq"}[dtype] % len(values)
        blob = struct.pack(code, *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


tensors = {
    "norm.running_var": ("F32", [2], [2.0, 3.0]),
    "fc.weight": ("F32", [2, 3], [0.5 * k - 1 for k in range(6)]),
    "fc.bias": ("F32", [2], [0.25, -0.75]),
    "norm.weight": ("F32", [2], [1.5, 2.5]),
    "norm.bias": ("F32", [2], [-1.0, 1.0]),
    "norm.running_mean": ("F32", [2], [0.125, -0.125]),
    "norm.num_batches_tracked": ("I64", [], [7]),
}
write("torch_style.safetensors", tensors, {"format": "pt", "writer": "make_checkpoint.py"})
write("float64.safetensors", {"x": ("F64", [2, 2], [1.0, -2.5, 1e-3, 3.0])}, {"format": "pt"})
