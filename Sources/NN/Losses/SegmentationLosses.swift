/// Losses for binary referring segmentation: logits against a 0/1 mask.
///
/// Logits come either as one foreground logit per pixel `[B, 1, H, W]` or as LAVT's two class logits
/// `[B, 2, H, W]` (background, foreground); every loss accepts both. The two are related exactly:
/// `softmax([l0, l1])₁ = sigmoid(l1 − l0)`, so one logit z is the pair (0, z). Masks are `[B, 1, H, W]` or
/// `[B, H, W]` with values 0 or 1 (anything ≥ 0.5 counts as foreground where classes are needed).
public enum SegmentationLoss: Sendable, Equatable {
    /// Binary cross-entropy with logits, averaged over pixels.
    case bce
    /// Two-class cross-entropy, the weighted mean over pixels (PyTorch `F.cross_entropy(weight:)`);
    /// LAVT and its RRSIS successors use class weights [0.9, 1.1] (background, foreground).
    case crossEntropy(classWeights: [Float]?)
    /// Soft Dice loss `1 − (2·Σp·t + s) / (Σp + Σt + s)` per image on foreground probabilities, averaged.
    case dice(smooth: Float)
    /// FIANet's Dice term (`loss/loss.py`): the soft Dice loss of *both* classes of the two-class softmax
    /// (background against 1 − mask, foreground against the mask), **summed** over images and classes.
    /// With smooth 1e-6, a batch of B images contributes up to 2·B, so this term outweighs the mean
    /// cross-entropy beside it even at weight 0.1.
    case classDiceSum(smooth: Float)

    /// The loss as a scalar tensor.
    public func callAsFunction(_ logits: Tensor, _ mask: Tensor) -> Tensor {
        switch self {
        case .bce: return binaryCrossEntropyLoss(logits, mask)
        case let .crossEntropy(weights): return twoClassCrossEntropy(logits, mask, classWeights: weights)
        case let .dice(smooth): return diceLoss(logits, mask, smooth: smooth)
        case let .classDiceSum(smooth): return classDiceSumLoss(logits, mask, smooth: smooth)
        }
    }
}

/// A weighted sum of segmentation losses, e.g. `[(1, .crossEntropy([0.9, 1.1])), (0.5, .dice(smooth: 1))]`.
public struct WeightedLoss: Sendable {
    public var terms: [(weight: Float, loss: SegmentationLoss)]

    public init(_ terms: [(weight: Float, loss: SegmentationLoss)]) {
        precondition(!terms.isEmpty, "WeightedLoss: needs at least one term")
        self.terms = terms
    }

    /// - Parameters: logits `[B, 1|2, H, W]`; mask `[B, 1, H, W]` or `[B, H, W]`.
    /// - Returns: the scalar Σ wᵢ·lossᵢ.
    public func callAsFunction(_ logits: Tensor, _ mask: Tensor) -> Tensor { evaluate(logits, mask).total }

    /// The total and each term's unweighted value (for logging).
    public func evaluate(_ logits: Tensor, _ mask: Tensor) -> (total: Tensor, terms: [Float]) {
        var total: Tensor?
        var values: [Float] = []
        for (w, loss) in terms {
            let l = loss(logits, mask)
            values.append(l.item())
            let weighted = w == 1 ? l : l * w
            total = total.map { $0 + weighted } ?? weighted
        }
        return (total!, values)
    }
}

/// Binary cross-entropy with logits, mean over pixels (stable for any logit magnitude).
/// - Parameters: logits `[B, 1|2, H, W]`; mask `[B, 1, H, W]` or `[B, H, W]`.
public func binaryCrossEntropyLoss(_ logits: Tensor, _ mask: Tensor) -> Tensor {
    if let bad = [logits, mask].first(where: { $0.failure != nil }) { return bad }
    let z = foregroundLogit(logits)
    return binaryCrossEntropyWithLogits(z, mask.reshaped(z.shape))
}

