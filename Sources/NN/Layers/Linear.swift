/// Fully connected layer, `y = x·Wᵀ + b` (PyTorch `nn.Linear`; the weight is stored `[out, in]` so
/// checkpoints exchange with PyTorch unchanged).
public final class Linear: Module, UnaryLayer {
    /// `[outFeatures, inFeatures]`.
    public let weight: Tensor
    /// `[outFeatures]`, or nil.
    public let bias: Tensor?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// - Parameters:
    ///   - init: the weight initialiser; the default is PyTorch's (U(±1/√in) for weight and bias).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, init weightInit: WeightInit = .torchDefault,
                rng: inout RNG) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: feature counts must be positive, got \(inFeatures)→\(outFeatures)")
        weight = weightInit.make([outFeatures, inFeatures], rng: &rng)
        self.bias = bias ? weightInit.makeBias(outFeatures, fanIn: inFeatures, rng: &rng) : nil
        super.init()
    }

    /// - Parameter x: `[..., in]`.
    /// - Returns: `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { Linear.apply(x, weight: weight, bias: bias) }
    }

    /// `x·Wᵀ + b` with the leading dimensions flattened first (a reshape shares storage), so forward and
    /// both gradients are single GEMMs over all rows rather than one small GEMM per leading index; the bias
    /// is fused into the forward GEMM (`TensorEngine.linear`).
    static func apply(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        if x.failure != nil { return x }
        let rows = x.reshaped([-1, x.shape.last ?? 0])
        return linear(rows, weight: weight, bias: bias).reshaped(Array(x.shape.dropLast()) + [weight.shape[0]])
    }
}
