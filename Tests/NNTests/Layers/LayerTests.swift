import Foundation
import Testing
@testable import NN
import TestSupport

/// Overwrites a tensor's elements (for hand-set weights).
func assign(_ t: Tensor, _ values: [Float]) {
    precondition(values.count == t.count)
    for (i, v) in values.enumerated() { t.storage.pointer[i] = v }
}

struct LayerTests {
    @Test func linearComputesXWTransposedPlusB() {
        var rng = RNG(seed: 1)
        let layer = Linear(3, 2, rng: &rng)
        assign(layer.weight, [1, 2, 3, -1, 0, 1])   // rows: [1, 2, 3], [-1, 0, 1]
        assign(layer.bias!, [0.5, -0.5])
        let y = layer(Tensor(shape: [2, 3], data: [1, 1, 1, 2, 0, -1]))
        // [1,1,1]: 6 + 0.5, 0 − 0.5;   [2,0,−1]: 2 − 3 + 0.5, −2 − 1 − 0.5
        #expect(y.shape == [2, 2])
        #expect(y.scalars == [6.5, -0.5, -0.5, -3.5])
    }

    @Test func linearTorchDefaultInitBounds() {
        var rng = RNG(seed: 2)
        let layer = Linear(16, 8, rng: &rng)
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= 0.25 })     // 1/√16
        #expect(layer.bias!.scalars.allSatisfy { abs($0) <= 0.25 })
        #expect(layer.weight.requiresGrad && layer.bias!.requiresGrad)
    }

    /// One head, identity projections, zero biases: the output is softmax(Q·Kᵀ/√d)·V computed by hand.
    @Test func attentionMatchesHandComputation() {
        var rng = RNG(seed: 3)
        let attn = MultiHeadAttention(dim: 2, heads: 1, rng: &rng)
        for l in [attn.query, attn.key, attn.value, attn.out] {
            assign(l.weight, [1, 0, 0, 1])
            assign(l.bias!, [0, 0])
        }
        let x = Tensor(shape: [1, 1, 2], data: [1, 0])                 // one query
        let ctx = Tensor(shape: [1, 3, 2], data: [1, 0, 0, 1, 2, 2])   // three keys = values
        let (y, p) = attn.attend(x, context: ctx, mask: Tensor(shape: [1, 3], data: [1, 1, 0]), returnProbabilities: true)
        // scores /√2: [1, 0, 2]/√2, the third key masked → softmax over the first two only.
        let e0 = exp(1 / 2.0.squareRoot()), e1 = 1.0
        let p0 = e0 / (e0 + e1), p1 = e1 / (e0 + e1)
        #expect(Fixtures.close(p!.scalars, [Float(p0), Float(p1), 0], tolerance: 1e-6))
        #expect(Fixtures.close(y.scalars, [Float(p0), Float(p1)], tolerance: 1e-6))   // p0·[1,0] + p1·[0,1]
    }

    @Test func attentionIgnoresPaddedKeysAndAllPaddedRowsGiveTheOutputBias() {
        var rng = RNG(seed: 4)
        let attn = MultiHeadAttention(dim: 8, heads: 2, contextDim: 6, rng: &rng)
        let x = Fixtures.randn([2, 3, 8], seed: 5)
        let words = Fixtures.randn([2, 4, 6], seed: 6)
        let mask = Tensor(shape: [2, 4], data: [1, 1, 0, 0, 0, 0, 0, 0])
        let (y, p) = attn.attend(x, context: words, mask: mask, returnProbabilities: true)
        // Changing padded words changes nothing.
        let changed = words.detached()
        for i in [2, 3] { for d in 0..<6 { changed.storage.pointer[i * 6 + d] = 100 } }
        #expect(attn(x, context: changed, mask: mask).scalars == y.scalars)
        // Probabilities: rows of the first sample sum to 1 over the two real words; the second sample has no
        // real words, so its probabilities are 0 and its output is exactly the output projection's bias.
        let probs = p!.scalars   // [2, 2, 3, 4]
        for row in 0..<6 {
            let r = Array(probs[(row * 4)..<(row * 4 + 4)])
            #expect(abs(r[0] + r[1] - 1) < 1e-6 && r[2] == 0 && r[3] == 0)
        }
        #expect(probs[24...].allSatisfy { $0 == 0 })
        let bias = attn.out.bias!.scalars
        #expect(Array(y.scalars[24...]) == Array((0..<3).map { _ in bias }.joined()))
    }

    @Test func batchNormUpdatesRunningStatisticsOnlyInTraining() {
        let bn = BatchNorm2d(1)
        let x = Tensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 4])   // mean 2.5, biased var 1.25, unbiased 5/3
        let y = bn(x)
        let s = (1.25 + 1e-5).squareRoot()
        #expect(Fixtures.close(y.scalars, [-1.5, -0.5, 0.5, 1.5].map { Float($0 / s) }, tolerance: 1e-5))
        #expect(Fixtures.close(bn.runningMean.scalars, [0.25], tolerance: 1e-6))
        #expect(Fixtures.close(bn.runningVar.scalars, [Float(0.9 + 0.1 * 5.0 / 3.0)], tolerance: 1e-6))
        bn.eval()
        let z = bn(x)
        let rv = (0.9 + 0.1 * 5.0 / 3.0 + 1e-5).squareRoot()
        #expect(Fixtures.close(z.scalars, [1, 2, 3, 4].map { Float(($0 - 0.25) / rv) }, tolerance: 1e-5))
        #expect(Fixtures.close(bn.runningMean.scalars, [0.25], tolerance: 1e-6))
    }

    @Test func embeddingPaddingRowIsZeroAndFrozen() throws {
        var rng = RNG(seed: 7)
        let emb = Embedding(count: 5, dim: 3, paddingIndex: 0, rng: &rng)
        let y = emb([0, 2, 0, 4], shape: [2, 2])
        #expect(y.shape == [2, 2, 3])
        #expect(Array(y.scalars[0..<3]) == [0, 0, 0])
        try (y * Fixtures.randn([2, 2, 3], seed: 8)).sum().backward()
        let g = emb.weight.grad!.scalars
        #expect(Array(g[0..<3]) == [0, 0, 0])
        #expect(Array(g[3..<6]) == [0, 0, 0])          // row 1 unused
        #expect(g[6..<9].contains { $0 != 0 })
        #expect(emb(Tensor(shape: [1, 2], data: [2, 4])).scalars == Array(y.scalars[3..<6]) + Array(y.scalars[9..<12]))
    }

    @Test func dropoutIsDeterministicPerSeedAndIdentityInEval() {
        let x = Tensor.ones([64])
        var a = RNG(seed: 9), b = RNG(seed: 9), c = RNG(seed: 10)
        let da = Dropout(0.5, rng: &a), db = Dropout(0.5, rng: &b), dc = Dropout(0.5, rng: &c)
        let ya = da(x), yb = db(x), yc = dc(x)
        #expect(ya.scalars == yb.scalars)
        #expect(ya.scalars != yc.scalars)
        #expect(ya.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        da.eval()
        #expect(da(x).scalars == x.scalars)
    }

    @Test func conv2dShapesAndGroups() {
        var rng = RNG(seed: 11)
        let conv = Conv2d(4, 8, kernelSize: 3, stride: 2, padding: 1, groups: 2, bias: false, rng: &rng)
        #expect(conv.weight.shape == [8, 2, 3, 3])
        #expect(conv.bias == nil)
        #expect(conv.parameterCount == 144)
        #expect(conv(Fixtures.randn([2, 4, 9, 8], seed: 12)).shape == [2, 8, 5, 4])
    }

    @Test func layerNormNormalisesTheLastDimension() {
        let ln = LayerNorm(4)
        let y = ln(Tensor(shape: [1, 4], data: [1, 2, 3, 4]))
        let s = (1.25 + 1e-5).squareRoot()
        #expect(Fixtures.close(y.scalars, [-1.5, -0.5, 0.5, 1.5].map { Float($0 / s) }, tolerance: 1e-5))
        #expect(ln.namedParameters().map(\.name) == ["weight", "bias"])
    }
}

