/// The pointwise nonlinearities layers can be configured with.
public enum Activation: String, Sendable, CaseIterable {
    case relu, gelu, sigmoid, tanh, identity

    /// Applies the nonlinearity.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return TensorEngine.relu(x)
        case .gelu: return TensorEngine.gelu(x)
        case .sigmoid: return TensorEngine.sigmoid(x)
        case .tanh: return TensorEngine.tanh(x)
        case .identity: return x
        }
    }

    /// The initialisation gain that suits it (for Kaiming init of the layer before it).
    public var nonlinearity: Init.Nonlinearity {
        switch self {
        case .relu, .gelu: return .relu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .identity: return .linear
        }
    }
}

/// A parameterless module applying an `Activation`, for use inside `Sequential`.
public final class ActivationLayer: Module, UnaryLayer {
    public let activation: Activation

    public init(_ activation: Activation) {
        self.activation = activation
        super.init()
    }

    /// - Parameter x: any shape. - Returns: the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { activation(x) }
}
