import CKernels

extension Tensor {
    /// The same elements with a new shape (one dimension may be -1, inferred). Shares storage: no copy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        if failure != nil { return self }
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                return Tensor(failure: .shapeMismatch(op: "reshape", lhs: shape, rhs: newShape, detail: "cannot infer the -1 dimension"))
            }
            target[hole] = count / known
        }
        guard target.allSatisfy({ $0 >= 0 }), target.reduce(1, *) == count else {
            return Tensor(failure: .shapeMismatch(op: "reshape", lhs: shape, rhs: newShape,
                                                  detail: "element counts \(count) and \(target.reduce(1, *)) differ"))
        }
        let y = Tensor(shape: target, storage: storage)
        let inShape = shape
        return y.recordingGradient(of: self, op: "reshape") { gy in [Tensor(shape: inShape, storage: gy.storage)] }
    }

    /// Flattens dimensions `from...` into one.
    public func flattened(from start: Int = 0) -> Tensor {
        reshaped(Array(shape[..<start]) + [shape[start...].reduce(1, *)])
    }

    /// Reorders dimensions: output dimension i is input dimension `order[i]` (a copy).
    public func permuted(_ order: [Int]) -> Tensor {
        if failure != nil { return self }
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            return Tensor(failure: .invalidArgument(op: "permute", detail: "\(order) is not a permutation of the \(rank) dimensions of \(shape)"))
        }
        if order == Array(0..<rank) { return self }
        let own = Shapes.strides(shape)
        let outShape = order.map { shape[$0] }
        let y = Tensor(shape: outShape, storage: Storage(uninitialized: count))
        let (dims, lists) = Shapes.collapse(outShape, [order.map { own[$0] }])
        Tensor.gather(dims, strides: lists[0], from: storage.pointer, into: y.storage.pointer)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return y.recordingGradient(of: self, op: "permute") { gy in [gy.permuted(inverse)] }
    }

    /// Swaps two dimensions (a copy).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        if failure != nil { return self }
        var order = Array(0..<rank)
        let i = a < 0 ? a + rank : a, j = b < 0 ? b + rank : b
        guard (0..<rank).contains(i), (0..<rank).contains(j) else {
            return Tensor(failure: .invalidArgument(op: "transpose", detail: "dimensions \(a), \(b) out of range for \(shape)"))
        }
        order.swapAt(i, j)
        return permuted(order)
    }

    /// Elements `range` along `axis` (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        if failure != nil { return self }
        guard let ax = axisIndex(axis), rank > 0, range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            return Tensor(failure: .invalidArgument(op: "slice", detail: "range \(range) on axis \(axis) is outside shape \(shape)"))
        }
        let (outer, n, inner) = split(at: ax)
        var outShape = shape
        outShape[ax] = range.count
        let y = Tensor(shape: outShape, storage: Storage(uninitialized: outer * range.count * inner))
        let run = range.count * inner
        let xp = storage.pointer, yp = y.storage.pointer
        Parallel.forChunks(outer, grain: Swift.max(1, Parallel.mapGrain / Swift.max(run, 1))) { r in
            for o in r { fia_copy(xp + (o * n + range.lowerBound) * inner, yp + o * run, run) }
        }
        let inShape = shape
        return y.recordingGradient(of: self, op: "slice") { gy in
            // Each outer row: zeros before the range, dY's run, zeros after (one write per element).
            let gx = Tensor(shape: inShape, storage: Storage(uninitialized: outer * n * inner))
            let gp = gy.storage.pointer, out = gx.storage.pointer
            Parallel.forChunks(outer, grain: Swift.max(1, Parallel.mapGrain / Swift.max(n * inner, 1))) { r in
                for o in r {
                    let row = out + o * n * inner
                    row.update(repeating: 0, count: range.lowerBound * inner)
                    fia_copy(gp + o * run, row + range.lowerBound * inner, run)
                    (row + range.upperBound * inner).update(repeating: 0, count: (n - range.upperBound) * inner)
                }
            }
            return [gx]
        }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the extent).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        guard let ax = axisIndex(axis), sizes.reduce(0, +) == (rank > 0 ? shape[ax] : -1) else {
            return [Tensor(failure: .invalidArgument(op: "split", detail: "sizes \(sizes) do not add up to axis \(axis) of \(shape)"))]
        }
        var start = 0
        return sizes.map { size in defer { start += size }; return slice(axis: ax, start..<(start + size)) }
    }

    /// Pads with a constant: `padding[d] = (before, after)` for each dimension d (a shorter list pads the
    /// trailing dimensions, like PyTorch's `F.pad` but ordered first-to-last).
    public func padded(_ padding: [(Int, Int)], value: Float = 0) -> Tensor {
        if failure != nil { return self }
        guard padding.count <= rank, padding.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            return Tensor(failure: .invalidArgument(op: "pad", detail: "padding \(padding) does not fit shape \(shape) (non-negative, at most one pair per dimension)"))
        }
        let full = [(Int, Int)](repeating: (0, 0), count: rank - padding.count) + padding
        let outShape = zip(shape, full).map { $0 + $1.0 + $1.1 }
        let y = Tensor.full(outShape, value)
        let outStrides = Shapes.strides(outShape)
        let offset = zip(full, outStrides).map { $0.0 * $1 }.reduce(0, +)
        let inShape = shape
        if count > 0 {
            let (dims, lists) = Shapes.collapse(inShape, [outStrides])
            // Write the input into the interior: scatter-add onto the constant background minus value.
            let interior = y.storage.pointer + offset
            if value != 0 {
                let d64 = dims.map(Int64.init), s64 = lists[0].map(Int64.init)
                let negative = Tensor.full(inShape, -value)
                fia_accumulate_strided(Int32(dims.count), d64, negative.storage.pointer, interior, s64)
            }
            fia_accumulate_strided(Int32(dims.count), dims.map(Int64.init), storage.pointer, interior, lists[0].map(Int64.init))
        }
        return y.recordingGradient(of: self, op: "pad") { gy in
            let gx = Tensor(shape: inShape, storage: Storage(uninitialized: inShape.reduce(1, *)))
            if gx.count > 0 {
                let (dims, lists) = Shapes.collapse(inShape, [outStrides])
                Tensor.gather(dims, strides: lists[0], from: gy.storage.pointer + offset, into: gx.storage.pointer)
            }
            return [gx]
        }
    }

    /// Joins tensors along `axis`; every other dimension must agree.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        if let bad = parts.first(where: { $0.failure != nil }) { return bad }
        guard let first = parts.first, let ax = first.axisIndex(axis), first.rank > 0 else {
            return Tensor(failure: .invalidArgument(op: "concat", detail: "needs at least one tensor and a valid axis \(axis)"))
        }
        for p in parts where p.rank != first.rank || zip(p.shape, first.shape).enumerated().contains(where: { $0.offset != ax && $0.element.0 != $0.element.1 }) {
            return Tensor(failure: .shapeMismatch(op: "concat", lhs: first.shape, rhs: p.shape, detail: "all dimensions except axis \(ax) must match"))
        }
        var outShape = first.shape
        outShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
        let outer = first.shape[..<ax].reduce(1, *), inner = first.shape[(ax + 1)...].reduce(1, *)
        let total = outShape[ax] * inner
        let y = Tensor(shape: outShape, storage: Storage(uninitialized: outShape.reduce(1, *)))
        var start = 0
        var starts: [Int] = []
        for p in parts {
            starts.append(start)
            start += p.shape[ax]
        }
        let yp = y.storage.pointer
        let grain = Swift.max(1, Parallel.mapGrain / Swift.max(total, 1))
        Parallel.forChunks(outer, grain: grain) { r in
            for o in r {
                for (p, s) in zip(parts, starts) {
                    let run = p.shape[ax] * inner
                    fia_copy(p.storage.pointer + o * run, yp + o * total + s * inner, run)
                }
            }
        }
        return y.recordingGradient(ofInputs: parts, op: "concat") { gy in
            zip(parts, starts).map { p, s in
                guard p.requiresGrad else { return nil }
                let run = p.shape[ax] * inner
                return Tensor(shape: p.shape) { out in
                    Parallel.forChunks(outer, grain: Swift.max(1, Parallel.mapGrain / Swift.max(run, 1))) { r in
                        for o in r { fia_copy(gy.storage.pointer + o * total + s * inner, out + o * run, run) }
                    }
                }
            }
        }
    }

    /// Stacks equally shaped tensors along a new dimension `axis`.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        guard let first = parts.first else {
            return Tensor(failure: .invalidArgument(op: "stack", detail: "needs at least one tensor"))
        }
        let ax = axis < 0 ? axis + first.rank + 1 : axis
        guard (0...first.rank).contains(ax) else {
            return Tensor(failure: .invalidArgument(op: "stack", detail: "axis \(axis) out of range for shape \(first.shape)"))
        }
        return concat(parts.map { p in
            var s = p.shape
            s.insert(1, at: Swift.min(ax, s.count))
            return p.reshaped(s)
        }, axis: ax)
    }

    /// A contiguous copy broadcast to `target` (differentiable: the backward sums over broadcast dims).
    public func broadcast(to target: [Int]) -> Tensor {
        if failure != nil { return self }
        guard Shapes.broadcast(shape, target) == target else {
            return Tensor(failure: .shapeMismatch(op: "broadcast", lhs: shape, rhs: target, detail: "cannot broadcast"))
        }
        let y = expanded(to: target)
        if y === self { return self }
        let inShape = shape
        return y.recordingGradient(of: self, op: "broadcast") { gy in [gy.reduced(toShape: inShape)] }
    }
}

extension Tensor {
    /// Cyclic shift along `axis` by `shift` (positive moves elements towards higher indices), like
    /// `torch.roll`. Composed of two slices and a concat, so it is differentiable.
    public func rolled(by shift: Int, axis: Int) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis) else {
            return Tensor(failure: .invalidArgument(op: "roll", detail: "axis \(axis) is out of range for shape \(shape)"))
        }
        let n = shape[ax]
        guard n > 0 else { return self }
        let s = ((shift % n) + n) % n
        if s == 0 { return self }
        return Tensor.concat([slice(axis: ax, (n - s)..<n), slice(axis: ax, 0..<(n - s))], axis: ax)
    }
}
