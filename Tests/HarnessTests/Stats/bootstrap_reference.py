"""Independent reference of FIABench's paired two-level bootstrap (PairedBootstrap.swift), in numpy.

Reads JSON from stdin: {"seed": int, "resamples": int, "level": float,
  "baseline": {"intersection": [[...] per seed], "union": [[...] per seed]}, "variant": {...}}
Writes JSON to stdout: {metric: {"delta", "low", "high", "p_improve"}} for oIoU, mIoU, Pr@0.5 ... Pr@0.9.

Same random stream as the Swift code: SplitMix64, index = next() % n, per replicate the seed indices
first, then the sample indices. Everything else (metrics, percentiles) is plain numpy.
"""
import json
import sys

import numpy as np

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9]
NAMES = ["oIoU", "mIoU"] + [f"Pr@{t}" for t in THRESHOLDS]


def metrics(inter, union):
    """Metrics of one run over the given samples (rows of a resample may repeat)."""
    iou = np.where(union == 0, 0.0, inter / np.where(union == 0, 1, union))
    total_u = union.sum()
    out = [0.0 if total_u == 0 else inter.sum() / total_u, iou.mean()]
    out += [(iou >= t).mean() for t in THRESHOLDS]
    return np.array(out)


def side_mean(side, seed_idx, sample_idx):
    inter = np.asarray(side["intersection"], dtype=float)
    union = np.asarray(side["union"], dtype=float)
    return np.mean([metrics(inter[s][sample_idx], union[s][sample_idx]) for s in seed_idx], axis=0)


def main():
    cfg = json.load(sys.stdin)
    base, var = cfg["baseline"], cfg["variant"]
    k = len(base["intersection"])
    n = len(base["intersection"][0])
    rng = SplitMix64(cfg["seed"])
    reps = []
    for _ in range(cfg["resamples"]):
        seed_idx = [rng.next() % k for _ in range(k)]
        sample_idx = np.array([rng.next() % n for _ in range(n)])
        reps.append(side_mean(var, seed_idx, sample_idx) - side_mean(base, seed_idx, sample_idx))
    reps = np.array(reps)
    everything = np.arange(n)
    delta = side_mean(var, range(k), everything) - side_mean(base, range(k), everything)
    alpha = (1 - cfg["level"]) / 2
    out = {}
    for m, name in enumerate(NAMES):
        r = reps[:, m]
        out[name] = {
            "delta": float(delta[m]),
            "low": float(np.percentile(r, 100 * alpha)),
            "high": float(np.percentile(r, 100 * (1 - alpha))),
            "p_improve": float(((r > 1e-12).sum() + 0.5 * (np.abs(r) <= 1e-12).sum()) / len(r)),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
