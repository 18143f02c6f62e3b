/// The base class of every layer and model: a tree of sub-modules whose parameters are found by
/// reflection over stored properties, as in MLX and PyTorch.
///
/// What reflection finds, per stored property (in declaration order, superclass properties first; a
/// module's own tensors are listed before its children's, as in PyTorch's `named_parameters()`):
/// - a `Tensor` is a **parameter** (`weight`, `bias`); `Tensor?` when present;
/// - a `@Buffer` tensor is a **buffer**: checkpointed, never trained (BatchNorm running statistics);
/// - a `@Param(key:)` tensor is a parameter renamed in checkpoints;
/// - a `Module` (or `Module?`) is a **child**, named by its property;
/// - arrays of modules or tensors give children `name.0`, `name.1`, …; dictionaries `name.key` (sorted);
/// - anything else (Ints, configuration, an `RNG`) is ignored.
///
/// Names are dotted paths from the module they are asked of: `backbone.stages.1.align.query.weight`,
/// the same strings PyTorch's `state_dict()` would use for the same structure, so safetensors checkpoints
/// can be exchanged. A tensor or module reachable twice (shared weights) is listed once, under its first name.
///
/// Subclasses are `final class`es with sub-modules as `let` properties and `callAsFunction` as the forward
/// pass; see `Linear` for the pattern.
open class Module {
    /// Training mode (dropout active, BatchNorm uses batch statistics) or evaluation mode. Set for a whole
    /// tree by `train()` / `eval()`.
    public private(set) var isTraining = true

    /// The name this module appends to the cost-accounting scope when its forward pass runs inside
    /// `scoped` — its key in its parent (`align`, `stages.1`), assigned by `assignCostScopes()`. Nil: the
    /// module's arithmetic is counted under its caller's scope.
    public var scopeName: String?

    public init() {}

    // MARK: Structure

    /// The direct sub-modules, named by their keys in this module. The default reflects over stored
    /// properties; override only to rename (as `Sequential` does, to name its layers `0`, `1`, … like PyTorch).
    open func namedChildren() -> [(name: String, module: Module)] {
        reflectedEntries().compactMap { if case let .child(n, m) = $0 { return (n, m) } else { return nil } }
    }

