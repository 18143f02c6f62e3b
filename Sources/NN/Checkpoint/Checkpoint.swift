import Foundation

/// Why a checkpoint could not be written or loaded, as a sentence a researcher can act on.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// One name that does not line up between a model and a checkpoint.
    public enum Mismatch: Equatable, CustomStringConvertible {
        /// The model has it; the checkpoint does not.
        case missing(name: String, shape: [Int])
        /// The checkpoint has it; the model does not.
        case unexpected(name: String, shape: [Int])
        /// Both have it, with different shapes.
        case shape(name: String, model: [Int], checkpoint: [Int])

        public var description: String {
            switch self {
            case let .missing(n, s): return "missing from the checkpoint: \(n) \(s)"
            case let .unexpected(n, s): return "not in the model: \(n) \(s)"
            case let .shape(n, m, c): return "shape differs: \(n) is \(m) in the model, \(c) in the checkpoint"
            }
        }
    }

    /// The names or shapes differ; every difference is listed.
    case mismatch(source: String, [Mismatch])
    /// The bytes are not a valid safetensors file.
    case malformed(String)
    /// The file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatch(source, list):
            return "checkpoint \(source) does not match the model (\(list.count) difference\(list.count == 1 ? "" : "s")):\n"
                + list.map { "  - \($0)" }.joined(separator: "\n")
        case let .malformed(detail): return "malformed safetensors checkpoint: \(detail)"
        case let .unreadable(path, reason): return "cannot read checkpoint \(path): \(reason)"
        }
    }
}

extension Module {
    /// Parameters then buffers, with their dotted names: what a checkpoint holds (PyTorch's `state_dict`).
    public func stateTensors() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    /// Saves parameters and buffers as a safetensors file that `safetensors.torch.load_file` opens.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateTensors(), metadata: metadata, to: url)
    }

    /// Loads parameters and buffers from a safetensors file, copying values into the existing tensors (so
    /// optimizers holding them stay valid). Returns the file's metadata.
    /// - Parameter strict: when true (the default) names must match exactly; when false, names missing on
    ///   either side are skipped (loading a pretrained backbone into a larger model) — shapes must still agree.
    /// - Throws: `CheckpointError.mismatch` listing every difference (nothing is modified then), or a read
    ///   or format error.
    @discardableResult
    public func load(from url: URL, strict: Bool = true) throws -> [String: String] {
        let file = try SafeTensors.read(url)
        try load(file.tensors, source: url.lastPathComponent, strict: strict)
        return file.metadata
    }

    /// Loads named tensors into this module's parameters and buffers (all or nothing; see `load(from:)`).
    /// Returns the names that were skipped (always empty when strict).
    @discardableResult
    public func load(_ tensors: [(name: String, tensor: Tensor)], source: String = "(in memory)",
                     strict: Bool = true) throws -> [CheckpointError.Mismatch] {
        try Checkpoint.copy(tensors, into: stateTensors(), source: source, strict: strict)
    }
}

