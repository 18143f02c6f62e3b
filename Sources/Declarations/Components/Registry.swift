/// The catalogue of component declarations a spec may name, per slot.
///
/// The model layer makes the standard one from its component list (`ModelCatalog.standard` in
/// RRSISModels); this type knows declarations only, not how to build them.
public struct Registry: Sendable {
    public private(set) var declarations: [ComponentDeclaration]

    public init(_ declarations: [ComponentDeclaration]) {
        for (i, d) in declarations.enumerated() {
            precondition(!declarations[..<i].contains { $0.slot == d.slot && $0.name == d.name },
                         "Registry: \(d.slot.rawValue) \(d.name) is declared twice")
        }
        self.declarations = declarations
    }

    /// Declarations of `slot`, in catalogue order.
    public func declarations(for slot: ComponentSlot) -> [ComponentDeclaration] {
        declarations.filter { $0.slot == slot }
    }

    /// Names registered for `slot`.
    public func names(for slot: ComponentSlot) -> [String] { declarations(for: slot).map(\.name) }

    /// The declaration of `name` in `slot`, if any.
    public func declaration(_ slot: ComponentSlot, _ name: String) -> ComponentDeclaration? {
        declarations.first { $0.slot == slot && $0.name == name }
    }

    /// Resolves a spec's choice for `slot` at JSON `path`.
    ///
    /// Accepted forms: `"fiam"` (defaults) or `{"name": "fiam", "params": {"spatial": false}}`, optionally with
    /// `"init": "path.safetensors"` (weights to start from; the spec loader checks and hashes the file).
    /// - Returns: the choice, or `nil` with every problem found.
    public func resolve(_ slot: ComponentSlot, _ json: JSONValue, at path: String) -> (ComponentChoice?, [SpecIssue]) {
        let name: String
        var paramsJSON: JSONValue? = nil
        var initFile: String? = nil
        var issues: [SpecIssue] = []
        switch json {
        case .string(let s):
            name = s
        case .object(let pairs):
            let keys = ["name", "params", "init"]
            for (key, _) in pairs where !keys.contains(key) {
                issues.append(SpecIssue(path: path + "." + key, .unknownKey(key: key, section: "a component choice", allowed: keys,
                                                                           suggestion: Suggestion.closest(to: key, in: keys))))
            }
            if let value = json["init"], value != .null {
                if case .string(let file) = value, !file.isEmpty { initFile = file } else {
                    issues.append(SpecIssue(path: path + ".init", .wrongType(expected: "the path of a .safetensors checkpoint file", found: value.typeDescription, value: value.jsonText)))
                }
            }
            guard case .string(let s)? = json["name"] else {
                let expected = "the name of a \(slot.rawValue) component (\(names(for: slot).joined(separator: ", ")))"
                if let v = json["name"] {
                    issues.append(SpecIssue(path: path + ".name", .wrongType(expected: expected, found: v.typeDescription, value: v.jsonText)))
                } else {
                    issues.append(SpecIssue(path: path, .missingKey(key: "name", expected: expected)))
                }
                return (nil, issues)
            }
            name = s
            paramsJSON = json["params"]
        default:
            return (nil, [SpecIssue(path: path, .wrongType(expected: "a \(slot.rawValue) component name or {\"name\": …, \"params\": {…}}",
                                                           found: json.typeDescription, value: json.jsonText))])
        }
        guard let declaration = declaration(slot, name) else {
            let allowed = names(for: slot)
            let at = json.objectPairs == nil ? path : path + ".name"
            issues.append(SpecIssue(path: at, .unknownComponent(slot: slot, name: name, allowed: allowed,
                                                                suggestion: Suggestion.closest(to: name, in: allowed))))
            return (nil, issues)
        }
        let (params, paramIssues) = ComponentParams.resolve(paramsJSON, against: declaration.parameters, at: path + ".params",
                                                            owner: "\(slot.rawValue) \(name)")
        issues += paramIssues
        guard issues.isEmpty else { return (nil, issues) }
        var choice = ComponentChoice(slot: slot, name: name, params: params)
        choice.initFile = initFile
        return (choice, issues)
    }
}
