import CKernels

extension Tensor {
    /// Normalises a possibly negative axis; nil when out of range.
    func axisIndex(_ axis: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return (0..<Swift.max(rank, 1)).contains(a) ? a : nil
    }

    /// The [outer, n, inner] factorisation of the shape around `axis`.
    func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum of every element (a scalar).
    public func sum() -> Tensor {
        if failure != nil { return self }
        let y = Tensor(shape: []) { $0[0] = Float(fia_sum(storage.pointer, count)) }
        Cost.add(flops: count)
        let shape = self.shape
        return y.recordingGradient(of: self, op: "sum") { gy in [Tensor.full(shape, gy.item())] }
    }

    /// Mean of every element (a scalar). The mean of an empty tensor is NaN, as in PyTorch.
    public func mean() -> Tensor { sum() / Float(count) }

    /// Sum over `axis` (negative counts from the end); `keepDims` keeps it with extent 1.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis) else {
            return Tensor(failure: .invalidArgument(op: "sum", detail: "axis \(axis) is out of range for shape \(shape)"))
        }
        let (outer, n, inner) = split(at: ax)
        var outShape = shape
        if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
        let y = Tensor(shape: outShape) { fia_sum_axis(storage.pointer, $0, Int64(outer), Int64(n), Int64(inner)) }
        Cost.add(flops: count)
        let inShape = shape
        return y.recordingGradient(of: self, op: "sum(axis:)") { gy in
            [Tensor(shape: inShape) { fia_broadcast_axis(gy.storage.pointer, $0, Int64(outer), Int64(n), Int64(inner), 1) }]
        }
    }

    /// Mean over `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis) else {
            return Tensor(failure: .invalidArgument(op: "mean", detail: "axis \(axis) is out of range for shape \(shape)"))
        }
        return sum(axis: ax, keepDims: keepDims) / Float(shape[ax])
    }

    /// Sum over several axes (each reduced in turn; kept with extent 1 when `keepDims`).
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let normalised = axes.map { $0 < 0 ? $0 + rank : $0 }.sorted(by: >)
        var out = self
        for a in normalised { out = out.sum(axis: a, keepDims: true) }
        if keepDims { return out }
        return out.reshaped(shape.enumerated().filter { !normalised.contains($0.offset) }.map(\.element))
    }

    /// Mean over several axes.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = axes.map { shape[$0 < 0 ? $0 + rank : $0] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) / Float(n)
    }

    /// Maximum over `axis`; the gradient flows to the first maximal element (as PyTorch's `max(dim)`).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis), shape[ax] > 0 else {
            return Tensor(failure: .invalidArgument(op: "max", detail: "axis \(axis) is out of range or empty for shape \(shape)"))
        }
        let (outer, n, inner) = split(at: ax)
        var outShape = shape
        if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
        var idx = [Int64](repeating: 0, count: outer * inner)
        let y = Tensor(shape: outShape) { fia_max_axis(storage.pointer, $0, &idx, Int64(outer), Int64(n), Int64(inner)) }
        Cost.add(flops: count)
        let inShape = shape
        return y.recordingGradient(of: self, op: "max(axis:)") { gy in
            let gx = Tensor.zeros(inShape)
            let g = gy.storage.pointer, p = gx.storage.pointer
            for o in 0..<outer { for i in 0..<inner {
                p[(o * n + Int(idx[o * inner + i])) * inner + i] = g[o * inner + i]
            } }
            return [gx]
        }
    }

    /// Index of the maximum along `axis` (first one on ties), as a float tensor of indices. Not differentiable.
    public func argmax(axis: Int) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis), shape[ax] > 0 else {
            return Tensor(failure: .invalidArgument(op: "argmax", detail: "axis \(axis) is out of range or empty for shape \(shape)"))
        }
        let (outer, n, inner) = split(at: ax)
        var outShape = shape
        outShape.remove(at: ax)
        var idx = [Int64](repeating: 0, count: outer * inner)
        let scratch = Storage(uninitialized: outer * inner)
        fia_max_axis(storage.pointer, scratch.pointer, &idx, Int64(outer), Int64(n), Int64(inner))
        return Tensor(shape: outShape) { p in for i in 0..<(outer * inner) { p[i] = Float(idx[i]) } }
    }
}
