/// Layer normalisation over the last dimension (PyTorch `nn.LayerNorm(D)`), with a learned per-feature
/// scale (init 1) and shift (init 0).
public final class LayerNorm: Module, UnaryLayer {
    /// `[D]`, or nil without affine parameters.
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Float

    public init(_ features: Int, eps: Float = 1e-5, affine: Bool = true) {
        weight = affine ? Init.ones([features]) : nil
        bias = affine ? Init.zeros([features]) : nil
        self.eps = eps
        super.init()
    }

    /// - Parameter x: `[..., D]`. - Returns: `[..., D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { layerNorm(x, weight: weight, bias: bias, eps: eps) }
    }
}

/// Group normalisation (PyTorch `nn.GroupNorm`): channels split into `groups` groups, each normalised per
/// sample over its channels and positions, then scaled and shifted per channel.
public final class GroupNorm: Module, UnaryLayer {
    /// `[C]`, or nil without affine parameters.
    public let weight: Tensor?
    public let bias: Tensor?
    public let groups: Int
    public let eps: Float

    public init(groups: Int, channels: Int, eps: Float = 1e-5, affine: Bool = true) {
        precondition(groups > 0 && channels % groups == 0, "GroupNorm: \(groups) groups must divide \(channels) channels")
        weight = affine ? Init.ones([channels]) : nil
        bias = affine ? Init.zeros([channels]) : nil
        self.groups = groups
        self.eps = eps
        super.init()
    }

    /// - Parameter x: `[N, C, *]`. - Returns: `[N, C, *]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps) }
    }
}

/// Instance normalisation without affine parameters (PyTorch `nn.InstanceNorm2d` defaults): each
/// (sample, channel) normalised over its positions.
public final class InstanceNorm: Module, UnaryLayer {
    public let eps: Float

    public init(eps: Float = 1e-5) {
        self.eps = eps
        super.init()
    }

    /// - Parameter x: `[N, C, *]`. - Returns: `[N, C, *]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { scoped { instanceNorm(x, eps: eps) } }
}

/// Batch normalisation of `[N, C, H, W]` (PyTorch `nn.BatchNorm2d`). In training mode the batch statistics
/// normalise and the running statistics move by `momentum`; in evaluation mode the running statistics
/// normalise. The running statistics are buffers: saved in checkpoints, never trained.
public final class BatchNorm2d: Module, UnaryLayer {
    /// `[C]` scale (init 1) and shift (init 0), or nil without affine parameters.
    public let weight: Tensor?
    public let bias: Tensor?
    /// `[C]`, init 0 — PyTorch's `running_mean`.
    @Buffer public var runningMean: Tensor
    /// `[C]`, init 1 — PyTorch's `running_var` (unbiased batch variances are averaged in).
    @Buffer public var runningVar: Tensor
    /// Training forward passes so far, a scalar — PyTorch's `num_batches_tracked`, kept so state dicts
    /// carry the same names in both directions (it does not affect the update: momentum is fixed).
    @Buffer public var numBatchesTracked: Tensor
    public let momentum: Float
    public let eps: Float

    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5, affine: Bool = true) {
        weight = affine ? Init.ones([channels]) : nil
        bias = affine ? Init.zeros([channels]) : nil
        _runningMean = Buffer(wrappedValue: Tensor.zeros([channels]), key: "running_mean")
        _runningVar = Buffer(wrappedValue: Tensor.ones([channels]), key: "running_var")
        _numBatchesTracked = Buffer(wrappedValue: Tensor(0), key: "num_batches_tracked")
        self.momentum = momentum
        self.eps = eps
        super.init()
    }

    /// - Parameter x: `[N, C, H, W]` (any `[N, C, *]` works). - Returns: the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if isTraining && x.failure == nil { numBatchesTracked.storage.pointer[0] += 1 }
        return scoped {
            batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                      training: isTraining, momentum: momentum, eps: eps)
        }
    }
}
