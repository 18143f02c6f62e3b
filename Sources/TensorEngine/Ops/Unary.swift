import CKernels

/// A C kernel writing `y = f(x)` over n floats (`fia_<op>` in CKernels/unary.c).
typealias MapKernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
/// Its derivative kernel `(x, y, gy, gx, n)`: `gx = gy·f′(x)`, from x or from the saved output y = f(x).
typealias MapDerivativeKernel = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
                                                UnsafeMutablePointer<Float>?, Int) -> Void

extension Tensor {
    /// An elementwise map and its derivative, each a vectorised C kernel run over chunks split across the cores.
    static func map(_ x: Tensor, op name: String, _ forward: MapKernel, backward: MapDerivativeKernel) -> Tensor {
        if x.failure != nil { return x }
        let y = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
        let xp = x.storage.pointer, yp = y.storage.pointer
        Parallel.forChunks(x.count, grain: Parallel.mapGrain) { r in forward(xp + r.lowerBound, yp + r.lowerBound, r.count) }
        Cost.add(flops: x.count)
        let ys = y.storage  // the output's storage, not the output tensor: no retain cycle
        return y.recordingGradient(of: x, op: name) { gy in
            let gx = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
            let gp = gy.storage.pointer, gxp = gx.storage.pointer
            Parallel.forChunks(x.count, grain: Parallel.mapGrain) { r in
                let at = r.lowerBound
                backward(xp + at, ys.pointer + at, gp + at, gxp + at, r.count)
            }
            return [gx]
        }
    }
}

// Each op: the map, then its derivative (the C pair in CKernels/unary.c computes exactly these).

/// Rectified linear unit, `max(x, 0)`.
public func relu(_ x: Tensor) -> Tensor { Tensor.map(x, op: "relu", fia_relu, backward: fia_relu_backward) }  // 1 where x > 0
/// Exact GELU, `x·Φ(x)` (PyTorch's `nn.GELU()` default, not the tanh approximation).
public func gelu(_ x: Tensor) -> Tensor { Tensor.map(x, op: "gelu", fia_gelu, backward: fia_gelu_backward) }  // Φ(x) + x·φ(x)
/// Logistic sigmoid, `σ(x) = 1 / (1 + e^{-x})`.
public func sigmoid(_ x: Tensor) -> Tensor { Tensor.map(x, op: "sigmoid", fia_sigmoid, backward: fia_sigmoid_backward) }  // σ·(1 − σ)
/// Hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor { Tensor.map(x, op: "tanh", fia_tanh, backward: fia_tanh_backward) }  // 1 − tanh²
/// `e^x`.
public func exp(_ x: Tensor) -> Tensor { Tensor.map(x, op: "exp", fia_exp, backward: fia_exp_backward) }  // e^x
/// Natural logarithm (−inf at 0, NaN below).
public func log(_ x: Tensor) -> Tensor { Tensor.map(x, op: "log", fia_log, backward: fia_log_backward) }  // 1/x
/// Square root.
public func sqrt(_ x: Tensor) -> Tensor { Tensor.map(x, op: "sqrt", fia_sqrt, backward: fia_sqrt_backward) }  // 1 / (2√x)
/// Absolute value (gradient 0 at 0).
public func abs(_ x: Tensor) -> Tensor { Tensor.map(x, op: "abs", fia_abs, backward: fia_abs_backward) }  // sign(x)
/// `x²`.
public func square(_ x: Tensor) -> Tensor { Tensor.map(x, op: "square", fia_square, backward: fia_square_backward) }  // 2x
/// Hard sigmoid as PyTorch defines it: `relu6(x + 3) / 6`.
public func hardSigmoid(_ x: Tensor) -> Tensor {
    Tensor.map(x, op: "hardSigmoid", fia_hardsigmoid, backward: fia_hardsigmoid_backward)  // 1/6 on (−3, 3), else 0
}

/// `x^p` elementwise (x > 0 unless p is a whole number).
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    if x.failure != nil { return x }
    let y = Tensor(shape: x.shape) { fia_pow_scalar(x.storage.pointer, $0, x.count, p) }
    Cost.add(flops: x.count)
    return y.recordingGradient(of: x, op: "pow") { gy in       // p·x^(p−1)
        [Tensor(shape: x.shape) { fia_pow_scalar_backward(x.storage.pointer, gy.storage.pointer, $0, x.count, p) }]
    }
}

/// Clamps into [low, high]; the gradient passes where low ≤ x ≤ high.
public func clamp(_ x: Tensor, min low: Float, max high: Float) -> Tensor {
    if x.failure != nil { return x }
    let y = Tensor(shape: x.shape) { fia_clamp(x.storage.pointer, $0, x.count, low, high) }
    return y.recordingGradient(of: x, op: "clamp") { gy in     // 1 on [low, high]
        [Tensor(shape: x.shape) { fia_clamp_backward(x.storage.pointer, gy.storage.pointer, $0, x.count, low, high) }]
    }
}