extension Optimizer {
    /// The optimizer's resumable state as named tensors: `state.<param>.<slot>` for each state slot and
    /// `state.<param>.step` (a scalar) per parameter, in PyTorch's vocabulary.
    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for name in state.keys.sorted() {
            for (slot, t) in state[name]!.sorted(by: { $0.key < $1.key }) { out.append(("state.\(name).\(slot)", t)) }
        }
        for (name, steps) in parameterSteps.sorted(by: { $0.key < $1.key }) {
            out.append(("state.\(name).step", Tensor(Float(steps))))
        }
        return out
    }

    /// Metadata saved next to the state: the kind, the step count and the learning rate.
    public var stateMetadata: [String: String] {
        ["optimizer": kind, "step": String(stepCount), "learning_rate": String(learningRate)]
    }

    /// Saves the optimizer state as a safetensors file (the model is saved separately with `Module.save`).
    public func save(to url: URL) throws {
        try SafeTensors.write(stateTensors(), metadata: stateMetadata, to: url)
    }

    /// Restores state saved by `save(to:)`. The state's parameter names and shapes must match this
    /// optimizer's parameters (names not in any group are listed as mismatches).
    public func load(from url: URL) throws {
        let file = try SafeTensors.read(url)
        let source = url.lastPathComponent
        if let kind = file.metadata["optimizer"], kind != self.kind {
            throw CheckpointError.malformed("\(source) holds \(kind) state, not \(self.kind)")
        }
        let params = Dictionary(groups.flatMap { $0.parameters.map { ($0.name, $0.tensor) } }, uniquingKeysWith: { a, _ in a })
        var newState: [String: [String: Tensor]] = [:]
        var newSteps: [String: Int] = [:]
        var problems: [CheckpointError.Mismatch] = []
        for (key, t) in file.tensors {
            // key = "state.<param>.<slot>", where <param> itself contains dots: the slot is the last component.
            guard key.hasPrefix("state."), let dot = key.lastIndex(of: ".") else {
                problems.append(.unexpected(name: key, shape: t.shape)); continue
            }
            let name = String(key[key.index(key.startIndex, offsetBy: 6)..<dot]), slot = String(key[key.index(after: dot)...])
            guard let p = params[name] else { problems.append(.unexpected(name: key, shape: t.shape)); continue }
            if slot == "step" {
                guard t.count == 1 else { problems.append(.shape(name: key, model: [], checkpoint: t.shape)); continue }
                newSteps[name] = Int(t.item())
            } else {
                guard t.shape == p.shape else { problems.append(.shape(name: key, model: p.shape, checkpoint: t.shape)); continue }
                newState[name, default: [:]][slot] = t
            }
        }
        guard problems.isEmpty else { throw CheckpointError.mismatch(source: source, problems) }
        state = newState
        parameterSteps = newSteps
        if let s = file.metadata["step"], let n = Int(s) { stepCount = n }
        if let s = file.metadata["learning_rate"], let lr = Float(s) { learningRate = lr }
    }
}

/// Checkpoint helpers shared by modules and callers that assemble their own tensor lists.
public enum Checkpoint {
    /// The differences between what a model expects and what a checkpoint holds, in the model's order
    /// (missing and mis-shaped), then the checkpoint's (unexpected).
    public static func mismatches(expected: [(name: String, tensor: Tensor)],
                                  found: [(name: String, tensor: Tensor)]) -> [CheckpointError.Mismatch] {
        let foundByName = Dictionary(found.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let expectedNames = Set(expected.map(\.name))
        var list: [CheckpointError.Mismatch] = []
        for (name, t) in expected {
            guard let f = foundByName[name] else { list.append(.missing(name: name, shape: t.shape)); continue }
            if f.shape != t.shape { list.append(.shape(name: name, model: t.shape, checkpoint: f.shape)) }
        }
        for (name, t) in found where !expectedNames.contains(name) { list.append(.unexpected(name: name, shape: t.shape)) }
        return list
    }

    /// Copies `found` into the `expected` tensors by name, after checking that names and shapes agree
    /// (throws the full list otherwise, having modified nothing). When not `strict`, missing and unexpected
    /// names are skipped and returned instead; shape differences always throw.
    @discardableResult
    public static func copy(_ found: [(name: String, tensor: Tensor)], into expected: [(name: String, tensor: Tensor)],
                            source: String, strict: Bool = true) throws -> [CheckpointError.Mismatch] {
        let problems = mismatches(expected: expected, found: found)
        let fatal = strict ? problems : problems.filter { if case .shape = $0 { return true } else { return false } }
        guard fatal.isEmpty else { throw CheckpointError.mismatch(source: source, fatal) }
        let foundByName = Dictionary(found.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (name, t) in expected {
            guard let src = foundByName[name] else { continue }
            t.storage.pointer.update(from: src.storage.pointer, count: t.count)
        }
        return problems
    }
}
