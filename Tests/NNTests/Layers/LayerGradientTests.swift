import Testing
@testable import NN
import TestSupport

/// Finite-difference checks of the composite layers, through the input and every parameter.
struct LayerGradientTests {
    @Test func linear() throws {
        var rng = RNG(seed: 1)
        let layer = Linear(5, 3, rng: &rng)
        let x = Fixtures.randn([2, 4, 5], seed: 2)
        let r = try GradCheck.run([x, layer.weight, layer.bias!]) { xs in layer(xs[0]) }
        #expect(r.maxError < 3e-3, "\(r)")
    }

    @Test func mlpWithGELU() throws {
        var rng = RNG(seed: 3)
        let mlp = MLP(4, hidden: 6, out: 3, activation: .gelu, rng: &rng)
        let x = Fixtures.randn([3, 4], seed: 4)
        let r = try GradCheck.run([x] + mlp.parameters()) { xs in mlp(xs[0]) }
        #expect(r.maxError < 3e-3, "\(r)")
    }

    /// Self-attention with a key-padding mask (one sequence fully real, one half padded), through the
    /// input and all four projections.
    @Test func maskedSelfAttention() throws {
        var rng = RNG(seed: 5)
        let attn = MultiHeadAttention(dim: 8, heads: 2, rng: &rng)
        let x = Fixtures.randn([2, 4, 8], seed: 6)
        let mask = Tensor(shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 0, 0])
        let r = try GradCheck.run([x] + attn.parameters()) { xs in attn(xs[0], mask: mask) }
        #expect(r.maxError < 3e-3, "\(r)")
    }

    /// Cross-attention from 3 queries to 5 context tokens of another width, with padding.
    @Test func maskedCrossAttention() throws {
        var rng = RNG(seed: 7)
        let attn = MultiHeadAttention(dim: 6, heads: 3, contextDim: 4, rng: &rng)
        let x = Fixtures.randn([2, 3, 6], seed: 8)
        let words = Fixtures.randn([2, 5, 4], seed: 9)
        let mask = Tensor(shape: [2, 5], data: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1])
        let r = try GradCheck.run([x, words] + attn.parameters()) { xs in attn(xs[0], context: xs[1], mask: mask) }
        #expect(r.maxError < 3e-3, "\(r)")
    }

    @Test func convNormBlock() throws {
        var rng = RNG(seed: 10)
        let block = Sequential(Conv2d(2, 4, kernelSize: 3, padding: 1, groups: 2, rng: &rng), GroupNorm(groups: 2, channels: 4),
                               ActivationLayer(.gelu))
        let x = Fixtures.randn([2, 2, 5, 4], seed: 11)
        let r = try GradCheck.run([x] + block.parameters()) { xs in block(xs[0]) }
        #expect(r.maxError < 3e-3, "\(r)")
    }
}
