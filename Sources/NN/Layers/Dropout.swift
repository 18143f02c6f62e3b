/// Inverted dropout (PyTorch `nn.Dropout`): active only in training mode.
///
/// The layer owns its generator, forked at construction from the one passed in, so a model built from
/// one seed drops the same elements on every run, and adding a dropout layer does not shift the draws of
/// layers created after it beyond the single fork.
public final class Dropout: Module, UnaryLayer {
    /// Probability of zeroing an element, in [0, 1).
    public let p: Float
    var rng: RNG

    public init(_ p: Float, rng: inout RNG) {
        precondition(p >= 0 && p < 1, "Dropout: p must be in [0, 1), got \(p)")
        self.p = p
        self.rng = rng.fork()
        super.init()
    }

    /// - Parameter x: any shape. - Returns: the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(x, p: p, training: isTraining, rng: &rng)
    }
}
