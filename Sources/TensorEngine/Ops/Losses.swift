import CKernels

// Fused, numerically stable loss primitives: one kernel computes the loss from logits (never from
// probabilities, which saturate), and one computes its gradient. The NN library builds its losses on these.

/// Mean binary cross-entropy on logits (PyTorch `F.binary_cross_entropy_with_logits`, reduction "mean"):
/// `mean(w · [max(x, 0) − x·t + log(1 + e^{−|x|})])`, exact for any finite logit (|x| = 1e4 included).
///
/// - Parameters: logits and targets the same shape (targets usually in [0, 1]); weight, if given,
///   broadcastable to that shape (a per-element rescaling, as PyTorch's `weight`).
/// - Returns: a scalar. Gradients reach logits (`w·(σ(x) − t)/n`), targets (`−w·x/n`) and weight.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor, weight: Tensor? = nil) -> Tensor {
    let op = "binaryCrossEntropyWithLogits"
    if let bad = [logits, targets, weight].compactMap({ $0 }).first(where: { $0.failure != nil }) { return bad }
    guard logits.shape == targets.shape else {
        return Tensor(failure: .shapeMismatch(op: op, lhs: logits.shape, rhs: targets.shape, detail: "logits and targets must have the same shape"))
    }
    if let weight, Shapes.broadcast(weight.shape, logits.shape) != logits.shape {
        return Tensor(failure: .shapeMismatch(op: op, lhs: logits.shape, rhs: weight.shape, detail: "the weight must broadcast to the logits' shape"))
    }
    let n = logits.count
    // The expanded weight's storage is captured by the backward below (a raw pointer alone would dangle).
    let w = weight?.expanded(to: logits.shape).storage
    let xp = logits.storage.pointer, tp = targets.storage.pointer
    let total = fia_bce_logits(xp, tp, w?.pointer, n)
    let y = Tensor(Float(total / Double(n)))     // the mean of nothing is NaN, as in PyTorch
    Cost.add(flops: 6 * n)

    let inputs = [logits, targets] + (weight.map { [$0] } ?? [])
    return y.recordingGradient(ofInputs: inputs, op: op) { gy in
        let scale = gy.item() / Float(n)
        let gx = logits.requiresGrad ? Tensor(shape: logits.shape, storage: Storage(uninitialized: n)) : nil
        let gt = targets.requiresGrad ? Tensor(shape: logits.shape, storage: Storage(uninitialized: n)) : nil
        let gw = (weight?.requiresGrad ?? false) ? Tensor(shape: logits.shape, storage: Storage(uninitialized: n)) : nil
        fia_bce_logits_backward(xp, tp, w?.pointer, scale, gx?.storage.pointer, gt?.storage.pointer, gw?.storage.pointer, n)
        var grads: [Tensor?] = [gx, gt]
        if let weight { grads.append(gw?.reduced(toShape: weight.shape)) }
        return grads
    }
}

/// Cross-entropy on logits over the class axis 1 (PyTorch `F.cross_entropy`, reduction "mean"):
/// `Σ w[t]·(logsumexp_c x − x_t) / Σ w[t]`, the weighted mean over every position (plain mean without
/// class weights). Stable for any finite logits.
///
/// - Parameters:
///   - logits: `[N, C, *]` (e.g. `[N, C]` for classification, `[N, C, H, W]` for segmentation).
///   - targets: a class in `0..<C` for each of the N·(∏ *) positions, row-major over `[N, *]`.
///   - classWeights: C weights (PyTorch's `weight`), or nil for 1.
/// - Returns: a scalar; its gradient reaches the logits: `w[t]·(softmax(x) − onehot(t)) / Σ w[t]`.
public func crossEntropy(_ logits: Tensor, targets: [Int], classWeights: [Float]? = nil) -> Tensor {
    crossEntropy(logits, classIndices: targets.map(Int64.init), classWeights: classWeights)
}

/// `crossEntropy(_:targets:classWeights:)` with the targets already as `Int64` class indices (what the kernel
/// reads), for callers that build them in one pass from a mask.
public func crossEntropy(_ logits: Tensor, classIndices t: [Int64], classWeights: [Float]? = nil) -> Tensor {
    let op = "crossEntropy"
    if logits.failure != nil { return logits }
    guard logits.rank >= 2 else {
        return Tensor(failure: .invalidArgument(op: op, detail: "logits must be [N, C, *], got shape \(logits.shape)"))
    }
    let n = logits.shape[0], c = logits.shape[1], s = logits.shape[2...].reduce(1, *)
    guard t.count == n * s else {
        return Tensor(failure: .invalidArgument(op: op, detail: "\(t.count) targets for logits \(logits.shape), which have \(n * s) positions"))
    }
    if let bad = t.firstIndex(where: { $0 < 0 || $0 >= c }) {
        return Tensor(failure: .invalidArgument(op: op, detail: "target \(t[bad]) (at position \(bad)) is not a class index in 0..<\(c)"))
    }
    if let classWeights, classWeights.count != c {
        return Tensor(failure: .invalidArgument(op: op, detail: "\(classWeights.count) class weights for \(c) classes"))
    }
    let lse = Storage(uninitialized: n * s), scratch = Storage(uninitialized: 2 * s * n)
    // Images in parallel, each summing its own Σ w·nll and Σ w; the partials are added in image order.
    let partials = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(2 * n, 1))
    defer { partials.deallocate() }
    let xp = logits.storage.pointer, grain = Swift.max(1, Parallel.mapGrain / Swift.max(c * s, 1))
    t.withUnsafeBufferPointer { tp in
        withOptionalBuffer(classWeights) { wp in
            Parallel.forChunks(n, grain: grain) { images in
                for b in images {
                    fia_cross_entropy(xp + b * c * s, tp.baseAddress! + b * s, wp, 1, Int64(c), Int64(s), lse.pointer + b * s,
                                      scratch.pointer + 2 * s * b, partials.baseAddress! + 2 * b, partials.baseAddress! + 2 * b + 1)
                }
            }
        }
    }
    var nll = 0.0, weightSum = 0.0
    for b in 0..<n { nll += partials[2 * b]; weightSum += partials[2 * b + 1] }
    let y = Tensor(Float(nll / weightSum))       // 0/0 = NaN when there are no positions, as in PyTorch
    Cost.add(flops: 4 * logits.count)

    return y.recordingGradient(of: logits, op: op) { gy in
        let scale = Float(Double(gy.item()) / weightSum)
        return [Tensor(shape: logits.shape) { out in
            t.withUnsafeBufferPointer { tp in
                withOptionalBuffer(classWeights) { wp in
                    Parallel.forChunks(n, grain: grain) { images in
                        for b in images {
                            fia_cross_entropy_backward(xp + b * c * s, tp.baseAddress! + b * s, wp, lse.pointer + b * s, scale,
                                                       out + b * c * s, 1, Int64(c), Int64(s))
                        }
                    }
                }
            }
        }]
    }
}

/// Calls `body` with a pointer to `values`' elements, or nil when there are none.
private func withOptionalBuffer<T>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> T) -> T {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
