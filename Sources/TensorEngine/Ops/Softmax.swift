import CKernels

extension Tensor {
    /// Runs a row kernel over `axis` by moving it last when needed.
    fileprivate func alongAxis(_ axis: Int, op: String, _ body: (Tensor) -> Tensor) -> Tensor {
        if failure != nil { return self }
        guard rank > 0, let ax = axisIndex(axis) else {
            return Tensor(failure: .invalidArgument(op: op, detail: "axis \(axis) is out of range for shape \(shape)"))
        }
        if ax == rank - 1 { return body(self) }
        return body(transposed(ax, -1)).transposed(ax, -1)
    }
}

/// Numerically stable softmax along `axis`: `exp(x - max) / Σ exp(x - max)`. Entries at −inf get
/// probability 0; a slice that is entirely −inf (all keys masked) gives zeros, not NaN.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    x.alongAxis(axis, op: "softmax") { x in
        let n = x.shape.last!, rows = n == 0 ? 0 : x.count / n
        let xp = x.storage.pointer, grain = Swift.max(1, Parallel.mapGrain / Swift.max(n, 1))
        let y = Tensor(shape: x.shape) { yp in
            Parallel.forChunks(rows, grain: grain) { r in
                fia_softmax_rows(xp + r.lowerBound * n, yp + r.lowerBound * n, Int64(r.count), Int64(n))
            }
        }
        Cost.add(flops: 4 * x.count)
        let ys = y.storage
        return y.recordingGradient(of: x, op: "softmax") { gy in       // dx = y ⊙ (dy − Σ dy ⊙ y)
            let gp = gy.storage.pointer
            return [Tensor(shape: x.shape) { gx in
                Parallel.forChunks(rows, grain: grain) { r in
                    let at = r.lowerBound * n
                    fia_softmax_rows_backward(ys.pointer + at, gp + at, gx + at, Int64(r.count), Int64(n))
                }
            }]
        }
    }
}

/// Numerically stable log-softmax along `axis`: `x − max − log Σ exp(x − max)`.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    x.alongAxis(axis, op: "logSoftmax") { x in
        let n = x.shape.last!, rows = n == 0 ? 0 : x.count / n
        let y = Tensor(shape: x.shape) { fia_log_softmax_rows(x.storage.pointer, $0, Int64(rows), Int64(n)) }
        Cost.add(flops: 4 * x.count)
        let ys = y.storage
        return y.recordingGradient(of: x, op: "logSoftmax") { gy in    // dx = dy − softmax(x) Σ dy
            [Tensor(shape: x.shape) { fia_log_softmax_rows_backward(ys.pointer, gy.storage.pointer, $0, Int64(rows), Int64(n)) }]
        }
    }
}
