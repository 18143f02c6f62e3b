import CKernels

/// Fills the positions where `mask` is nonzero with `value` (PyTorch `Tensor.masked_fill`); typically
/// `-.infinity` on padded keys before a softmax.
///
/// - Parameters: x any shape; mask broadcastable to x's shape (e.g. `[B, 1, 1, L]` for scores
///   `[B, H, Q, L]`), nonzero = fill. The mask is a constant: it receives no gradient.
/// - Returns: x's shape. The gradient is dy where the mask is zero and 0 at filled positions.
public func maskedFill(_ x: Tensor, mask: Tensor, value: Float) -> Tensor {
    if let bad = Tensor.firstFailure(x, mask) { return bad }
    guard Shapes.broadcast(mask.shape, x.shape) == x.shape else {
        return Tensor(failure: .shapeMismatch(op: "maskedFill", lhs: x.shape, rhs: mask.shape,
                                              detail: "the mask must broadcast to the input's shape"))
    }
    let full = mask.expanded(to: x.shape)          // shares storage when the shapes already agree
    let n = x.count
    let y = Tensor(shape: x.shape, storage: Storage(uninitialized: n))
    let xp = x.storage.pointer, mp = full.storage.pointer, yp = y.storage.pointer
    Parallel.forChunks(n, grain: Parallel.mapGrain) { r in
        fia_masked_fill(xp + r.lowerBound, mp + r.lowerBound, yp + r.lowerBound, r.count, value)
    }
    let maskStorage = full.storage
    return y.recordingGradient(of: x, op: "maskedFill") { gy in
        [Tensor(shape: gy.shape) { fia_masked_fill_backward(maskStorage.pointer, gy.storage.pointer, $0, n) }]
    }
}
