/// The transformer feed-forward block, `fc2(drop(act(fc1(x))))` then dropout (timm's `Mlp`).
public final class MLP: Module, UnaryLayer {
    public let fc1: Linear
    public let fc2: Linear
    public let activation: Activation
    /// Applied after the activation and after `fc2` (nil when p = 0).
    public let dropout: Dropout?

    /// - Parameters:
    ///   - hidden: the inner width (commonly 4 × in).
    ///   - out: the output width (default: `inFeatures`).
    public init(_ inFeatures: Int, hidden: Int, out: Int? = nil, activation: Activation = .gelu, dropout p: Float = 0,
                rng: inout RNG) {
        fc1 = Linear(inFeatures, hidden, rng: &rng)
        fc2 = Linear(hidden, out ?? inFeatures, rng: &rng)
        self.activation = activation
        dropout = p > 0 ? Dropout(p, rng: &rng) : nil
        super.init()
    }

    /// - Parameter x: `[..., in]`. - Returns: `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped {
            var h = activation(fc1(x))
            if let dropout { h = dropout(h) }
            h = fc2(h)
            if let dropout { h = dropout(h) }
            return h
        }
    }
}

/// The transformer feed-forward block under its other common name.
public typealias FeedForward = MLP
