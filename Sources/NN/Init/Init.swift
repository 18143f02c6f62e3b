import Foundation

/// Weight initialisers, each drawing from an explicit generator (same seed, same weights). Fans follow
/// PyTorch: for a weight `[out, in, k…]`, fanIn = in·∏k and fanOut = out·∏k.
///
/// Every function returns a fresh trainable leaf (`requiresGrad == true`).
public enum Init {
    /// The gain PyTorch's `calculate_gain` gives a nonlinearity (√2 for ReLU, 1 for linear/sigmoid).
    public enum Nonlinearity: Sendable {
        case linear, relu, tanh, sigmoid
        /// Leaky ReLU with the given negative slope: √(2 / (1 + slope²)).
        case leakyReLU(Float)

        public var gain: Float {
            switch self {
            case .linear, .sigmoid: return 1
            case .relu: return Float(2).squareRoot()
            case .tanh: return 5.0 / 3.0
            case let .leakyReLU(slope): return (2 / (1 + slope * slope)).squareRoot()
            }
        }
    }

    /// (fanIn, fanOut) of a weight shape: `[out, in, k…]` (a rank-1 shape counts as its own fans).
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(!shape.isEmpty, "Init.fans: a scalar has no fans")
        if shape.count == 1 { return (shape[0], shape[0]) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Kaiming/He normal, fan-in mode: N(0, (gain / √fanIn)²). The usual choice before a ReLU.
    public static func kaimingNormal(_ shape: [Int], nonlinearity: Nonlinearity = .relu, rng: inout RNG) -> Tensor {
        let std = nonlinearity.gain / Float(fans(shape).fanIn).squareRoot()
        return Tensor.randn(shape, std: std, rng: &rng, requiresGrad: true)
    }

    /// Kaiming/He uniform, fan-in mode: U(−b, b) with b = gain·√(3 / fanIn).
    public static func kaimingUniform(_ shape: [Int], nonlinearity: Nonlinearity = .relu, rng: inout RNG) -> Tensor {
        let bound = nonlinearity.gain * (3 / Float(fans(shape).fanIn)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }

    /// Xavier/Glorot uniform: U(−b, b) with b = gain·√(6 / (fanIn + fanOut)).
    public static func xavierUniform(_ shape: [Int], gain: Float = 1, rng: inout RNG) -> Tensor {
        let (i, o) = fans(shape)
        let bound = gain * (6 / Float(i + o)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }

    /// Xavier/Glorot normal: N(0, gain²·2 / (fanIn + fanOut)).
    public static func xavierNormal(_ shape: [Int], gain: Float = 1, rng: inout RNG) -> Tensor {
        let (i, o) = fans(shape)
        return Tensor.randn(shape, std: gain * (2 / Float(i + o)).squareRoot(), rng: &rng, requiresGrad: true)
    }

    /// Normal(0, std) truncated to ±2·std (the ViT/Swin initialisation, std 0.02).
    public static func truncatedNormal(_ shape: [Int], std: Float = 0.02, rng: inout RNG) -> Tensor {
        Tensor.truncatedNormal(shape, std: std, rng: &rng, requiresGrad: true)
    }

    /// Normal(mean, std).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RNG) -> Tensor {
        Tensor.randn(shape, mean: mean, std: std, rng: &rng, requiresGrad: true)
    }

    /// U(low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, rng: inout RNG) -> Tensor {
        Tensor.uniform(shape, low: low, high: high, rng: &rng, requiresGrad: true)
    }

    /// PyTorch's default for `nn.Linear` / `nn.Conv2d` weights: kaiming uniform with a = √5, which is
    /// U(−1/√fanIn, 1/√fanIn).
    public static func torchDefault(_ shape: [Int], rng: inout RNG) -> Tensor {
        let bound = 1 / Float(fans(shape).fanIn).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }

    /// PyTorch's default bias for a layer with the given fan-in: U(−1/√fanIn, 1/√fanIn).
    public static func torchDefaultBias(_ count: Int, fanIn: Int, rng: inout RNG) -> Tensor {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        return Tensor.uniform([count], low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }

    /// All zeros (trainable).
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor.zeros(shape, requiresGrad: true) }

    /// All ones (trainable).
    public static func ones(_ shape: [Int]) -> Tensor { Tensor.ones(shape, requiresGrad: true) }
}

/// How a layer initialises its weight. Layers default to PyTorch's defaults so that results are
/// comparable with reference implementations; models pick others explicitly.
public enum WeightInit: Sendable {
    /// U(±1/√fanIn), PyTorch's `nn.Linear`/`nn.Conv2d` default.
    case torchDefault
    case kaimingNormal(Init.Nonlinearity)
    case kaimingUniform(Init.Nonlinearity)
    case xavierUniform(gain: Float)
    case truncatedNormal(std: Float)
    case zeros

    /// Draws a weight of `shape`.
    public func make(_ shape: [Int], rng: inout RNG) -> Tensor {
        switch self {
        case .torchDefault: return Init.torchDefault(shape, rng: &rng)
        case let .kaimingNormal(n): return Init.kaimingNormal(shape, nonlinearity: n, rng: &rng)
        case let .kaimingUniform(n): return Init.kaimingUniform(shape, nonlinearity: n, rng: &rng)
        case let .xavierUniform(gain): return Init.xavierUniform(shape, gain: gain, rng: &rng)
        case let .truncatedNormal(std): return Init.truncatedNormal(shape, std: std, rng: &rng)
        case .zeros: return Init.zeros(shape)
        }
    }

    /// The matching bias: PyTorch's uniform default for `.torchDefault`, zeros otherwise (the convention
    /// of the Kaiming/Xavier/truncated-normal recipes in timm and mmseg).
    public func makeBias(_ count: Int, fanIn: Int, rng: inout RNG) -> Tensor {
        if case .torchDefault = self { return Init.torchDefaultBias(count, fanIn: fanIn, rng: &rng) }
        return Init.zeros([count])
    }
}
