/// Marks a stored tensor of a `Module` as a *buffer*: state that is saved in checkpoints and loaded back
/// but never trained (BatchNorm's running mean and variance). Every plain stored `Tensor` property of a
/// module is a parameter.
///
/// ```swift
/// @Buffer var runningMean: Tensor
/// init(…) { _runningMean = Buffer(wrappedValue: Tensor.zeros([c]), key: "running_mean") }
/// ```
/// `key` overrides the checkpoint name (default: the property name), so names can follow PyTorch's
/// snake_case; set it by initialising the wrapper (`_name = …`) as above. Buffers are updated in place by the ops that own them (`batchNorm` writes the running
/// statistics), so the wrapper only needs to hold the reference.
@propertyWrapper
public struct Buffer {
    /// The buffer's tensor.
    public var wrappedValue: Tensor
    /// The name in checkpoints, if not the property's.
    public let key: String?

    public init(wrappedValue: Tensor, key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// Marks a stored tensor as a parameter under an explicit checkpoint name (a plain `Tensor` property is a
/// parameter already; use this only to rename):
///
/// ```swift
/// @Param var table: Tensor
/// init(…) { _table = Param(wrappedValue: Init.zeros([n, heads]), key: "relative_position_bias_table") }
/// ```
@propertyWrapper
public struct Param {
    /// The parameter.
    public var wrappedValue: Tensor
    /// The name in checkpoints, if not the property's.
    public let key: String?

    public init(wrappedValue: Tensor, key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}
