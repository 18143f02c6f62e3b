#!/usr/bin/env python3
"""Numerical parity of FIABench's segmenter with the published FIANet computation, in PyTorch.

What it does
    Reads `Fixtures/parity_inputs.safetensors` (written by the Swift test `ParityTests`: the weights of a tiny
    segmenter under FIABench's dotted parameter names, the inputs under `input.*`, the configuration in the
    metadata), recomputes the model from the equations of the official code (`Shaosifan/FIANet`: lib/backbone.py,
    lib/text_aware_multiscale_enhancement.py, lib/mask_predictor.py, lib/_utils.py, loss/loss.py; LAVT-RIS for
    the coarse PWAM layer) in float64, and writes `Fixtures/parity_golden.safetensors`: the logits and loss of
    three alignment variants (FIAM, FIAM without its spatial branch, coarse; all with TMEM and the LAVT decoder,
    the main ablation's rows) and a selection of parameter gradients of the full model. It also reruns the full
    model in float32 and prints how far PyTorch's own float32 lands from the float64 reference (the yardstick the
    Swift test's tolerances are set against).

Regenerate (from the package root)
    FIA_WRITE_PARITY_FIXTURES=1 swift test --filter ParityTests   # Swift writes the weights and inputs
    pip install torch safetensors
    python3 Tests/RRSISModelsTests/Parity/parity.py               # writes the goldens
    swift test --filter ParityTests                               # compares
    python3 Tests/RRSISModelsTests/Parity/parity.py --measure-small-maps    # measures the departure below

How it is written
    Transcribed from the official equations, not copied: the official layout is kept where it differs from
    FIABench's (backbone tokens `[B, HW, C]`, SILA's Conv1d over words `[B, D, L]`, gates as `nn.Linear` on
    tokens), so FIABench's NCHW 1x1 convolutions, weight layouts (OIHW, Linear out x in) and permutations are
    checked, not mirrored. Training-mode equations (BatchNorm on batch statistics), no dropout, no drop-path.
    SILA masks padded words the official way (keys and values multiplied by the mask, then +(1e4*mask - 1e4)),
    FIABench with -inf; the official ScaleAwareGate 1x1 convs have biases, FIABench's none: the script gives them
    random biases, which BatchNorm on batch statistics cancels exactly.

Where it follows FIABench rather than the official code (each a FIABench choice its README describes)
    * Text encoder: FIABench's small pre-norm transformer (README "text encoder"), computed as designed (the
      official model uses BERT-base, which has no counterpart here). Its decoupling: three passes with the full,
      object and position masks; an all-zero mask is encoded under the full mask, the object branch's SILA then
      gets the empty object mask (gathers zero, as the official code does), the position branch the full mask.
    * FIAM without the spatial branch: the official code has no switch; the branch's output factor is dropped.
    * Swin windows (`swin_block(rule=...)`): FIABench's default `windowRule: detection` is the official
      detection-style Swin (pad the normalised map with zeros to a window multiple, shift every second block
      whatever the map's size, crop), and the goldens are computed that way. The committed fixture uses window 4
      (FIABench's default) on a 64 px image: maps 16, 8, 4, 2, so the 4x4 stage's second block shifts a map the
      size of its window and the 2x2 stage is padded to 4x4, the two cases where the rules part.
      `--measure-small-maps` measures FIABench's other choice, `windowRule: classification` (classification
      Swin: a map no larger than the window is one unshifted window), against the official rule on the same
      weights.

Mutation check (how the tolerances were tested): each of 15 single-equation edits of this script (tanh GELU,
LayerNorm/InstanceNorm/BatchNorm eps, align_corners either way, no shift mask, transposed position bias,
patch-merging order, Dice smooth or mean, CE weights, sigmoid for hard sigmoid, SILA scale, the empty object
mask) makes the Swift test fail.
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = os.path.join(HERE, "Fixtures", "parity_inputs.safetensors")
GOLDEN = os.path.join(HERE, "Fixtures", "parity_golden.safetensors")

VARIANTS = {"fiam": dict(kind="fiam", spatial=True), "fiam_nospatial": dict(kind="fiam", spatial=False),
            "coarse": dict(kind="coarse", spatial=False)}

LOGIT_STRIDE = 4

# Gradients kept in the goldens: one or two per module kind, along the whole path from the loss to the input.
GRADIENT_NAMES = [
    "text.embedding.weight", "text.positions", "text.layers.0.attention.query.weight", "text.layers.1.mlp.fc2.bias",
    "backbone.patchEmbed.weight", "backbone.patchNorm.weight",
    "backbone.stages.2.blocks.1.attention.relativeBias", "backbone.stages.2.blocks.1.attention.qkv.weight",
    "backbone.stages.0.downsample.reduction.weight",
    "backbone.stages.1.align.sila.query.weight", "backbone.stages.1.align.sila.key.weight",
    "backbone.stages.1.align.objectSILA.value.weight", "backbone.stages.1.align.spatial.conv.weight",
    "backbone.stages.1.align.channelGate.reduce.weight", "backbone.stages.2.align.gate.second.weight",
    "backbone.outputNorms.3.weight",
    "scale.down.weight", "scale.blocks.0.sila.out.weight", "scale.blocks.0.fc1.weight", "scale.norm.weight",
    "scale.gates.0.attention.weight", "scale.gates.3.localNorm.bias",
    "decoder.fuse.0.0.conv.weight", "decoder.fuse.2.1.norm.weight", "decoder.classifier.weight", "decoder.classifier.bias",
]


# ---------------------------------------------------------------------------------------------------------------
# Primitive layers, in the official code's form

def linear(x, p, name, bias=True):
    """nn.Linear: x W^T + b, W stored [out, in]."""
    return F.linear(x, p[name + ".weight"], p[name + ".bias"] if bias else None)


def linear_from_1x1(x, p, name):
    """An official bias-free nn.Linear over tokens whose FIABench counterpart is a 1x1 Conv2d [out, in, 1, 1]."""
    w = p[name + ".weight"]
    return F.linear(x, w.reshape(w.shape[0], w.shape[1]))


def conv1d_from_1x1(x, p, name):
    """An official Conv1d(k=1) over [B, C, N] whose FIABench counterpart is a 1x1 Conv2d."""
    w = p[name + ".conv.weight"] if name + ".conv.weight" in p else p[name + ".weight"]
    b = p[name + ".conv.bias"] if name + ".conv.bias" in p else p[name + ".bias"]
    return F.conv1d(x, w.reshape(w.shape[0], w.shape[1], 1), b)


def conv1d_from_linear(x, p, name):
    """An official Conv1d(k=1) over words [B, D, L] whose FIABench counterpart is a Linear [out, in]."""
    w = p[name + ".weight"]
    return F.conv1d(x, w.unsqueeze(-1), p[name + ".bias"])


def layer_norm(x, p, name):
    return F.layer_norm(x, (x.shape[-1],), p[name + ".weight"], p[name + ".bias"], eps=1e-5)


def batch_norm_train(x, p, name):
    """nn.BatchNorm2d in training mode: batch statistics (biased variance) normalise; eps 1e-5."""
    c = x.shape[1]
    return F.batch_norm(x, torch.zeros(c, dtype=x.dtype), torch.ones(c, dtype=x.dtype), p[name + ".weight"],
                        p[name + ".bias"], training=True, momentum=0.1, eps=1e-5)


def instance_norm(x):
    """nn.InstanceNorm1d defaults: no affine, eps 1e-5, over the last axis."""
    return F.instance_norm(x, eps=1e-5)


# ---------------------------------------------------------------------------------------------------------------
# Text encoder (FIABench's design; see the header)

def text_encoder(p, cfg, tokens, mask):
    """tokens [B, L] long, mask [B, L] -> word features [B, L, D]."""
    b, l = tokens.shape
    d, heads = cfg["textDim"], cfg["textHeads"]
    x = F.embedding(tokens, p["text.embedding.weight"], padding_idx=0) + p["text.positions"][:l]
    bias = torch.zeros(b, 1, 1, l, dtype=x.dtype).masked_fill(mask.view(b, 1, 1, l) == 0, float("-inf"))
    for i in range(cfg["textLayers"]):
        pre = f"text.layers.{i}."
        h = layer_norm(x, p, pre + "norm1")
        hd = d // heads
        q, k, v = (linear(h, p, pre + "attention." + n).view(b, l, heads, hd).transpose(1, 2) for n in ("query", "key", "value"))
        attn = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(hd) + bias, dim=-1)
        x = x + linear((attn @ v).transpose(1, 2).reshape(b, l, d), p, pre + "attention.out")
        x = x + linear(F.gelu(linear(layer_norm(x, p, pre + "norm2"), p, pre + "mlp.fc1")), p, pre + "mlp.fc2")
    return layer_norm(x, p, "text.norm")


def decoupled_text(p, cfg, tokens, full, obj, pos):
    """The three encodings, each with the mask its consumer uses: (l, l_mask), (t, t_mask), (p, p_mask)."""
    def fallback(m):
        empty = m.sum(dim=1, keepdim=True) == 0
        return torch.where(empty, full, m)
    obj_run, pos_mask = fallback(obj), fallback(pos)
    l = text_encoder(p, cfg, tokens, full)
    t = text_encoder(p, cfg, tokens, obj_run)
    ps = text_encoder(p, cfg, tokens, pos_mask)
    # Official layout: features [B, D, L], masks [B, L, 1].
    return [(f.transpose(1, 2), m.unsqueeze(-1)) for f, m in ((l, full), (t, obj), (ps, pos_mask))]


# ---------------------------------------------------------------------------------------------------------------
# SILA / PWAM / OPAB / FIAM (lib/backbone.py), tokens [B, HW, C]

def sila(p, name, x, l, l_mask):
    """SpatialImageLanguageAttention, one head: x [B, HW, C], l [B, D, L], l_mask [B, L, 1] -> [B, HW, C]."""
    b, hw, _ = x.shape
    m = l_mask.permute(0, 2, 1)                                                   # [B, 1, L]
    query = instance_norm(conv1d_from_1x1(x.permute(0, 2, 1), p, name + ".query")).permute(0, 2, 1)  # [B, HW, K]
    key = conv1d_from_linear(l, p, name + ".key") * m                             # [B, K, L]
    value = conv1d_from_linear(l, p, name + ".value") * m
    kc = key.shape[1]
    sim = (kc ** -0.5) * (query @ key) + (1e4 * m - 1e4)                          # [B, HW, L]
    out = torch.softmax(sim, dim=-1) @ value.permute(0, 2, 1)                     # [B, HW, K]
    return instance_norm(conv1d_from_1x1(out.permute(0, 2, 1), p, name + ".out")).permute(0, 2, 1)


def tanh_gate(p, name, x):
    """nn.Sequential(Linear(no bias), ReLU, Linear(no bias), Tanh) over tokens."""
    return torch.tanh(linear_from_1x1(F.relu(linear_from_1x1(x, p, name + ".first")), p, name + ".second"))


def pwam(p, name, x, l, l_mask):
    """PWAM: project_mm(vis_project(x) * SILA(x, l)), each projection Conv1d(k=1) + GELU."""
    vis = F.gelu(conv1d_from_1x1(x.permute(0, 2, 1), p, name + ".visual"))        # [B, C, HW]
    lang = sila(p, name + ".sila", x, l, l_mask).permute(0, 2, 1)
    return F.gelu(conv1d_from_1x1(vis * lang, p, name + ".project")).permute(0, 2, 1)


def opab(p, name, x, h, w, t, t_mask, ps, p_mask, spatial):
    """Object-position alignment block: gated ground-object attention, times a CBAM-style spatial map."""
    b, _, c = x.shape
    go = sila(p, name + ".objectSILA", x, t, t_mask)
    go = tanh_gate(p, name + ".objectGate", go) * go
    if not spatial:
        return go
    sp = sila(p, name + ".spatial.sila", x, ps, p_mask).reshape(b, h, w, c).permute(0, 3, 1, 2)
    pooled = torch.cat([sp.mean(dim=1, keepdim=True), sp.max(dim=1, keepdim=True)[0]], dim=1)
    sp = torch.sigmoid(F.conv2d(pooled, p[name + ".spatial.conv.weight"], None, padding=1))
    return go * sp.permute(0, 2, 3, 1).reshape(b, h * w, 1)


def alignment(p, name, variant, x, h, w, text):
    """After a stage's blocks: returns (x updated for the next stage, x_residual handed to the stage norm)."""
    (l, l_mask), (t, t_mask), (ps, p_mask) = text
    x_residual = pwam(p, name, x, l, l_mask)
    gated = tanh_gate(p, name + ".gate", x_residual) * x_residual
    if variant["kind"] == "coarse":                               # LAVT's layer: x + res_gate(r) * r
        return x + gated, x_residual
    z = x.mean(dim=1)                                             # channel modulation (squeeze-excitation)
    channel = torch.sigmoid(linear(F.relu(linear(z, p, name + ".channelGate.reduce")), p, name + ".channelGate.expand"))
    x_add = (gated + opab(p, name, x, h, w, t, t_mask, ps, p_mask, variant["spatial"])) * channel.unsqueeze(1)
    return x + x_add, x_residual


