import TensorEngine
import NN
import Foundation

/// Layer-level benchmarks for `ablate-bench`: how close a composed layer's forward+backward comes to the
/// GEMM (and convolution) arithmetic it contains.
///
/// Each case times (median over `iterations`, after two warm-up runs) the layer's forward + backward,
/// and separately the bare matrix products of the same shapes, forward + backward (each product's two
/// gradient GEMMs) — so `gemmFraction = gemmSeconds / seconds` is the share of the step spent on
/// irreducible GEMM work, and `1 − gemmFraction` is the overhead of everything else (permutes, softmax,
/// norms, bias adds, allocation).
public enum NNBenchmarks {
    /// One benchmark result. Seconds are medians.
    public struct Timing: CustomStringConvertible, Sendable {
        public var name: String
        /// Forward + backward of the layer.
        public var seconds: Double
        /// Forward only (no graph recorded).
        public var forwardSeconds: Double
        /// The same GEMMs alone, forward + backward.
        public var gemmSeconds: Double
        /// MACs of the forward pass as counted by the engine (backward GEMMs are 2× the forward GEMM MACs).
        public var forwardMACs: Int
        /// Forward + backward MACs of the GEMM/convolution work (3 × forward GEMM MACs).
        public var trainingMACs: Int
        /// `gemmSeconds / seconds`.
        public var gemmFraction: Double { gemmSeconds / seconds }
        /// Achieved GFLOPS of the whole step counting only the GEMM work (2 FLOPs per MAC).
        public var gflops: Double { 2 * Double(trainingMACs) / seconds / 1e9 }

        public var description: String {
            String(format: "%@: fwd+bwd %.2f ms (fwd %.2f ms), its GEMMs alone %.2f ms → %.0f%% of GEMM throughput, %.1f GFLOPS",
                   name, seconds * 1e3, forwardSeconds * 1e3, gemmSeconds * 1e3, 100 * gemmFraction, gflops)
        }
    }

    /// Multi-head self-attention forward + backward on `[batch, tokens, width]` with a key-padding mask
    /// (the last quarter of each sequence padded, as short referring expressions are).
    /// Defaults: batch 16, 64 tokens of width 64, 4 heads.
    public static func attention(batch: Int = 16, tokens: Int = 64, width: Int = 64, heads: Int = 4,
                                 iterations: Int = 20) -> Timing {
        var rng = RNG(seed: 7)
        let layer = MultiHeadAttention(dim: width, heads: heads, rng: &rng)
        let x = Tensor.randn([batch, tokens, width], rng: &rng, requiresGrad: true)
        let keep = tokens - tokens / 4
        let mask = Tensor(shape: [batch, tokens]) { p in for i in 0..<(batch * tokens) { p[i] = i % tokens < keep ? 1 : 0 } }
        let gy = Tensor.randn([batch, tokens, width], rng: &rng)

        let counter = CostCounter()
        Cost.counting(into: counter) { _ = withNoGrad { layer(x, mask: mask) } }
        let step = median(iterations) {
            let y = layer(x, mask: mask)
            try? y.backward(gradient: gy)
            layer.zeroGrad(); x.zeroGrad()
        }
        let forward = median(iterations) { _ = withNoGrad { layer(x, mask: mask) } }

        // The GEMMs inside: four projections [B·L, D]·[D, D]ᵀ, scores [B·H, L, d]·[B·H, L, d]ᵀ, and
        // probabilities·values [B·H, L, L]·[B·H, L, d].
        let d = width / heads, bh = batch * heads
        let tokensFlat = Tensor.randn([batch * tokens, width], rng: &rng, requiresGrad: true)
        let weights = (0..<4).map { _ in Tensor.randn([width, width], rng: &rng, requiresGrad: true) }
        let q = Tensor.randn([bh, tokens, d], rng: &rng, requiresGrad: true)
        let k = Tensor.randn([bh, tokens, d], rng: &rng, requiresGrad: true)
        let p = Tensor.randn([bh, tokens, tokens], rng: &rng, requiresGrad: true)
        let gProj = Tensor.randn([batch * tokens, width], rng: &rng)
        let gScores = Tensor.randn([bh, tokens, tokens], rng: &rng)
        let gContext = Tensor.randn([bh, tokens, d], rng: &rng)
        let gemm = median(iterations) {
            for w in weights { try? matmul(tokensFlat, w, transposeB: true).backward(gradient: gProj) }
            try? matmul(q, k, transposeB: true).backward(gradient: gScores)
            try? matmul(p, k).backward(gradient: gContext)
            for t in weights + [tokensFlat, q, k, p] { t.zeroGrad() }
        }
        let gemmMACs = 4 * batch * tokens * width * width + 2 * bh * tokens * tokens * d
        return Timing(name: "attention B\(batch) L\(tokens) D\(width) H\(heads)", seconds: step, forwardSeconds: forward,
                      gemmSeconds: gemm, forwardMACs: counter.totalMACs, trainingMACs: 3 * gemmMACs)
    }

    /// Conv3×3 (no bias) → BatchNorm2d → ReLU forward + backward on `[batch, channels, size, size]`.
    /// Defaults: batch 8, 64 → 64 channels, 32 × 32.
    public static func convNormReLU(batch: Int = 8, channels: Int = 64, outChannels: Int? = nil, size: Int = 32,
                                    iterations: Int = 10) -> Timing {
        var rng = RNG(seed: 11)
        let cout = outChannels ?? channels
        let block = Sequential(Conv2d(channels, cout, kernelSize: 3, padding: 1, bias: false, init: .kaimingNormal(.relu), rng: &rng),
                               BatchNorm2d(cout), ActivationLayer(.relu))
        let x = Tensor.randn([batch, channels, size, size], rng: &rng, requiresGrad: true)
        let gy = Tensor.randn([batch, cout, size, size], rng: &rng)

        let counter = CostCounter()
        Cost.counting(into: counter) { _ = withNoGrad { block(x) } }
        let step = median(iterations) {
            let y = block(x)
            try? y.backward(gradient: gy)
            block.zeroGrad(); x.zeroGrad()
        }
        let forward = median(iterations) { _ = withNoGrad { block(x) } }

        // The convolution as one GEMM: weights [Cout, Cin·9] times columns [Cin·9, N·H·W].
        let k = channels * 9, pixels = batch * size * size
        let w = Tensor.randn([cout, k], rng: &rng, requiresGrad: true)
        let cols = Tensor.randn([k, pixels], rng: &rng, requiresGrad: true)
        let g = Tensor.randn([cout, pixels], rng: &rng)
        let gemm = median(iterations) {
            try? matmul(w, cols).backward(gradient: g)
            w.zeroGrad(); cols.zeroGrad()
        }
        return Timing(name: "conv3x3-BN-ReLU N\(batch) C\(channels)→\(cout) \(size)×\(size)", seconds: step,
                      forwardSeconds: forward, gemmSeconds: gemm, forwardMACs: counter.totalMACs,
                      trainingMACs: 3 * cout * k * pixels)
    }

    /// Both cases with their defaults.
    public static func all() -> [Timing] { [attention(), convNormReLU()] }

    /// Median wall time of `body` over `iterations` runs after two warm-ups.
    static func median(_ iterations: Int, _ body: () -> Void) -> Double {
        body(); body()
        var times: [Double] = []
        for _ in 0..<Swift.max(iterations, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }
}
