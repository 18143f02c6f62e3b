import CKernels

/// A float32 tensor: contiguous row-major storage plus a shape, and — when it takes part in training —
/// a node of the reverse-mode autograd graph.
///
/// Every op returns a new contiguous tensor (permute, slice and friends copy), which keeps kernels simple
/// and fast on this engine's CPU targets. A tensor produced by an op that could not run (say, mismatched
/// shapes) is *failed*: it carries a `TensorError`, later ops pass the failure on without computing, and
/// `validated()` / `backward()` throw it.
public final class Tensor {
    /// Extent of each dimension; `[]` is a scalar.
    public let shape: [Int]
    /// The elements, row-major.
    public let storage: Storage
    /// Set when an op that produced this tensor failed; the tensor then has no meaningful elements.
    public let failure: TensorError?
    /// Whether gradients flow to (a leaf) or through (an op result) this tensor.
    public internal(set) var requiresGrad: Bool
    /// Accumulated gradient of a leaf after `backward()`; nil until then or after `zeroGrad()`.
    public var grad: Tensor?
    /// How to push this tensor's gradient to its inputs; nil for leaves and in no-grad mode.
    var gradFn: GradNode?

    /// Wraps existing storage. `shape` must describe exactly `storage.count` elements.
    public init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == storage.count,
                     "Tensor: shape \(shape) has \(shape.reduce(1, *)) elements but storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.failure = nil
        self.requiresGrad = requiresGrad
    }

    /// A failed tensor (see the type's documentation).
    public init(failure: TensorError) {
        self.shape = [0]
        self.storage = Storage(uninitialized: 0)
        self.failure = failure
        self.requiresGrad = false
    }

    /// A tensor holding `data` (row-major) with the given shape.
    public convenience init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor(shape:data:): shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        let storage = Storage(uninitialized: data.count)
        data.withUnsafeBufferPointer { fia_copy($0.baseAddress, storage.pointer, data.count) }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A scalar tensor.
    public convenience init(_ value: Float) { self.init(shape: [], data: [value]) }

    /// A tensor of the given shape whose elements are written by `fill` (given uninitialised storage).
    public convenience init(shape: [Int], fill: (UnsafeMutablePointer<Float>) -> Void) {
        let storage = Storage(uninitialized: shape.reduce(1, *))
        fill(storage.pointer)
        self.init(shape: shape, storage: storage)
    }

    /// All zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: Storage(zeros: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// Every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(shape: shape) { fia_fill($0, shape.reduce(1, *), value) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// All ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, requiresGrad: requiresGrad)
    }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// A copy of the elements, row-major (empty for a failed tensor).
    public var scalars: [Float] { Array(storage.buffer) }
    /// The single element of a one-element tensor (NaN for a failed one).
    public func item() -> Float {
        guard failure == nil else { return .nan }
        precondition(count == 1, "item(): tensor of shape \(shape) has \(count) elements, expected 1")
        return storage.pointer[0]
    }

    /// Returns self, or throws the error of the op that failed to produce it.
    @discardableResult
    public func validated() throws -> Tensor {
        if let failure { throw failure }
        return self
    }

    /// Marks a leaf tensor as trainable (or not). Returns self for chaining.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        precondition(gradFn == nil, "requiringGrad: only leaf tensors can change requiresGrad")
        requiresGrad = flag
        return self
    }

    /// A new leaf sharing no graph with this tensor (same values, copied).
    public func detached() -> Tensor {
        if failure != nil { return self }
        let out = Tensor(shape: shape, storage: Storage(uninitialized: count))
        Parallel.copy(storage.pointer, out.storage.pointer, count: count)
        return out
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// Element at a multi-index (for tests and small inspections; not for hot loops).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "subscript: \(index.count) indices for a rank-\(rank) tensor")
        var offset = 0
        for (d, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[d], "subscript: index \(i) out of range for dimension \(d) of \(shape)")
            offset = offset * shape[d] + i
        }
        return storage.pointer[offset]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        if let failure { return "Tensor(failed: \(failure))" }
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