# ---------------------------------------------------------------------------------------------------------------
# Swin (lib/backbone.py, detection-style: pad to a window multiple)

def relative_index(win, table_window):
    """Relative position index of a win x win window into a (2*table_window - 1)^2 table."""
    coords = torch.stack(torch.meshgrid(torch.arange(win), torch.arange(win), indexing="ij")).flatten(1)
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (table_window - 1)
    return rel[:, :, 0] * (2 * table_window - 1) + rel[:, :, 1]


def shift_mask(hp, wp, win, shift, dtype):
    """The official SW-MSA mask [nW, N, N]: after the cyclic shift a map splits into 3 x 3 regions (rows below
    hp - win, below hp - shift, the rest; likewise columns); pixels of different regions get -100, others 0."""
    def region(i, extent):
        return torch.where(i < extent - win, 0, torch.where(i < extent - shift, 1, 2))
    ids = 3 * region(torch.arange(hp), hp)[:, None] + region(torch.arange(wp), wp)[None, :]     # [hp, wp]
    windows = partition(ids.view(1, hp, wp, 1), win).reshape(-1, win * win)                     # [nW, N]
    same = windows.unsqueeze(2) == windows.unsqueeze(1)
    return torch.where(same, 0.0, -100.0).to(dtype)


def partition(x, win):
    b, h, w, c = x.shape
    return x.view(b, h // win, win, w // win, win, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, win, win, c)


def reverse(windows, win, h, w):
    b = windows.shape[0] // ((h // win) * (w // win))
    return windows.view(b, h // win, w // win, win, win, -1).permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, -1)


def window_attention(p, name, x, heads, win, table_window, mask):
    bw, n, c = x.shape
    qkv = linear(x, p, name + ".qkv").reshape(bw, n, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0] * (c // heads) ** -0.5, qkv[1], qkv[2]
    attn = q @ k.transpose(-2, -1)
    bias = p[name + ".relativeBias"][relative_index(win, table_window).reshape(-1)].view(n, n, -1).permute(2, 0, 1)
    attn = attn + bias.unsqueeze(0)
    if mask is not None:
        nw = mask.shape[0]
        attn = (attn.view(bw // nw, nw, heads, n, n) + mask.unsqueeze(1).unsqueeze(0)).view(-1, heads, n, n)
    attn = torch.softmax(attn, dim=-1)
    return linear((attn @ v).transpose(1, 2).reshape(bw, n, c), p, name + ".proj")


def swin_block(p, name, x, h, w, heads, window, shifted, rule):
    b, _, c = x.shape
    shortcut = x
    x = layer_norm(x, p, name + ".norm1").view(b, h, w, c)
    if rule == "classification" and min(h, w) <= window:
        win, shift = min(window, h, w), 0
    else:
        win, shift = window, (window // 2 if shifted else 0)
    pad_r, pad_b = (win - w % win) % win, (win - h % win) % win
    x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
    hp, wp = h + pad_b, w + pad_r
    if shift > 0:
        x = torch.roll(x, shifts=(-shift, -shift), dims=(1, 2))
    mask = shift_mask(hp, wp, win, shift, x.dtype) if shift > 0 else None
    y = window_attention(p, name + ".attention", partition(x, win).view(-1, win * win, c), heads, win, window, mask)
    x = reverse(y.view(-1, win, win, c), win, hp, wp)
    if shift > 0:
        x = torch.roll(x, shifts=(shift, shift), dims=(1, 2))
    x = x[:, :h, :w, :].reshape(b, h * w, c)
    x = shortcut + x
    return x + linear(F.gelu(linear(layer_norm(x, p, name + ".norm2"), p, name + ".fc1")), p, name + ".fc2")


def patch_merging(p, name, x, h, w):
    b, _, c = x.shape
    x = x.view(b, h, w, c)
    x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1).view(b, -1, 4 * c)
    return F.linear(layer_norm(x, p, name + ".norm"), p[name + ".reduction.weight"])


def backbone(p, cfg, variant, images, text, rule):
    x = F.conv2d(images, p["backbone.patchEmbed.weight"], p["backbone.patchEmbed.bias"], stride=4)
    h, w = x.shape[2], x.shape[3]
    x = layer_norm(x.flatten(2).transpose(1, 2), p, "backbone.patchNorm")       # [B, HW, C]
    outs = []
    for i in range(4):
        pre = f"backbone.stages.{i}"
        for j in range(cfg["depths"][i]):
            x = swin_block(p, f"{pre}.blocks.{j}", x, h, w, cfg["heads"][i], cfg["window"], j % 2 == 1, rule)
        x, x_out = alignment(p, pre + ".align", variant, x, h, w, text)
        out = layer_norm(x_out, p, f"backbone.outputNorms.{i}")
        outs.append(out.view(-1, h, w, cfg["dims"][i]).permute(0, 3, 1, 2))
        if i < 3:
            x = patch_merging(p, pre + ".downsample", x, h, w)
            h, w = (h + 1) // 2, (w + 1) // 2
    return outs


# ---------------------------------------------------------------------------------------------------------------
# TMEM (lib/text_aware_multiscale_enhancement.py) and the decoder (lib/mask_predictor.py, lib/_utils.py)

def conv(x, p, name, bias=True, padding=0):
    return F.conv2d(x, p[name + ".weight"], p[name + ".bias"] if bias else None, padding=padding)


def scale_aware_gate(p, name, x_l, x_g, gate_bias):
    size = x_l.shape[-2:]
    local = batch_norm_train(F.conv2d(x_l, p[name + ".local.weight"], gate_bias[name + ".local"]), p, name + ".localNorm")
    glob = batch_norm_train(F.conv2d(x_g, p[name + ".global.weight"], gate_bias[name + ".global"]), p, name + ".globalNorm")
    glob = F.interpolate(glob, size=size, mode="bilinear", align_corners=False)
    act = batch_norm_train(F.conv2d(x_g, p[name + ".attention.weight"], gate_bias[name + ".attention"]), p, name + ".attentionNorm")
    sig = F.interpolate(F.relu6(act + 3) / 6, size=size, mode="bilinear", align_corners=False)
    return local * sig + glob


def tmem(p, cfg, maps, l, l_mask, gate_bias):
    hh, ww = maps[-1].shape[-2:]
    out = conv(torch.cat([F.adaptive_avg_pool2d(m, (hh, ww)) for m in maps], dim=1), p, "scale.down")
    for j in range(cfg["tmemBlocks"]):
        pre = f"scale.blocks.{j}"
        b, c, h, w = out.shape
        x = out.flatten(2).transpose(1, 2)
        y = x + sila(p, pre + ".sila", layer_norm(x, p, pre + ".norm1"), l, l_mask)
        y = y + linear(F.gelu(linear(layer_norm(y, p, pre + ".norm2"), p, pre + ".fc1")), p, pre + ".fc2")
        out = y.reshape(b, h, w, c).permute(0, 3, 1, 2)
    parts = conv(batch_norm_train(out, p, "scale.norm"), p, "scale.up").split(cfg["dims"], dim=1)
    return [scale_aware_gate(p, f"scale.gates.{i}", maps[i], parts[i], gate_bias) for i in range(4)]


def decoder(p, maps, size):
    x = maps[3]
    for step, i in enumerate((2, 1, 0)):
        skip = maps[i]
        x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=True)
        x = torch.cat([x, skip], dim=1)
        for k in range(2):
            pre = f"decoder.fuse.{step}.{k}"
            x = F.relu(batch_norm_train(conv(x, p, pre + ".conv", bias=False, padding=1), p, pre + ".norm"))
    return F.interpolate(conv(x, p, "decoder.classifier"), size=size, mode="bilinear", align_corners=True)


def segmenter(p, cfg, variant, inputs, gate_bias, rule):
    text = decoupled_text(p, cfg, inputs["tokens"], inputs["full"], inputs["object"], inputs["position"])
    maps = backbone(p, cfg, variant, inputs["images"], text, rule)
    l, l_mask = text[0]
    return decoder(p, tmem(p, cfg, maps, l, l_mask, gate_bias), inputs["images"].shape[-2:])


# ---------------------------------------------------------------------------------------------------------------
# Loss (loss/loss.py)

def official_loss(logits, target):
    """0.9 * CrossEntropy(weight [0.9, 1.1]) + 0.1 * Dice(softmax, one-hot; sum over images and classes, smooth 1e-6)."""
    targ = target.long()
    ce = F.cross_entropy(logits, targ, weight=torch.tensor([0.9, 1.1], dtype=logits.dtype))
    onehot = torch.stack([(targ == c).to(logits.dtype) for c in range(2)], dim=1)
    prob = torch.softmax(logits, dim=1)
    inter = (prob * onehot).sum(dim=(2, 3))
    union = (prob + onehot).sum(dim=(2, 3))
    dice = (1 - (2 * inter + 1e-6) / (union + 1e-6)).sum()
    return 0.9 * ce + 0.1 * dice


# ---------------------------------------------------------------------------------------------------------------

def load_inputs(dtype):
    with safe_open(INPUTS, framework="pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    cfg = json.loads(meta["config"])
    params = {k: v.to(dtype).requires_grad_(True) for k, v in tensors.items() if not k.startswith("input.")}
    inputs = {
        "images": tensors["input.images"].to(dtype),
        "tokens": tensors["input.tokens"].round().long(),
        "full": tensors["input.fullMask"].to(dtype), "object": tensors["input.objectMask"].to(dtype),
        "position": tensors["input.positionMask"].to(dtype),
        "target": tensors["input.target"].to(dtype).squeeze(1),
    }
    return cfg, params, inputs


def official_gate_biases(params, dtype):
    """Random biases for the official ScaleAwareGate convs (FIABench has none; batch-statistics BN cancels them)."""
    g = torch.Generator().manual_seed(7)
    names = sorted({k.rsplit(".", 1)[0] for k in params if k.startswith("scale.gates.") and
                    k.rsplit(".", 2)[-2] in ("local", "global", "attention")})
    return {n: (0.1 * torch.randn(params[n + ".weight"].shape[0], generator=g, dtype=torch.float64)).to(dtype) for n in names}


def run(variant_name, dtype, rule="official"):
    cfg, params, inputs = load_inputs(dtype)
    logits = segmenter(params, cfg, VARIANTS[variant_name], inputs, official_gate_biases(params, dtype), rule)
    loss = official_loss(logits, inputs["target"])
    return logits, loss, params


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--measure-small-maps", action="store_true",
                    help="only measure windowRule classification against the official rule (writes nothing)")
    args = ap.parse_args()
    if not os.path.exists(INPUTS):
        sys.exit(f"parity.py: {INPUTS} is missing; write it first with FIA_WRITE_PARITY_FIXTURES=1 swift test --filter ParityTests")
    if args.measure_small_maps:
        measure_small_map_departure()
        return
    golden = {}
    for name in VARIANTS:
        logits, loss, params = run(name, torch.float64)
        # The full model's logits whole; the other rows' on every 4th row and column (the files stay small).
        kept = logits if name == "fiam" else logits[:, :, ::LOGIT_STRIDE, ::LOGIT_STRIDE]
        golden[f"{name}.logits"] = kept.detach().float().contiguous()
        golden[f"{name}.loss"] = loss.detach().float().reshape(1)
        if name == "fiam":
            loss.backward()
            for g in GRADIENT_NAMES:
                golden[f"fiam.grad.{g}"] = params[g].grad.float().contiguous()
            ref_logits, ref_loss, ref_params = logits.detach(), loss.detach(), params
        print(f"{name}: loss {loss.item():.8f}")
    # The fixture must exercise the official rule where it differs from the classification Swin's.
    other_rule, _, _ = run("fiam", torch.float64, rule="classification")
    if torch.equal(other_rule.detach(), ref_logits):
        sys.exit("parity.py: both Swin window rules give the same logits on this configuration; the goldens would not test the padding and small-map shift")
    # PyTorch's own float32 against the float64 reference: the yardstick for the Swift tolerances.
    l32, loss32, p32 = run("fiam", torch.float32)
    loss32.backward()
    worst = max((rel(p32[g].grad.double(), ref_params[g].grad), g) for g in GRADIENT_NAMES)
    print(f"torch float32 vs float64 (fiam): logits max rel {rel(l32.detach().double(), ref_logits):.2e}, "
          f"loss rel {abs(loss32.item() - ref_loss.item()) / abs(ref_loss.item()):.2e}, "
          f"worst gradient max rel {worst[0]:.2e} ({worst[1]})")
    save_file(golden, GOLDEN, metadata={"source": "Tests/RRSISModelsTests/Parity/parity.py", "torch": torch.__version__})
    print(f"wrote {GOLDEN} ({os.path.getsize(GOLDEN)} bytes)")


def measure_small_map_departure():
    """`windowRule: classification` against the official detection-style rule on the fixture's weights (window 4,
    64 px: maps 16, 8, 4, 2)."""
    cfg, params, inputs = load_inputs(torch.float64)
    out = {}
    for rule in ("classification", "official"):
        logits = segmenter(params, cfg, VARIANTS["fiam"], inputs, official_gate_biases(params, torch.float64), rule)
        out[rule] = (logits.detach(), official_loss(logits, inputs["target"]).item())
    (a, la), (b, lb) = out["classification"], out["official"]
    print(f"window {cfg['window']}, 64 px (maps 16, 8, 4, 2): classification Swin's small-map rule vs the official padding + shift: "
          f"logits max abs diff {(a - b).abs().max().item():.4f} (max |logit| {b.abs().max().item():.4f}), "
          f"argmax disagreement {((a.argmax(1) != b.argmax(1)).double().mean().item()):.4f} of pixels, "
          f"loss {la:.6f} vs {lb:.6f}")


if __name__ == "__main__":
    main()