    /// This module (named "") and every module below it, depth-first in declaration order, with dotted paths.
    public func namedModules() -> [(name: String, module: Module)] {
        var out: [(name: String, module: Module)] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ m: Module, _ path: String) {
            guard seen.insert(ObjectIdentifier(m)).inserted else { return }
            out.append((path, m))
            for (key, child) in m.namedChildren() { visit(child, Module.join(path, key)) }
        }
        visit(self, "")
        return out
    }

    /// Every parameter of this module and its descendants with its dotted name, in declaration order.
    /// Frozen parameters are included (they are still part of the model and its checkpoints).
    public func namedParameters() -> [(name: String, tensor: Tensor)] { collect(buffers: false) }

    /// Every buffer (`@Buffer` property) of this module and its descendants with its dotted name.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] { collect(buffers: true) }

    /// The parameters, in `namedParameters()` order.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// The parameters that currently require gradients (not frozen), with their names.
    public func trainableParameters() -> [(name: String, tensor: Tensor)] {
        namedParameters().filter { $0.tensor.requiresGrad }
    }

    /// Number of parameter elements in this module and its descendants.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    /// Number of parameter elements that are trainable (not frozen).
    public var trainableParameterCount: Int { trainableParameters().reduce(0) { $0 + $1.tensor.count } }

    /// Parameter counts of every sub-module down to `depth` levels below this one (depth 1: the direct
    /// children), keyed by dotted path; "" is this module's total. For the cost report's component rows.
    /// Array elements count as one level (`stages.1` is a direct child).
    public func parameterCounts(depth: Int = 1) -> [(name: String, count: Int)] {
        var out: [(name: String, count: Int)] = []
        func visit(_ m: Module, _ path: String, _ level: Int) {
            out.append((path, m.parameterCount))
            guard level < depth else { return }
            for (key, child) in m.namedChildren() { visit(child, Module.join(path, key), level + 1) }
        }
        visit(self, "", 0)
        return out
    }

    // MARK: Modes

    /// Puts this module and every descendant into training (`true`) or evaluation mode. Also assigns cost
    /// scope names (see `assignCostScopes()`), since this is called once before a model is used.
    public func train(_ mode: Bool = true) {
        for (_, m) in namedModules() { m.isTraining = mode }
        assignCostScopes()
    }

    /// Evaluation mode for this module and every descendant (`train(false)`).
    public func eval() { train(false) }

    /// Stops gradients for every parameter below this module (they keep their values and stay in
    /// checkpoints; optimizers skip parameters without gradients).
    public func freeze() { for (_, p) in namedParameters() { p.requiringGrad(false); p.zeroGrad() } }

    /// Makes every parameter below this module trainable again.
    public func unfreeze() { for (_, p) in namedParameters() { p.requiringGrad(true) } }

    /// Clears the accumulated gradients of every parameter below this module.
    public func zeroGrad() { for (_, p) in namedParameters() { p.zeroGrad() } }

    // MARK: Cost accounting

    /// Names every descendant's cost scope after its key in its parent, so that MACs counted inside
    /// `scoped` land under the same dotted paths as the parameter names (`backbone.stages.1.align`).
    public func assignCostScopes() {
        for (_, m) in namedModules() {
            for (key, child) in m.namedChildren() { child.scopeName = key }
        }
    }

    /// Runs a forward pass inside this module's cost scope (a plain call when it has no scope name).
    /// Forward passes of components wrap their bodies in it: `func callAsFunction(_ x: Tensor) -> Tensor { scoped { … } }`.
    @inlinable
    public func scoped<T>(_ body: () throws -> T) rethrows -> T {
        guard let scopeName else { return try body() }
        return try Cost.scope(scopeName, body)
    }

    // MARK: Reflection

    /// What reflection found on this module itself (not recursive).
    enum Entry {
        case parameter(String, Tensor)
        case buffer(String, Tensor)
        case child(String, Module)
    }

    /// Classifies this module's own stored properties.
    func reflectedEntries() -> [Entry] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror { mirrors.append(m); mirror = m.superclassMirror }
        var out: [Entry] = []
        for m in mirrors.reversed() {
            for child in m.children {
                guard var label = child.label else { continue }
                // A property wrapper's storage is `_name`; its key, if given, overrides the name.
                switch child.value {
                case let b as Buffer: label = b.key ?? String(label.dropFirst())
                case let p as Param: label = p.key ?? String(label.dropFirst())
                default: break
                }
                Module.classify(child.value, name: label, into: &out)
            }
        }
        return out
    }

    static func classify(_ value: Any, name: String, into out: inout [Entry]) {
        switch value {
        case let t as Tensor: out.append(.parameter(name, t))
        case let b as Buffer: out.append(.buffer(name, b.wrappedValue))
        case let p as Param: out.append(.parameter(name, p.wrappedValue))
        case let m as Module: out.append(.child(name, m))
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let some = mirror.children.first { classify(some.value, name: name, into: &out) }
            case .collection:
                for (i, element) in mirror.children.enumerated() { classify(element.value, name: "\(name).\(i)", into: &out) }
            case .dictionary:
                let pairs = mirror.children.compactMap { entry -> (String, Any)? in
                    let kv = Array(Mirror(reflecting: entry.value).children)
                    guard kv.count == 2 else { return nil }
                    return ("\(kv[0].value)", kv[1].value)
                }
                for (key, v) in pairs.sorted(by: { $0.0 < $1.0 }) { classify(v, name: "\(name).\(key)", into: &out) }
            default: break
            }
        }
    }

    private func collect(buffers: Bool) -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        var seen = Set<ObjectIdentifier>()
        for (path, m) in namedModules() {
            for entry in m.reflectedEntries() {
                switch entry {
                case let .parameter(n, t) where !buffers, let .buffer(n, t) where buffers:
                    if seen.insert(ObjectIdentifier(t)).inserted { out.append((Module.join(path, n), t)) }
                default: break
                }
            }
        }
        return out
    }

    static func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : "\(a).\(b)" }
}

/// A module whose forward pass maps one tensor to one tensor, so it can sit in a `Sequential`.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}
