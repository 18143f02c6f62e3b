import CKernels

/// The sizes of one 2-D pooling call: the C kernels' `fia_pool_geometry` (input `[n, c, h, w]`, a k×k window
/// moved by `stride` over zero- or −inf-padded borders `pad` wide, output `[n, c, hout, wout]`), so Swift and
/// C read one struct.
typealias PoolGeometry = fia_pool_geometry

extension PoolGeometry {
    var planes: Int { n * c }
    /// Planes per chunk so a chunk holds about 64K input elements (threads pay only for large inputs).
    var grain: Int { max(1, Parallel.mapGrain / max(1, h * w)) }

    /// Runs `body(firstPlane, endPlane)` over all planes, in parallel when large.
    func forPlanes(_ body: (Int, Int) -> Void) {
        Parallel.forChunks(planes, grain: grain) { r in body(r.lowerBound, r.upperBound) }
    }

    static func make(_ op: String, _ xs: [Int], kernel k: Int, stride s: Int, padding pad: Int) -> Result<PoolGeometry, TensorError> {
        guard xs.count == 4 else {
            return .failure(.invalidArgument(op: op, detail: "expects a 4-D input [N, C, H, W], got \(xs)"))
        }
        guard k >= 1, s >= 1, pad >= 0, pad <= k / 2 else {
            return .failure(.invalidArgument(op: op, detail: "kernel \(k) and stride \(s) must be ≥ 1 and padding \(pad) between 0 and kernel/2 = \(k / 2) (input \(xs))"))
        }
        let spanH = xs[2] + 2 * pad - k, spanW = xs[3] + 2 * pad - k
        guard spanH >= 0, spanW >= 0 else {
            return .failure(.invalidArgument(op: op, detail: "the \(k)×\(k) window does not fit the input \(xs) with padding \(pad): the output would be empty"))
        }
        return .success(PoolGeometry(n: xs[0], c: xs[1], h: xs[2], w: xs[3], k: k, stride: s, pad: pad,
                                     hout: spanH / s + 1, wout: spanW / s + 1))
    }
}

/// 2-D max pooling over `[N, C, H, W]` (PyTorch's `F.max_pool2d`, floor mode).
///
/// Padding counts as −inf, so a window's maximum comes from real pixels; PyTorch requires
/// `padding ≤ kernel / 2`, and so do we. The gradient goes to the first maximum of each window in row-major
/// order (ties are not split). Output `[N, C, (H + 2p − k)/s + 1, (W + 2p − k)/s + 1]`; `stride` defaults to
/// `kernel`. Cost: one FLOP per window element.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    if x.failure != nil { return x }
    let s = stride ?? kernel
    let g: PoolGeometry
    switch PoolGeometry.make("maxPool2d", x.shape, kernel: kernel, stride: s, padding: padding) {
    case .failure(let error): return Tensor(failure: error)
    case .success(let geometry): g = geometry
    }
    let xp = x.storage.pointer
    let y = Tensor(shape: [g.n, g.c, g.hout, g.wout]) { yp in
        g.forPlanes { fia_maxpool2d(g, xp, yp, $0, $1) }
    }
    Cost.add(flops: y.count * kernel * kernel)
    let ys = y.storage  // the output's storage, not the output tensor: no retain cycle
    return y.recordingGradient(of: x, op: "maxPool2d") { gy in
        // The argmax is found again from x and y rather than stored: no index buffer lives between passes.
        let gp = gy.storage.pointer, yp = ys.pointer
        return [Tensor(shape: x.shape) { gx in
            g.forPlanes { p0, p1 in
                (gx + p0 * g.h * g.w).update(repeating: 0, count: (p1 - p0) * g.h * g.w)
                fia_maxpool2d_backward(g, xp, yp, gp, gx, p0, p1)
            }
        }]
    }
}

/// 2-D average pooling over `[N, C, H, W]` (PyTorch's `F.avg_pool2d` defaults: floor mode,
/// `count_include_pad=True`, so every window divides by `kernel²` and padded cells count as zeros).
/// `padding ≤ kernel / 2`; `stride` defaults to `kernel`. Cost: one FLOP per window element.
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    if x.failure != nil { return x }
    let s = stride ?? kernel
    let g: PoolGeometry
    switch PoolGeometry.make("avgPool2d", x.shape, kernel: kernel, stride: s, padding: padding) {
    case .failure(let error): return Tensor(failure: error)
    case .success(let geometry): g = geometry
    }
    let xp = x.storage.pointer
    let y = Tensor(shape: [g.n, g.c, g.hout, g.wout]) { yp in
        g.forPlanes { fia_avgpool2d(g, xp, yp, $0, $1) }
    }
    Cost.add(flops: y.count * kernel * kernel)
    let inShape = x.shape
    return y.recordingGradient(of: x, op: "avgPool2d") { gy in
        let gp = gy.storage.pointer
        return [Tensor(shape: inShape) { gx in
            g.forPlanes { fia_avgpool2d_backward(g, gp, gx, $0, $1) }
        }]
    }
}

/// Adaptive average pooling of `[N, C, H, W]` to `[N, C, outH, outW]` (PyTorch's `F.adaptive_avg_pool2d`):
/// output row i averages input rows `⌊i·H/outH⌋ ..< ⌈(i+1)·H/outH⌉`, likewise columns, so bins may overlap
/// when the size does not divide. Cost: one FLOP per input element read.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    if x.failure != nil { return x }
    let (oh, ow) = outputSize
    guard x.rank == 4 else {
        return Tensor(failure: .invalidArgument(op: "adaptiveAvgPool2d", detail: "expects a 4-D input [N, C, H, W], got \(x.shape)"))
    }
    guard oh >= 1, ow >= 1 else {
        return Tensor(failure: .invalidArgument(op: "adaptiveAvgPool2d", detail: "output size (\(oh), \(ow)) must be positive (input \(x.shape))"))
    }
    let g = PoolGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3], k: 0, stride: 0, pad: 0, hout: oh, wout: ow)
    guard g.h >= 1 || g.planes == 0, g.w >= 1 || g.planes == 0 else {
        return Tensor(failure: .invalidArgument(op: "adaptiveAvgPool2d", detail: "cannot pool an empty plane of \(x.shape) to (\(oh), \(ow))"))
    }
    let xp = x.storage.pointer
    let y = Tensor(shape: [g.n, g.c, oh, ow]) { yp in
        g.forPlanes { fia_adaptive_avgpool2d(g, xp, yp, $0, $1) }
    }
    Cost.add(flops: Swift.max(x.count, y.count))
    let inShape = x.shape
    return y.recordingGradient(of: x, op: "adaptiveAvgPool2d") { gy in
        let gp = gy.storage.pointer
        return [Tensor(shape: inShape) { gx in
            g.forPlanes { fia_adaptive_avgpool2d_backward(g, gp, gx, $0, $1) }
        }]
    }
}
