import CKernels

/// Inverted dropout (PyTorch `F.dropout`): in training each element is zeroed with probability `p` and the
/// survivors are scaled by 1/(1 − p), so the expected value is unchanged and evaluation needs no rescaling.
///
/// The draws come from `rng`, one 32-bit half of a 64-bit draw per element, in row-major order: the same
/// generator state gives the same mask. The input is returned unchanged (and `rng` not advanced) when
/// `training` is false or `p` is 0.
///
/// - Parameters: x any shape; `p` in [0, 1).
/// - Returns: x's shape. FLOPs: 1 per element.
public func dropout(_ x: Tensor, p: Float, training: Bool, rng: inout RNG) -> Tensor {
    if x.failure != nil { return x }
    guard p >= 0 && p < 1 else {
        return Tensor(failure: .invalidArgument(op: "dropout", detail: "probability \(p) is outside [0, 1)"))
    }
    if !training || p == 0 { return x }
    let n = x.count
    // Keep an element when its 32-bit uniform draw u satisfies u ≥ p·2³², i.e. with probability 1 − p.
    let threshold = UInt64((Double(p) * 4_294_967_296).rounded())
    let scale = 1 / (1 - p)
    let mask = Storage(uninitialized: n)
    let m = mask.pointer
    var i = 0
    while i + 1 < n {
        let bits = rng.next()
        m[i] = (bits & 0xFFFF_FFFF) >= threshold ? scale : 0
        m[i + 1] = (bits >> 32) >= threshold ? scale : 0
        i += 2
    }
    if i < n { m[i] = (rng.next() & 0xFFFF_FFFF) >= threshold ? scale : 0 }

    let y = Tensor(shape: x.shape, storage: Storage(uninitialized: n))
    let xp = x.storage.pointer, yp = y.storage.pointer
    Parallel.forChunks(n, grain: Parallel.mapGrain) { r in fia_mul(xp + r.lowerBound, m + r.lowerBound, yp + r.lowerBound, r.count) }
    Cost.add(flops: n)
    return y.recordingGradient(of: x, op: "dropout") { gy in       // dx = dy ⊙ mask (mask holds 0 or the scale)
        [Tensor(shape: gy.shape) { fia_mul(gy.storage.pointer, mask.pointer, $0, n) }]
    }
}
