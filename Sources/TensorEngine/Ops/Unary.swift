import CKernels

extension Tensor {
    /// Applies a vectorised elementwise map, splitting large tensors over the cores.
    static func unary(_ op: fia_unary_op, _ x: Tensor, op name: String) -> Tensor {
        if x.failure != nil { return x }
        let y = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
        let xp = x.storage.pointer, yp = y.storage.pointer
        Parallel.forChunks(x.count, grain: Parallel.mapGrain) { r in
            fia_unary(op, xp + r.lowerBound, yp + r.lowerBound, r.count)
        }
        Cost.add(flops: x.count)
        let ys = y.storage  // the output's storage, not the output tensor: no retain cycle
        return y.recordingGradient(of: x, op: name) { gy in
            let gx = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
            let gp = gy.storage.pointer, gxp = gx.storage.pointer
            Parallel.forChunks(x.count, grain: Parallel.mapGrain) { r in
                fia_unary_backward(op, xp + r.lowerBound, ys.pointer + r.lowerBound, gp + r.lowerBound,
                                   gxp + r.lowerBound, r.count)
            }
            return [gx]
        }
    }
}

/// Rectified linear unit, `max(x, 0)`.
public func relu(_ x: Tensor) -> Tensor { Tensor.unary(FIA_RELU, x, op: "relu") }
/// Exact GELU, `x·Φ(x)` (PyTorch's `nn.GELU()` default, not the tanh approximation).
public func gelu(_ x: Tensor) -> Tensor { Tensor.unary(FIA_GELU, x, op: "gelu") }
/// Logistic sigmoid, `1 / (1 + e^{-x})`.
public func sigmoid(_ x: Tensor) -> Tensor { Tensor.unary(FIA_SIGMOID, x, op: "sigmoid") }
/// Hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor { Tensor.unary(FIA_TANH, x, op: "tanh") }
/// `e^x`.
public func exp(_ x: Tensor) -> Tensor { Tensor.unary(FIA_EXP, x, op: "exp") }
/// Natural logarithm (−inf at 0, NaN below).
public func log(_ x: Tensor) -> Tensor { Tensor.unary(FIA_LOG, x, op: "log") }
/// Square root.
public func sqrt(_ x: Tensor) -> Tensor { Tensor.unary(FIA_SQRT, x, op: "sqrt") }
/// Absolute value (gradient 0 at 0).
public func abs(_ x: Tensor) -> Tensor { Tensor.unary(FIA_ABS, x, op: "abs") }
/// `x²`.
public func square(_ x: Tensor) -> Tensor { Tensor.unary(FIA_SQUARE, x, op: "square") }
/// Hard sigmoid as PyTorch defines it: `relu6(x + 3) / 6`.
public func hardSigmoid(_ x: Tensor) -> Tensor { Tensor.unary(FIA_HARDSIGMOID, x, op: "hardSigmoid") }

/// `x^p` elementwise (x > 0 unless p is a whole number).
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    if x.failure != nil { return x }
    let y = Tensor(shape: x.shape) { fia_pow_scalar(x.storage.pointer, $0, x.count, p) }
    Cost.add(flops: x.count)
    return y.recordingGradient(of: x, op: "pow") { gy in
        [Tensor(shape: x.shape) { fia_pow_scalar_backward(x.storage.pointer, gy.storage.pointer, $0, x.count, p) }]
    }
}

/// Clamps into [low, high]; the gradient passes where low ≤ x ≤ high.
public func clamp(_ x: Tensor, min low: Float, max high: Float) -> Tensor {
    if x.failure != nil { return x }
    let y = Tensor(shape: x.shape) { fia_clamp(x.storage.pointer, $0, x.count, low, high) }
    return y.recordingGradient(of: x, op: "clamp") { gy in
        [Tensor(shape: x.shape) { fia_clamp_backward(x.storage.pointer, gy.storage.pointer, $0, x.count, low, high) }]
    }
}
