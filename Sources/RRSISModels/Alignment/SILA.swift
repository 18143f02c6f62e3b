import NN

/// Spatial-image-language attention (SILA, LAVT's pixel-word attention): every pixel of the visual map
/// gathers the language context relevant to it from the words.
///
/// Queries come from the pixels (1×1 projection + instance norm), keys and values from the words (1×1
/// projections, i.e. linear maps over the word dimension); padded words are pushed to −∞ before the
/// softmax, so they get zero weight (a pixel whose mask has no word at all gathers zeros). The gathered
/// values go through a 1×1 output projection + instance norm, as in LAVT.
public final class SILA: Module {
    public let query: Conv2d
    public let queryNorm: InstanceNorm
    public let key: Linear
    public let value: Linear
    public let out: Conv2d
    public let outNorm: InstanceNorm
    let keyChannels: Int

    /// - Parameters: visual channels `C`, word width `D`, key/value width `K` (default C), output `C`.
    public init(visual: Int, text: Int, keyChannels requested: Int? = nil, rng: inout RNG) {
        let k = requested ?? visual
        keyChannels = k
        query = Conv2d(visual, k, kernelSize: 1, rng: &rng)
        queryNorm = InstanceNorm()
        key = Linear(text, k, rng: &rng)
        value = Linear(text, k, rng: &rng)
        out = Conv2d(k, visual, kernelSize: 1, rng: &rng)
        outNorm = InstanceNorm()
        super.init()
    }

    /// - Parameters: x `[B, C, H, W]`; words `[B, L, D]`; mask `[B, L]` (1 = attend to this word).
    /// - Returns: `[B, C, H, W]`, the language context gathered for each pixel.
    public func callAsFunction(_ x: Tensor, words: Tensor, mask: Tensor) -> Tensor {
        scoped {
            // The pixels stay channel-major ([B, K, HW], as the 1×1 convs make them): the two products read
            // them through GEMM transposes instead of permuted copies.
            let (b, h, w) = (x.shape[0], x.shape[2], x.shape[3])
            let q = queryNorm(query(x)).reshaped([b, keyChannels, h * w])                 // [B, K, HW]
            let k = key(words), v = value(words)                                          // [B, L, K]
            var sim = matmul(q, k, transposeA: true, transposeB: true) * (1 / Float(keyChannels).squareRoot())  // [B, HW, L]
            let padded = 1 - mask.reshaped([b, 1, mask.shape[1]])
            sim = maskedFill(sim, mask: padded, value: -.infinity)
            let gathered = matmul(v, softmax(sim, axis: -1), transposeA: true, transposeB: true)  // [B, K, HW]
            return outNorm(out(gathered.reshaped([b, keyChannels, h, w])))
        }
    }
}

/// A per-pixel gate: 1×1 conv → ReLU → 1×1 conv → tanh (LAVT's language gate, applied to NCHW maps).
public final class TanhGate: Module {
    public let first: Conv2d
    public let second: Conv2d

    /// - Parameter weightInit: PyTorch's default, or the official code's trunc-normal(0.02) (its gates are
    ///   `nn.Linear`s inside the backbone, which `init_weights` redraws).
    public init(channels: Int, weightInit: WeightInit = .torchDefault, rng: inout RNG) {
        first = Conv2d(channels, channels, kernelSize: 1, bias: false, init: weightInit, rng: &rng)
        second = Conv2d(channels, channels, kernelSize: 1, bias: false, init: weightInit, rng: &rng)
        super.init()
    }

    /// x `[B, C, H, W]` → gate values in (−1, 1), same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { scoped { tanh(second(relu(first(x)))) } }
}

/// 1×1 conv → GELU (dropout omitted: LAVT's rate there is 0).
public final class PointwiseProjection: Module {
    public let conv: Conv2d

    public init(_ inChannels: Int, _ outChannels: Int, rng: inout RNG) {
        conv = Conv2d(inChannels, outChannels, kernelSize: 1, rng: &rng)
        super.init()
    }

    /// `[B, Cin, H, W]` → `[B, Cout, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { scoped { gelu(conv(x)) } }
}