struct LayerCostTests {
    /// Cross-attention MACs land under the projections' scopes and the attention's own matmuls at its level.
    @Test func attentionCostsByComponent() {
        var rng = RNG(seed: 1)
        let attn = MultiHeadAttention(dim: 8, heads: 2, contextDim: 6, rng: &rng)
        attn.train()                                         // also names the cost scopes
        let (b, lq, lk) = (2, 5, 3)
        let counter = CostCounter()
        Cost.counting(into: counter) {
            _ = attn(Fixtures.randn([b, lq, 8], seed: 2), context: Fixtures.randn([b, lk, 6], seed: 3),
                     mask: Tensor.ones([b, lk]))
        }
        #expect(counter.macs == ["query": b * lq * 8 * 8, "key": b * lk * 6 * 8, "value": b * lk * 6 * 8,
                                 "out": b * lq * 8 * 8, "": 2 * b * 2 * lq * lk * 4])
    }

    @Test func linearAcceptsAnyLeadingShape() {
        var rng = RNG(seed: 4)
        let layer = Linear(3, 2, rng: &rng)
        let x = Fixtures.randn([2, 2, 3], seed: 5)
        let flat = layer(x.reshaped([4, 3]))
        #expect(layer(x).shape == [2, 2, 2])
        #expect(layer(x).scalars == flat.scalars)
        #expect(layer(Tensor(shape: [3], data: [1, 2, 3])).shape == [2])
    }
}
