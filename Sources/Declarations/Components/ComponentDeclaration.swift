/// What the harness knows about a component before any model code runs: its slot, name, one-line doc,
/// declared parameters and the rules between them (`constraints`). Declarations validate specs and print `ablate list`; builders (which
/// construct the actual modules) attach to them through `ComponentBuilders`.
public struct ComponentDeclaration: Equatable, Sendable {
    public var slot: ComponentSlot
    /// The name a spec uses (`"fiam"`).
    public var name: String
    public var doc: String
    public var parameters: [ParameterSpec]
    /// Rules between the parameters (and values of other sections) that the model's constructors rely on.
    public var constraints: [ParameterConstraint]

    public init(slot: ComponentSlot, name: String, doc: String, parameters: [ParameterSpec] = [], constraints: [ParameterConstraint] = []) {
        precondition(Set(parameters.map(\.name)).count == parameters.count, "\(slot.rawValue) \(name): duplicate parameter names")
        for c in constraints {
            for key in c.keys where !key.contains(".") {
                precondition(parameters.contains { $0.name == key }, "\(slot.rawValue) \(name): constraint names undeclared parameter \(key)")
            }
        }
        self.slot = slot; self.name = name; self.doc = doc; self.parameters = parameters; self.constraints = constraints
    }

    /// The component with all parameters at their defaults (required parameters have none; the
    /// standard components have no required parameters).
    public var defaultChoice: ComponentChoice {
        var values: [String: ParameterValue] = [:]
        for p in parameters { values[p.name] = p.defaultValue }
        return ComponentChoice(slot: slot, name: name, params: ComponentParams(values, owner: "\(slot.rawValue) \(name)"))
    }
}

/// A resolved choice for one slot: a registered component and its full parameters.
public struct ComponentChoice: Hashable, Sendable, CustomStringConvertible {
    public var slot: ComponentSlot
    public var name: String
    public var params: ComponentParams
    /// `init`: a safetensors file the slot's weights start from, as the spec wrote it; nil to build from scratch
    /// (or from `pretrain`).
    public var initFile: String? = nil
    /// SHA-256 hex of `initFile`'s bytes, filled in when the spec is loaded: what identifies the weights in
    /// `json` (and so in run keys; the path does not).
    public var initHash: String? = nil

    public init(slot: ComponentSlot, name: String, params: ComponentParams) {
        self.slot = slot; self.name = name; self.params = params
    }

    /// Canonical JSON: `{"name":…,"params":{…}}`, and `"init":"sha256:…"` only for a choice that starts from
    /// a checkpoint file (so the keys of every other choice are what they always were).
    public var json: JSONValue {
        var entries: [(String, JSONValue)] = [("name", .string(name)), ("params", params.json)]
        if let initHash { entries.append(("init", .string("sha256:" + initHash))) }
        return .object(entries)
    }

    /// `fiam`, or `fiam(spatial=false)` listing the parameters that differ from `declaration`'s defaults.
    public func label(against declaration: ComponentDeclaration?) -> String {
        let changed = (declaration?.parameters ?? []).compactMap { p -> String? in
            guard let v = params.values[p.name], v != p.defaultValue else { return nil }
            return "\(p.name)=\(v)"
        }
        return changed.isEmpty ? name : "\(name)(\(changed.joined(separator: ", ")))"
    }

    public var description: String { "\(slot.rawValue)=\(name)\(params.json.jsonText)" }
}
