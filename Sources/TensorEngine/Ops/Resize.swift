import CKernels

/// How `interpolate` computes an output pixel from the input grid.
public enum InterpolationMode: Sendable {
    /// PyTorch's legacy `mode="nearest"`: source index `min(⌊dst · in/out⌋, in − 1)` (float arithmetic).
    case nearest
    /// Bilinear over the two nearest rows and columns (PyTorch's `mode="bilinear"`).
    case bilinear
}

/// Resizes the spatial dimensions of `[N, C, H, W]` to `[N, C, size.0, size.1]`, matching PyTorch's
/// `F.interpolate(x, size=size, mode=…, align_corners=…)` exactly.
///
/// Source coordinate of output index `d` along a dimension of input length `in` and output length `out`:
/// - bilinear, `alignCorners == false` (PyTorch's default, "half-pixel"): `s = (d + 0.5)·in/out − 0.5`,
///   clamped below at 0 — pixel centres line up, and the corner pixels replicate outwards;
/// - bilinear, `alignCorners == true`: `s = d·(in − 1)/(out − 1)` (0 when `out == 1`) — the corner pixels'
///   centres line up exactly;
/// - nearest: `min(⌊d·in/out⌋, in − 1)` (PyTorch's legacy nearest, not "nearest-exact"); `alignCorners` must
///   be false, as PyTorch rejects it for this mode.
/// Bilinear then reads rows `⌊s⌋` and `min(⌊s⌋ + 1, in − 1)` with weights `1 − (s − ⌊s⌋)` and `s − ⌊s⌋`
/// (likewise columns); a dimension whose size does not change is copied. Scales are computed in float32,
/// as PyTorch does for float tensors.
///
/// Cost: bilinear counts 9 FLOPs per output element (6 multiplies, 3 adds); nearest counts none (a copy).
public func interpolate(_ x: Tensor, size: (Int, Int), mode: InterpolationMode, alignCorners: Bool = false) -> Tensor {
    if x.failure != nil { return x }
    let (oh, ow) = size
    guard x.rank == 4 else {
        return Tensor(failure: .invalidArgument(op: "interpolate", detail: "expects a 4-D input [N, C, H, W], got \(x.shape)"))
    }
    guard oh >= 1, ow >= 1 else {
        return Tensor(failure: .invalidArgument(op: "interpolate", detail: "output size (\(oh), \(ow)) must be positive (input \(x.shape))"))
    }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    guard (h >= 1 && w >= 1) || n * c == 0 else {
        return Tensor(failure: .invalidArgument(op: "interpolate", detail: "cannot resize the empty plane of \(x.shape) to (\(oh), \(ow))"))
    }
    if mode == .nearest && alignCorners {
        return Tensor(failure: .invalidArgument(op: "interpolate", detail: "alignCorners applies only to bilinear mode (as in PyTorch), not nearest (input \(x.shape))"))
    }
    let planes = n * c
    let grain = Swift.max(1, Parallel.mapGrain / Swift.max(1, oh * ow))   // planes per chunk
    let xp = x.storage.pointer, inShape = x.shape

    switch mode {
    case .nearest:
        let rows = ResizeTable.nearest(input: h, output: oh), cols = ResizeTable.nearest(input: w, output: ow)
        let y = Tensor(shape: [n, c, oh, ow]) { yp in
            Parallel.forChunks(planes, grain: grain) { r in
                fia_resize_nearest(xp, yp, Int64(h), Int64(w), Int64(oh), Int64(ow), rows, cols, Int64(r.lowerBound), Int64(r.upperBound))
            }
        }
        return y.recordingGradient(of: x, op: "interpolate") { gy in
            let gp = gy.storage.pointer
            return [Tensor(shape: inShape) { gx in
                Parallel.forChunks(planes, grain: grain) { r in
                    fia_resize_nearest_backward(gp, gx, Int64(h), Int64(w), Int64(oh), Int64(ow), rows, cols,
                                                Int64(r.lowerBound), Int64(r.upperBound))
                }
            }]
        }
    case .bilinear:
        let rows = ResizeTable.bilinear(input: h, output: oh, alignCorners: alignCorners)
        let cols = ResizeTable.bilinear(input: w, output: ow, alignCorners: alignCorners)
        let y = Tensor(shape: [n, c, oh, ow]) { yp in
            Parallel.forChunks(planes, grain: grain) { r in
                fia_resize_bilinear(xp, yp, Int64(h), Int64(w), Int64(oh), Int64(ow), rows.i0, rows.i1, rows.lambda,
                                    cols.i0, cols.i1, cols.lambda, Int64(r.lowerBound), Int64(r.upperBound))
            }
        }
        Cost.add(flops: 9 * y.count)
        return y.recordingGradient(of: x, op: "interpolate") { gy in
            let gp = gy.storage.pointer
            return [Tensor(shape: inShape) { gx in
                Parallel.forChunks(planes, grain: grain) { r in
                    fia_resize_bilinear_backward(gp, gx, Int64(h), Int64(w), Int64(oh), Int64(ow), rows.i0, rows.i1, rows.lambda,
                                                 cols.i0, cols.i1, cols.lambda, Int64(r.lowerBound), Int64(r.upperBound))
                }
            }]
        }
    }
}

/// Source indices and weights along one dimension, as PyTorch's upsampling kernels compute them.
enum ResizeTable {
    /// Legacy nearest: identity when sizes match, `d / 2` when doubling, else `min(⌊d·(in/out)⌋, in − 1)`.
    static func nearest(input: Int, output: Int) -> [Int32] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { d in
            if output == input { return Int32(d) }
            if output == 2 * input { return Int32(d >> 1) }
            return Int32(Swift.min(Int((Float(d) * scale).rounded(.down)), input - 1))
        }
    }

    /// First and second source index and the weight of the second, per output index.
    static func bilinear(input: Int, output: Int, alignCorners: Bool) -> (i0: [Int32], i1: [Int32], lambda: [Float]) {
        var i0 = [Int32](repeating: 0, count: output), i1 = i0, lambda = [Float](repeating: 0, count: output)
        let scale: Float = alignCorners ? (output > 1 ? Float(input - 1) / Float(output - 1) : 0)
                                        : Float(input) / Float(output)
        for d in 0..<output {
            if input == output { i0[d] = Int32(d); i1[d] = Int32(d); continue }
            var src = alignCorners ? scale * Float(d) : scale * (Float(d) + 0.5) - 0.5
            if src < 0 { src = 0 }
            let lo = Swift.min(Int(src.rounded(.down)), input - 1)
            i0[d] = Int32(lo)
            i1[d] = Int32(lo + (lo < input - 1 ? 1 : 0))
            lambda[d] = Swift.min(Swift.max(src - Float(lo), 0), 1)
        }
        return (i0, i1, lambda)
    }
}
