import Foundation

/// Multi-head scaled dot-product attention (Vaswani et al.), self or cross:
/// `softmax(Q·Kᵀ/√d + mask)·V` per head, heads concatenated, then an output projection.
///
/// Composed from engine ops — matmul, add, softmax, matmul — not a fused primitive. A key-padding mask
/// marks the real keys (1) and the padding (0); padded keys get probability 0, and a query whose keys
/// are all padding attends to nothing (its head outputs are 0, so the layer returns the output bias).
public final class MultiHeadAttention: Module {
    /// Projections: query from the query stream, key and value from the context stream, and the output.
    public let query: Linear, key: Linear, value: Linear, out: Linear
    public let heads: Int
    /// Dropout on the attention probabilities (nil when p = 0).
    public let attentionDropout: Dropout?

    /// Width of the query stream (and of the output).
    public var dim: Int { query.inFeatures }
    /// Per-head width, `dim / heads`.
    public var headDim: Int { query.outFeatures / heads }

    /// - Parameters:
    ///   - dim: width of the queries and of the output; must be divisible by `heads`.
    ///   - contextDim: width of the keys/values stream (default `dim`: self-attention).
    ///   - dropout: dropout on the attention probabilities.
    public init(dim: Int, heads: Int, contextDim: Int? = nil, bias: Bool = true, dropout p: Float = 0, rng: inout RNG) {
        precondition(heads > 0 && dim % heads == 0, "MultiHeadAttention: dim \(dim) must be divisible by heads \(heads)")
        let c = contextDim ?? dim
        query = Linear(dim, dim, bias: bias, init: .xavierUniform(gain: 1), rng: &rng)
        key = Linear(c, dim, bias: bias, init: .xavierUniform(gain: 1), rng: &rng)
        value = Linear(c, dim, bias: bias, init: .xavierUniform(gain: 1), rng: &rng)
        out = Linear(dim, dim, bias: bias, init: .xavierUniform(gain: 1), rng: &rng)
        self.heads = heads
        attentionDropout = p > 0 ? Dropout(p, rng: &rng) : nil
        super.init()
    }

    /// Self-attention.
    /// - Parameters: x `[B, L, dim]`; mask `[B, L]` (1 = real token, 0 = padding), or nil.
    /// - Returns: `[B, L, dim]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) -> Tensor {
        attend(x, context: x, mask: mask).output
    }

    /// Cross-attention: queries from `x`, keys and values from `context`.
    /// - Parameters: x `[B, Lq, dim]`; context `[B, Lk, contextDim]`; mask `[B, Lk]` (1 = real), or nil.
    /// - Returns: `[B, Lq, dim]`.
    public func callAsFunction(_ x: Tensor, context: Tensor, mask: Tensor? = nil) -> Tensor {
        attend(x, context: context, mask: mask).output
    }

    /// Attention that can also hand back the probabilities (for visualisation).
    /// - Parameters: x `[B, Lq, dim]`; context `[B, Lk, contextDim]`; mask `[B, Lk]` (1 = real), or nil.
    /// - Returns: output `[B, Lq, dim]`; probabilities `[B, heads, Lq, Lk]` (before dropout) when asked for.
    public func attend(_ x: Tensor, context: Tensor, mask: Tensor? = nil, returnProbabilities: Bool = false)
        -> (output: Tensor, probabilities: Tensor?) {
        if let bad = [x, context, mask].compactMap({ $0 }).first(where: { $0.failure != nil }) { return (bad, nil) }
        guard x.rank == 3 && context.rank == 3 && x.shape[0] == context.shape[0] else {
            return (Tensor(failure: .shapeMismatch(op: "MultiHeadAttention", lhs: x.shape, rhs: context.shape,
                                                   detail: "expects x [B, Lq, D] and context [B, Lk, Dc] with the same B")), nil)
        }
        let b = x.shape[0], lq = x.shape[1], lk = context.shape[1], h = heads, d = headDim
        if let mask {
            precondition(mask.shape == [b, lk], "MultiHeadAttention: mask must be [B, Lk] = \([b, lk]), got \(mask.shape)")
        }
        return scoped {
            // The 1/√d of the scores is folded into the query projection's weights (D² multiplies instead of
            // a pass over every query or score).
            let scale = 1 / Float(d).squareRoot()
            let q = query.scoped { Linear.apply(x, weight: query.weight * scale, bias: query.bias.map { $0 * scale }) }
            let qh = q.reshaped([b, lq, h, d]).permuted([0, 2, 1, 3])                            // [B, H, Lq, d]
            let kh = key(context).reshaped([b, lk, h, d]).permuted([0, 2, 1, 3])                 // [B, H, Lk, d]
            let vh = value(context).reshaped([b, lk, h, d]).permuted([0, 2, 1, 3])               // [B, H, Lk, d]

            var scores = matmul(qh, kh, transposeB: true)                                        // [B, H, Lq, Lk]
            if let mask {
                // An additive 0 / −inf bias broadcast over heads and queries: the add walks it with zero
                // strides (no [B, H, Lq, Lk] mask is materialised) and its backward passes dy through.
                scores = scores + MultiHeadAttention.paddingBias(mask)
            }
            let probabilities = softmax(scores, axis: -1)
            var weights = probabilities
            if let attentionDropout { weights = attentionDropout(weights) }
            let context = matmul(weights, vh)                                                    // [B, H, Lq, d]
                .permuted([0, 2, 1, 3]).reshaped([b, lq, h * d])
            return (out(context), returnProbabilities ? probabilities : nil)
        }
    }

    /// `[B, Lk]` keep-mask → `[B, 1, 1, Lk]` additive bias: 0 where kept, −inf where padded.
    static func paddingBias(_ mask: Tensor) -> Tensor {
        let b = mask.shape[0], lk = mask.shape[1]
        let m = mask.storage.pointer
        return Tensor(shape: [b, 1, 1, lk]) { p in
            for i in 0..<(b * lk) { p[i] = m[i] != 0 ? 0 : -Float.infinity }
        }
    }
}