/// Two-class cross-entropy, weighted mean over pixels (PyTorch semantics: Σ wₜ·nllₜ / Σ wₜ).
/// - Parameters: logits `[B, 2, H, W]` (or `[B, 1, H, W]`, read as the pair (0, z)); mask `[B, 1, H, W]` or
///   `[B, H, W]`; classWeights `[background, foreground]` or nil.
public func twoClassCrossEntropy(_ logits: Tensor, _ mask: Tensor, classWeights: [Float]? = nil) -> Tensor {
    if let bad = [logits, mask].first(where: { $0.failure != nil }) { return bad }
    let pair = logits.rank >= 2 && logits.shape[1] == 1
        ? Tensor.concat([Tensor.zeros(logits.shape), logits], axis: 1) : logits
    let mp = mask.storage.pointer
    let targets = [Int64](unsafeUninitializedCapacity: mask.count) { buffer, count in
        for i in 0..<mask.count { buffer[i] = mp[i] >= 0.5 ? 1 : 0 }
        count = mask.count
    }
    return crossEntropy(pair, classIndices: targets, classWeights: classWeights)
}

/// Soft Dice loss on foreground probabilities, `1 − (2·Σp·t + smooth) / (Σp + Σt + smooth)` per image,
/// averaged over the batch.
/// - Parameters: logits `[B, 1|2, H, W]`; mask `[B, 1, H, W]` or `[B, H, W]`; smooth > 0 keeps empty masks finite.
public func diceLoss(_ logits: Tensor, _ mask: Tensor, smooth: Float = 1) -> Tensor {
    if let bad = [logits, mask].first(where: { $0.failure != nil }) { return bad }
    let z = foregroundLogit(logits)
    let b = z.shape.first ?? 1
    let p = sigmoid(z).reshaped([b, -1])
    let t = mask.reshaped([b, -1])
    let intersection = (p * t).sum(axis: 1)
    let total = p.sum(axis: 1) + t.sum(axis: 1)
    let dice = (2 * intersection + smooth) / (total + smooth)
    return 1 - dice.mean()
}

/// FIANet's Dice term: `Σ_b Σ_c [1 − (2·Σ p_c·t_c + s) / (Σ p_c + Σ t_c + s)]` over images b and the two
/// classes c, with `p_1 = σ(l1 − l0)` the softmax foreground probability, `p_0 = 1 − p_1`, `t_1` the mask and
/// `t_0 = 1 − t_1` (the official code one-hot encodes the target and sums with `reduction="sum"`).
/// - Parameters: logits `[B, 1|2, H, W]`; mask `[B, 1, H, W]` or `[B, H, W]` (0/1); smooth > 0.
public func classDiceSumLoss(_ logits: Tensor, _ mask: Tensor, smooth: Float = 1e-6) -> Tensor {
    if let bad = [logits, mask].first(where: { $0.failure != nil }) { return bad }
    let z = foregroundLogit(logits)
    let b = z.shape.first ?? 1
    let p1 = sigmoid(z).reshaped([b, -1])
    let t1 = mask.reshaped([b, -1])
    let p0 = 1 - p1, t0 = 1 - t1
    func dice(_ p: Tensor, _ t: Tensor) -> Tensor {
        (2 * (p * t).sum(axis: 1) + smooth) / (p.sum(axis: 1) + t.sum(axis: 1) + smooth)   // [B]
    }
    return Float(2 * b) - (dice(p0, t0) + dice(p1, t1)).sum()
}

/// The foreground logit `[B, 1, H, W]`: the logits themselves when there is one channel, `l1 − l0` when two
/// (so that its sigmoid is the two-class softmax's foreground probability).
func foregroundLogit(_ logits: Tensor) -> Tensor {
    guard logits.rank >= 2, logits.shape[1] == 2 else { return logits }
    return logits.slice(axis: 1, 1..<2) - logits.slice(axis: 1, 0..<1)
}
