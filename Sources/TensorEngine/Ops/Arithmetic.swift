import CKernels

extension Tensor {
    /// Elementwise `a op b` with broadcasting; the kernels walk both inputs through broadcast strides,
    /// so no expanded copy is made.
    static func binary(_ op: fia_binary_op, _ name: String, _ a: Tensor, _ b: Tensor) -> (Tensor, [Int])? {
        guard let shape = Shapes.broadcast(a.shape, b.shape) else { return nil }
        let out = Tensor(shape: shape, storage: Storage(uninitialized: shape.reduce(1, *)))
        if a.shape == b.shape {
            // Fast path: one flat loop, split over the cores when large (memory-bound).
            let ap = a.storage.pointer, bp = b.storage.pointer, op_ = out.storage.pointer
            Parallel.forChunks(out.count, grain: Parallel.mapGrain) { r in
                var n = Int64(r.count), one: Int64 = 1
                fia_binary_strided(op, 1, &n, ap + r.lowerBound, &one, bp + r.lowerBound, &one, op_ + r.lowerBound)
            }
        } else {
            let (dims, lists) = Shapes.collapse(shape, [Shapes.broadcastStrides(a.shape, to: shape),
                                                        Shapes.broadcastStrides(b.shape, to: shape)])
            let ap = a.storage.pointer, bp = b.storage.pointer, op_ = out.storage.pointer
            let sa = lists[0].map(Int64.init), sb = lists[1].map(Int64.init)
            Parallel.forOuterSlices(dims) { d, first, at in
                fia_binary_strided(op, Int32(d.count), d, ap + Parallel.offset(first, lists[0]), sa,
                                   bp + Parallel.offset(first, lists[1]), sb, op_ + at)
            }
        }
        Cost.add(flops: out.count)
        return (out, shape)
    }

    static func broadcastFailure(_ name: String, _ a: Tensor, _ b: Tensor) -> Tensor {
        Tensor(failure: .shapeMismatch(op: name, lhs: a.shape, rhs: b.shape,
                                       detail: "each trailing dimension must be equal or 1 to broadcast"))
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        if let bad = firstFailure(a, b) { return bad }
        guard let (y, _) = binary(FIA_ADD, "add", a, b) else { return broadcastFailure("add", a, b) }
        return y.recordingGradient(of: a, b, op: "add") { gy in
            [a.requiresGrad ? gy.reduced(toShape: a.shape) : nil, b.requiresGrad ? gy.reduced(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        if let bad = firstFailure(a, b) { return bad }
        guard let (y, _) = binary(FIA_SUB, "sub", a, b) else { return broadcastFailure("sub", a, b) }
        return y.recordingGradient(of: a, b, op: "sub") { gy in
            [a.requiresGrad ? gy.reduced(toShape: a.shape) : nil, b.requiresGrad ? (-gy).reduced(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        if let bad = firstFailure(a, b) { return bad }
        guard let (y, _) = binary(FIA_MUL, "mul", a, b) else { return broadcastFailure("mul", a, b) }
        return y.recordingGradient(of: a, b, op: "mul") { gy in       // d(ab)/da = b, d(ab)/db = a
            [a.requiresGrad ? binary(FIA_MUL, "mul", gy, b)!.0.reduced(toShape: a.shape) : nil,
             b.requiresGrad ? binary(FIA_MUL, "mul", gy, a)!.0.reduced(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        if let bad = firstFailure(a, b) { return bad }
        guard let (y, _) = binary(FIA_DIV, "div", a, b) else { return broadcastFailure("div", a, b) }
        return y.recordingGradient(of: a, b, op: "div") { gy in       // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
            let gyOverB = binary(FIA_DIV, "div", gy, b)!.0
            return [a.requiresGrad ? gyOverB.reduced(toShape: a.shape) : nil,
                    b.requiresGrad ? (-(gyOverB * a / b)).reduced(toShape: b.shape) : nil]
        }
    }

    /// Elementwise maximum; the gradient goes to `a` where a ≥ b, else to `b` (ties to `a`).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        if let bad = firstFailure(a, b) { return bad }
        guard let (y, _) = binary(FIA_MAXIMUM, "maximum", a, b) else { return broadcastFailure("maximum", a, b) }
        return y.recordingGradient(of: a, b, op: "maximum") { gy in
            let aWins = binary(FIA_SUB, "sub", a, b)!.0.step()   // 1 where a ≥ b
            return [a.requiresGrad ? (gy * aWins).reduced(toShape: a.shape) : nil,
                    b.requiresGrad ? (gy * (1 - aWins)).reduced(toShape: b.shape) : nil]
        }
    }

    /// 1 where x ≥ 0, else 0 (no gradient: a constant).
    func step() -> Tensor {
        let out = Tensor(shape: shape, storage: Storage(uninitialized: count))
        let p = storage.pointer, q = out.storage.pointer
        for i in 0..<count { q[i] = p[i] >= 0 ? 1 : 0 }
        return out
    }

    public static prefix func - (x: Tensor) -> Tensor { map(x, op: "neg", fia_neg, backward: fia_neg_backward) }  // −1

    // Scalars broadcast as rank-0 tensors.
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    public static func / (s: Float, a: Tensor) -> Tensor { s * map(a, op: "reciprocal", fia_reciprocal, backward: fia_reciprocal_backward) }  // −1/a²

    /// `scale · x + shift`, one pass.
    public func affine(scale: Float, shift: Float) -> Tensor {
        if failure != nil { return self }
        let y = Tensor(shape: shape, storage: Storage(uninitialized: count))
        let xp = storage.pointer, yp = y.storage.pointer
        Parallel.forChunks(count, grain: Parallel.mapGrain) { r in
            fia_affine(xp + r.lowerBound, yp + r.lowerBound, r.count, scale, shift)
        }
        Cost.add(flops: count)
        return y.recordingGradient(of: self, op: "affine") { gy in [gy * scale] }
    }
}
