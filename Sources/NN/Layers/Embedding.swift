/// A lookup table of learned vectors (PyTorch `nn.Embedding`): N(0, 1) init, and the padding row, if
/// any, zero and never updated.
public final class Embedding: Module {
    /// `[count, dim]`.
    public let weight: Tensor
    public let paddingIndex: Int?

    public var count: Int { weight.shape[0] }
    public var dim: Int { weight.shape[1] }

    /// - Parameters:
    ///   - std: the init's standard deviation (1 as PyTorch; BERT-style encoders use 0.02).
    public init(count: Int, dim: Int, paddingIndex: Int? = nil, std: Float = 1, rng: inout RNG) {
        precondition(count > 0 && dim > 0, "Embedding: count \(count) and dim \(dim) must be positive")
        if let p = paddingIndex { precondition((-count..<count).contains(p), "Embedding: padding index \(p) outside 0..<\(count)") }
        weight = Init.normal([count, dim], std: std, rng: &rng)
        if let p = paddingIndex {
            let row = (p + count) % count
            weight.storage.pointer.advanced(by: row * dim).update(repeating: 0, count: dim)
        }
        self.paddingIndex = paddingIndex
        super.init()
    }

    /// - Parameters: ids row-major over `shape` (e.g. `[B, L]`), each in `0..<count`.
    /// - Returns: `[shape..., dim]`.
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Tensor {
        scoped { embedding(ids, shape: shape, weight: weight, paddingIndex: paddingIndex) }
    }

    /// - Parameter ids: a tensor of whole-number ids, e.g. `[B, L]`. - Returns: `[B, L, dim]`.
    public func callAsFunction(_ ids: Tensor) -> Tensor {
        if ids.failure != nil { return ids }
        // A non-integral id becomes an out-of-range one, so the lookup fails with a message instead of trapping.
        return self(ids.scalars.map { $0.isFinite && $0.rounded() == $0 && Swift.abs($0) < 1e9 ? Int($0) : Int.max }, shape: ids.shape)
    }
}
