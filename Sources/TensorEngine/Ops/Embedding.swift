import CKernels

/// Embedding lookup (PyTorch `F.embedding`): row `indices[i]` of the table, for each index.
///
/// The gradient scatter-adds each output row's gradient into the table row it came from (repeated indices
/// add up); the row of `paddingIndex`, if given, receives no gradient (its value is still looked up, as in
/// PyTorch — initialise it to zeros to get zero vectors for padding).
///
/// - Parameters:
///   - indices: row numbers in `0..<V`, row-major over `shape` (so `indices.count == shape.product`).
///   - shape: the shape of the index array, e.g. `[B, L]` for token ids.
///   - weight: the table `[V, D]`.
///   - paddingIndex: a row in `-V..<V` (negative counts from the end) that gets no gradient.
/// - Returns: `[shape..., D]`. Cost: a copy, counted as 0 FLOPs.
public func embedding(_ indices: [Int], shape: [Int], weight: Tensor, paddingIndex: Int? = nil) -> Tensor {
    let op = "embedding"
    if weight.failure != nil { return weight }
    guard weight.rank == 2 else {
        return Tensor(failure: .invalidArgument(op: op, detail: "the table must be [V, D], got shape \(weight.shape)"))
    }
    let v = weight.shape[0], d = weight.shape[1]
    guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == indices.count else {
        return Tensor(failure: .invalidArgument(op: op, detail: "\(indices.count) indices do not fill the index shape \(shape)"))
    }
    if let bad = indices.firstIndex(where: { $0 < 0 || $0 >= v }) {
        return Tensor(failure: .invalidArgument(op: op, detail: "index \(indices[bad]) (at position \(bad)) is out of range for a table of V = \(v) rows"))
    }
    var skip: Int64 = -1
    if let p = paddingIndex {
        guard (-v..<v).contains(p) else {
            return Tensor(failure: .invalidArgument(op: op, detail: "paddingIndex \(p) is out of range for a table of V = \(v) rows"))
        }
        skip = Int64(p < 0 ? p + v : p)
    }
    let idx = indices.map(Int64.init)
    let y = Tensor(shape: shape + [d], storage: Storage(uninitialized: indices.count * d))
    fia_embedding_gather(weight.storage.pointer, idx, Int64(idx.count), Int64(d), y.storage.pointer)
    return y.recordingGradient(of: weight, op: op) { gy in
        let gw = Tensor.zeros([v, d])
        fia_embedding_scatter_add(gy.storage.pointer, idx, Int64(idx.count), Int64(d), gw.storage.pointer, skip)
        return [gw]
    }
}
